"""`python -m benchmarks.load`: see `benchmarks.load.main`."""

import sys

from benchmarks.load.main import main

sys.exit(main())
