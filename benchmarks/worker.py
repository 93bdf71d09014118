"""Run one benchmark case on one side in this fresh interpreter and print its measurements.

    python -m benchmarks.worker FAMILY CASE SIDE PARAMS_JSON

Called by `benchmarks.common.run_worker`: the family module's `CASES[CASE](SIDE, params)` builds
the inputs and returns a `Prepared`; `benchmarks.common.execute` times it and reads the peak
memory; the result is printed as JSON on the last line of stdout.
"""

from __future__ import annotations

import json
import sys

from benchmarks.common import execute
from benchmarks.registry import load


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    family, case, side, params = argv[1], argv[2], argv[3], json.loads(argv[4])
    prepared = load(family).CASES[case](side, params)
    print(json.dumps(execute(prepared)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
