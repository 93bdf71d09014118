"""The mentoring plan's integer program: how many pairings per skill, mentor class and learner
class maximise the weighted-coverage gain.

Columns: y[m, s] sessions of mentor class m on skill s and x[l, s] learners of class l on s
(integers), then z[s, k] in [0, 1], the k-th gain step of skill s. Each mentor class stays
within its sessions, each learner takes at most one pairing, learners in a pool need as many
sessions in the same pool, and a skill's gain steps count its learners (concave gains, so the
LP fills the steps in order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import SolverError
from coopnet.engine.resilience.skills import step_gains

Columns = dict[tuple[int, str], int]


@dataclass
class PeopleClass:
    """Interchangeable people: the same pool and candidate skills; `members` with capacities."""

    pool: int
    skills: tuple[str, ...]
    members: list[int] = field(default_factory=list)
    capacity: list[int] = field(default_factory=list)


def solve_pairings(
    mentors: Sequence[PeopleClass],
    learners: Sequence[PeopleClass],
    bus: Mapping[str, int],
    demand: Mapping[str, float],
    usable: set[tuple[int, str]],
) -> dict[tuple[str, int, int], int]:
    """Pairings per (skill, mentor class, learner class) maximising the coverage gain."""
    if not usable:
        return {}
    program = _Program()
    y = {
        (m, s): program.column(sum(mc.capacity), 0.0)
        for m, mc in enumerate(mentors)
        for s in mc.skills
    }
    x = {
        (c, s): program.column(len(lc.members), 0.0)
        for c, lc in enumerate(learners)
        for s in lc.skills
    }
    integer = len(program.cost)
    z = _gain_steps(program, mentors, learners, y, x, bus, demand)
    _add_rows(program, mentors, learners, y, x, z)
    values = program.maximise(integer)
    return _pair_classes(mentors, learners, y, x, values)


class _Program:
    """The columns and rows of the program, gathered before HiGHS sees them."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.cost: list[float] = []
        self.rows: list[tuple[float, float, list[int], list[float]]] = []

    def column(self, upper: float, gain: float) -> int:
        self.lower.append(0.0)
        self.upper.append(upper)
        self.cost.append(gain)
        return len(self.cost) - 1

    def row(self, lower: float, upper: float, cols: list[int], values: list[float]) -> None:
        self.rows.append((lower, upper, cols, values))

    def maximise(self, integer: int) -> NDArray[np.int64]:
        """The optimal values, rounded; the first `integer` columns are integers."""
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("mip_rel_gap", 0.0)
        n = len(self.cost)
        highs.addVars(n, np.array(self.lower), np.array(self.upper))
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(self.cost))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for lower, upper, cols, vals in self.rows:
            highs.addRow(lower, upper, len(cols), np.array(cols, dtype=np.int32), np.array(vals))
        highs.changeColsIntegrality(
            integer,
            np.arange(integer, dtype=np.int32),
            np.full(integer, highspy.HighsVarType.kInteger),
        )
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"mentoring plan: HiGHS stopped with {highs.getModelStatus()}")
        values: NDArray[np.int64] = np.rint(np.array(highs.getSolution().col_value)).astype(
            np.int64
        )
        return values


def _gain_steps(
    program: _Program,
    mentors: Sequence[PeopleClass],
    learners: Sequence[PeopleClass],
    y: Columns,
    x: Columns,
    bus: Mapping[str, int],
    demand: Mapping[str, float],
) -> dict[str, list[int]]:
    """A column per gain step of each skill, as many steps as it can have pairings."""
    supply: dict[str, int] = defaultdict(int)
    for c, s in x:
        supply[s] += len(learners[c].members)
    mentor_supply: dict[str, int] = defaultdict(int)
    for m, s in y:
        mentor_supply[s] += sum(mentors[m].capacity)
    z: dict[str, list[int]] = {}
    for s in sorted(supply):
        steps = min(supply[s], mentor_supply[s])
        z[s] = [program.column(1.0, g) for g in step_gains(demand[s], bus[s], steps)]
    return z


def _add_rows(
    program: _Program,
    mentors: Sequence[PeopleClass],
    learners: Sequence[PeopleClass],
    y: Columns,
    x: Columns,
    z: dict[str, list[int]],
) -> None:
    for m, mc in enumerate(mentors):  # each mentor class within its sessions
        cols = [y[m, s] for s in mc.skills]
        program.row(0.0, float(sum(mc.capacity)), cols, [1.0] * len(cols))
    for c, lc in enumerate(learners):  # each learner at most one pairing
        cols = [x[c, s] for s in lc.skills]
        program.row(0.0, float(len(lc.members)), cols, [1.0] * len(cols))
    by_pool: dict[tuple[int, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for (m, s), col in y.items():
        by_pool[mentors[m].pool, s][0].append(col)
    for (c, s), col in x.items():
        by_pool[learners[c].pool, s][1].append(col)
    for ys, xs in by_pool.values():  # learners in a pool need mentors in the same pool
        program.row(0.0, highspy.kHighsInf, ys + xs, [1.0] * len(ys) + [-1.0] * len(xs))
    for s, gain_cols in z.items():  # the gain steps of a skill count its learners
        xs = [col for (c, t), col in x.items() if t == s]
        program.row(0.0, 0.0, xs + gain_cols, [1.0] * len(xs) + [-1.0] * len(gain_cols))


def _pair_classes(
    mentors: Sequence[PeopleClass],
    learners: Sequence[PeopleClass],
    y: Mapping[tuple[int, str], int],
    x: Mapping[tuple[int, str], int],
    values: NDArray[np.int64],
) -> dict[tuple[str, int, int], int]:
    """Match the mentor sessions and learners of each (pool, skill), in class order."""
    counts: dict[tuple[str, int, int], int] = defaultdict(int)
    offered: dict[tuple[int, str], list[list[int]]] = defaultdict(list)
    for (m, s), col in y.items():
        if values[col] > 0:
            offered[mentors[m].pool, s].append([m, int(values[col])])
    for (c, s), col in x.items():
        need = int(values[col])
        queue = offered[learners[c].pool, s]
        while need > 0:
            entry = queue[0]
            take = min(need, entry[1])
            counts[s, entry[0], c] += take
            need -= take
            entry[1] -= take
            if entry[1] == 0:
                queue.pop(0)
    return counts
