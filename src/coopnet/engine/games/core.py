"""The core: is an allocation stable, and if not, which coalitions object and by how much."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopnet.engine.games.subsets import FloatVector, members_of, subset_sums
from coopnet.engine.numeric import unsigned_zero


@dataclass(frozen=True)
class Objection:
    """Coalition `members` could earn `worth` alone but is given only `allocated`."""

    members: tuple[int, ...]
    worth: float
    allocated: float

    @property
    def shortfall(self) -> float:
        return self.worth - self.allocated


@dataclass(frozen=True)
class CoreCheck:
    efficient: bool
    objections: tuple[Objection, ...]

    @property
    def in_core(self) -> bool:
        return self.efficient and not self.objections


def core_check(v: FloatVector, x: FloatVector, limit: int = 10) -> CoreCheck:
    """Check x against the core of the profit game v (dense); the worst objections first."""
    n = len(x)
    full = (1 << n) - 1
    tol = 1e-9 * max(1.0, float(np.abs(v).max()), float(np.abs(x).max()))
    allocated = subset_sums(np.asarray(x, dtype=np.float64))
    shortfall = v - allocated
    shortfall[[0, full]] = 0.0
    objecting = np.flatnonzero(shortfall > tol)
    worst = objecting[np.argsort(-shortfall[objecting], kind="stable")[:limit]]
    objections = tuple(
        Objection(
            tuple(members_of(int(m), n)),
            unsigned_zero(float(v[m])),
            unsigned_zero(float(allocated[m])),
        )
        for m in worst
    )
    return CoreCheck(bool(abs(allocated[full] - v[full]) <= tol), objections)
