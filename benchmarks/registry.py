"""The benchmark families, in the order their sections appear in docs/benchmarks.md.

To add a family (formation, splits, ...): write `benchmarks/<name>.py` with `TITLE`, `INTRO`,
`CASES` and `run(profile) -> Section` (see `benchmarks.common`), and list it here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

FAMILIES: dict[str, str] = {
    "games": "benchmarks.games",
    "formation": "benchmarks.formation",
    "resilience": "benchmarks.resilience",
    "pooling": "benchmarks.pooling",
    "platform": "benchmarks.platform",
    "ledger": "benchmarks.ledger",
}


def load(family: str) -> ModuleType:
    if family not in FAMILIES:
        raise KeyError(f"unknown benchmark family {family!r}; known: {', '.join(FAMILIES)}")
    return importlib.import_module(FAMILIES[family])
