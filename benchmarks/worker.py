"""Run one benchmark case on one side in this (fresh) process; print its measurements as JSON.

    python -m benchmarks.worker <family> <case> <ours|peer> '<json params>'

The runner starts one worker per case and side, so peak memory (ru_maxrss) is the case's own.
"""

from __future__ import annotations

import json
import sys

from benchmarks.common import execute
from benchmarks.registry import load


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    family, case, side, params = argv
    if side not in ("ours", "peer"):
        print(f"side must be 'ours' or 'peer', not {side!r}", file=sys.stderr)
        return 2
    prepared = load(family).CASES[case](side, json.loads(params))
    print(json.dumps(execute(prepared)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
