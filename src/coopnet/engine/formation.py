"""Consortium formation: who works how many hours on what, at the least cost, proven optimal.

The model (spec §2): x[p, r] >= 0 hours of person p on requirement r, for the eligible pairs
only (p holds r's skill at r's minimum level or above). Every requirement gets exactly its
hours; nobody works more than their hours. Cost = sum of hours x rate, plus the coordination
cost of every organisation taking part, with at most `max_organisations` of them.

Without coordination costs or a cap the model is a transportation problem: an LP. With them it
is a fixed-charge MILP: a binary y[o] per organisation, x[p, r] <= min(hours_p, hours_r) y[o].
Both are solved by HiGHS, the MILP with an explicit absolute gap of half a penny, so "optimal"
means optimal to the cent (see docs/architecture.md for the measurements behind the choice).

Pruning keeps optimality: for a requirement, a person whose cheaper (or equally cheap)
colleagues in the same organisation, all eligible, already hold as many hours as the whole
opportunity needs is never needed there (any hours of theirs could move to a colleague with
spare time, at no extra cost and with the same organisations).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import BadInput, SolverError
from coopnet.engine.network import Network, Opportunity

Status = Literal["optimal", "feasible", "infeasible"]
Objective = Literal["cost", "organisations"]
#: Half a penny: a MILP reported optimal is optimal to the cent.
MIP_ABSOLUTE_GAP = 0.005
_HOURS_TOL = 1e-7
#: Reduced-cost fixing is applied when it leaves at most this share of the organisations.
FIXING_WORTHWHILE = 0.9


@dataclass(frozen=True)
class Assignment:
    person: str
    org: str
    skill: str
    hours: float
    requirement: int


@dataclass(frozen=True)
class Uncovered:
    requirement: int
    skill: str
    min_level: int
    hours: float
    available: float
    reason: str


@dataclass(frozen=True)
class Formation:
    status: Status
    cost: float | None
    organisations: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    solve_seconds: float
    gap: float | None = None
    uncovered: tuple[Uncovered, ...] = ()


@dataclass
class EligiblePairs:
    """The eligible (person, requirement) pairs that survive pruning."""

    person: NDArray[np.int64]
    requirement: NDArray[np.int64]
    upper: NDArray[np.float64]


def eligible_pairs(
    network: Network, opportunity: Opportunity, allowed: NDArray[np.bool_]
) -> EligiblePairs:
    """Eligible pairs among the allowed organisations' people, pruned without losing optimality."""
    total = float(sum(r.hours for r in opportunity.requirements))
    persons: list[NDArray[np.int64]] = []
    requirements: list[NDArray[np.int64]] = []
    for r, needed in enumerate(opportunity.requirements):
        ids = network.eligible(needed)
        ids = ids[allowed[network.person_org[ids]] & (network.hours[ids] > 0)]
        ids = _cheapest_sufficient(network, ids, total)
        persons.append(ids)
        requirements.append(np.full(len(ids), r, dtype=np.int64))
    person = np.concatenate(persons)
    requirement = np.concatenate(requirements)
    hours_needed = np.array([float(r.hours) for r in opportunity.requirements])
    upper = np.minimum(network.hours[person], hours_needed[requirement])
    return EligiblePairs(person, requirement, upper)


def _cheapest_sufficient(
    network: Network, ids: NDArray[np.int64], total: float
) -> NDArray[np.int64]:
    """Per organisation, the cheapest people until their hours reach `total` (ties in order)."""
    if len(ids) == 0:
        return ids
    orgs, rates, hours = network.person_org[ids], network.rates[ids], network.hours[ids]
    order = np.lexsort((rates, orgs))
    orgs, hours = orgs[order], hours[order]
    cumulative = np.cumsum(hours)
    starts = np.flatnonzero(np.r_[True, orgs[1:] != orgs[:-1]])
    group_start = np.repeat(cumulative[starts] - hours[starts], np.diff(np.r_[starts, len(orgs)]))
    before = cumulative - hours - group_start  # hours of cheaper colleagues
    return np.sort(ids[order][before < total])


class TransportModel:
    """The formation model over a fixed set of eligible pairs, reusable across re-solves.

    `solve(allowed_orgs)` restricts the people to some organisations by zeroing the other
    columns' bounds, and re-solves from the previous basis.
    """

    def __init__(
        self,
        network: Network,
        opportunity: Opportunity,
        pairs: EligiblePairs,
        mip: bool,
        fixing: bool = True,
    ):
        self.network, self.opportunity, self.pairs, self.mip = network, opportunity, pairs, mip
        self.fixing = fixing
        self.orgs = np.unique(network.person_org[pairs.person])
        self.objective = float("nan")
        self.highs = highspy.Highs()
        for option, value in (
            ("output_flag", False),
            ("mip_abs_gap", MIP_ABSOLUTE_GAP),
            ("mip_rel_gap", 0.0),
            ("threads", 1),
        ):
            self.highs.setOptionValue(option, value)
        self._build()

    def _build(self) -> None:
        pairs, network = self.pairs, self.network
        n_x = len(pairs.person)
        costs = network.rates[pairs.person]
        self.highs.addVars(n_x, np.zeros(n_x), pairs.upper)
        self.highs.changeColsCost(n_x, np.arange(n_x, dtype=np.int32), costs)
        hours = np.array([float(r.hours) for r in self.opportunity.requirements])
        rows: list[tuple[float, float, NDArray[np.int64], NDArray[np.float64]]] = []
        for r, needed in enumerate(hours):
            cols = np.flatnonzero(pairs.requirement == r)
            rows.append((needed, needed, cols, np.ones(len(cols))))
        order = np.argsort(pairs.person, kind="stable")
        people, starts = np.unique(pairs.person[order], return_index=True)
        bounds = np.r_[starts, len(order)]
        for i, person in enumerate(people):
            cols = order[bounds[i] : bounds[i + 1]]
            if len(cols) > 1:
                rows.append(
                    (-highspy.kHighsInf, float(network.hours[person]), cols, np.ones(len(cols)))
                )
        if self.mip:
            self._add_fixed_charges(rows)
        self._add_rows(rows)

    def _add_fixed_charges(
        self, rows: list[tuple[float, float, NDArray[np.int64], NDArray[np.float64]]]
    ) -> None:
        """Binary y per organisation, x <= upper * y, the cap, and the organisation cuts."""
        owner = self.network.person_org[self.pairs.person]
        coordination = self.network.coordination[self.orgs]
        cap = self.opportunity.max_organisations
        y_of = add_fixed_charges(self.highs, owner, self.pairs.upper, self.orgs, coordination, cap)
        self._add_organisation_cuts(rows, y_of)

    def _add_organisation_cuts(
        self,
        rows: list[tuple[float, float, NDArray[np.int64], NDArray[np.float64]]],
        y_of: NDArray[np.int64],
    ) -> None:
        """Valid inequalities that tighten the LP relaxation: an organisation's hours on a
        requirement are at most min(its hours there, the requirement's) times y[o], and its hours
        overall at most min(its people's hours, the whole need) times y[o]."""
        pairs = self.pairs
        needed = np.array([float(r.hours) for r in self.opportunity.requirements])
        total = needed.sum()
        org = self.network.person_org[pairs.person]
        for key in (org * len(needed) + pairs.requirement, org):
            order = np.argsort(key, kind="stable")
            groups, starts = np.unique(key[order], return_index=True)
            bounds = np.r_[starts, len(order)]
            for g in range(len(groups)):
                cols = order[bounds[g] : bounds[g + 1]]
                if len(cols) < 2:
                    continue
                if key is org:
                    people = np.unique(pairs.person[cols])
                    limit = min(total, float(self.network.hours[people].sum()))
                else:
                    limit = min(
                        float(needed[pairs.requirement[cols[0]]]), float(pairs.upper[cols].sum())
                    )
                rows.append(
                    (
                        -highspy.kHighsInf,
                        0.0,
                        np.r_[cols, y_of[cols[0]]],
                        np.r_[np.ones(len(cols)), -limit],
                    )
                )

    def _add_rows(
        self, rows: list[tuple[float, float, NDArray[np.int64], NDArray[np.float64]]]
    ) -> None:
        lower = np.array([r[0] for r in rows])
        upper = np.array([r[1] for r in rows])
        lengths = np.array([len(r[2]) for r in rows])
        starts = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int32)
        indices = np.concatenate([r[2] for r in rows]).astype(np.int32)
        values = np.concatenate([r[3] for r in rows]).astype(np.float64)
        self.highs.addRows(len(rows), lower, upper, len(indices), starts, indices, values)

    def restrict(self, allowed_orgs: NDArray[np.bool_]) -> None:
        """Allow only the people of these organisations (a mask over all organisations)."""
        upper = np.where(
            allowed_orgs[self.network.person_org[self.pairs.person]], self.pairs.upper, 0.0
        )
        n_x = len(upper)
        self.highs.changeColsBounds(n_x, np.arange(n_x, dtype=np.int32), np.zeros(n_x), upper)

    def run(self, time_limit: float) -> tuple[Status, NDArray[np.float64], float | None]:
        """Solve; the status, the hours per pair, and the absolute gap if not proven."""
        deadline = time.perf_counter() + time_limit
        if self.mip and self.fixing:
            self._fix_by_reduced_costs(time_limit)
        status = self._solve(max(deadline - time.perf_counter(), 0.01))
        if self.mip:  # undo the fixing, so the model can be re-solved on other terms
            n_y = len(self.orgs)
            self.highs.changeColsBounds(n_y, self._y_cols(), np.zeros(n_y), np.ones(n_y))
        return status

    def _y_cols(self) -> NDArray[np.int32]:
        n_x = len(self.pairs.person)
        return np.arange(n_x, n_x + len(self.orgs), dtype=np.int32)

    def _fix_by_reduced_costs(self, time_limit: float) -> None:
        """Exclude the organisations that no optimal consortium can contain.

        The LP relaxation gives a lower bound L and each organisation's reduced cost d[o]: any
        solution with y[o] = 1 costs at least L + d[o]. A small MILP over the organisations the
        relaxation uses gives an upper bound U. Every organisation with L + d[o] > U is fixed
        out before the real MILP, which is then left with a few dozen binaries instead of
        hundreds, and starts from the solution that gave U.
        """
        y_cols, n_y = self._y_cols(), len(self.orgs)
        self.highs.setOptionValue("solve_relaxation", True)
        self.highs.run()
        self.highs.setOptionValue("solve_relaxation", False)
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return
        lower = float(self.highs.getInfo().objective_function_value)
        solution = self.highs.getSolution()
        y = np.array(solution.col_value)[y_cols]
        reduced = np.maximum(np.array(solution.col_dual)[y_cols], 0.0)
        used = y > 1e-9
        self.highs.changeColsBounds(n_y, y_cols, np.zeros(n_y), used.astype(np.float64))
        self.highs.setOptionValue("time_limit", float(time_limit))
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # e.g. the relaxation's organisations exceed the cap once they must be whole
            self.highs.changeColsBounds(n_y, y_cols, np.zeros(n_y), np.ones(n_y))
            self.highs.clearSolver()
            return
        upper = float(self.highs.getInfo().objective_function_value)
        start = self.highs.getSolution()
        keep = lower + reduced <= upper + MIP_ABSOLUTE_GAP
        if keep.mean() > FIXING_WORTHWHILE:  # too few to fix: solve the model afresh
            self.highs.changeColsBounds(n_y, y_cols, np.zeros(n_y), np.ones(n_y))
            self.highs.clearSolver()
            return
        self.highs.changeColsBounds(n_y, y_cols, np.zeros(n_y), keep.astype(np.float64))
        self.highs.setSolution(start)

    def _solve(self, time_limit: float) -> tuple[Status, NDArray[np.float64], float | None]:
        self.highs.setOptionValue("time_limit", float(time_limit))
        self.highs.run()
        status = self.highs.getModelStatus()
        model_status = highspy.HighsModelStatus
        self.objective = float(self.highs.getInfo().objective_function_value)
        if status == model_status.kOptimal:
            return "optimal", self._hours(), None
        if status in (model_status.kInfeasible, model_status.kUnboundedOrInfeasible):
            return "infeasible", np.zeros(0), None
        info = self.highs.getInfo()
        if status == model_status.kTimeLimit and info.primal_solution_status == 2:
            gap = float(info.objective_function_value - info.mip_dual_bound)
            return "feasible", self._hours(), max(gap, 0.0)
        reason = self.highs.modelStatusToString(status)
        raise SolverError(f"the formation solver stopped with status {reason}")

    def _hours(self) -> NDArray[np.float64]:
        values = np.array(self.highs.getSolution().col_value[: len(self.pairs.person)])
        return np.where(values > _HOURS_TOL, values, 0.0)


def add_fixed_charges(
    highs: highspy.Highs,
    owner: NDArray[np.int64],
    upper: NDArray[np.float64],
    orgs: NDArray[np.int64],
    coordination: NDArray[np.float64],
    cap: int | None,
) -> NDArray[np.int64]:
    """Add a binary y per organisation in `orgs` (costing its coordination), link every hours
    column k to its owner's y (x_k <= upper_k y), and cap the sum of y. The hours columns must
    be the model's first len(owner) columns. Returns the y column of each hours column."""
    n_x, n_y = len(owner), len(orgs)
    first = highs.getNumCol()
    highs.addVars(n_y, np.zeros(n_y), np.ones(n_y))
    y_cols = np.arange(first, first + n_y, dtype=np.int32)
    highs.changeColsCost(n_y, y_cols, coordination)
    highs.changeColsIntegrality(n_y, y_cols, np.full(n_y, highspy.HighsVarType.kInteger))
    y_of = y_cols[np.searchsorted(orgs, owner)].astype(np.int64)
    indices = np.empty(2 * n_x, dtype=np.int32)
    indices[0::2], indices[1::2] = np.arange(n_x), y_of
    values = np.empty(2 * n_x)
    values[0::2], values[1::2] = 1.0, -upper
    starts = np.arange(0, 2 * n_x, 2, dtype=np.int32)
    highs.addRows(
        n_x, np.full(n_x, -highspy.kHighsInf), np.zeros(n_x), 2 * n_x, starts, indices, values
    )
    if cap is not None:
        highs.addRow(-highspy.kHighsInf, float(cap), n_y, y_cols, np.ones(n_y))
    return y_of


def needs_mip(network: Network, opportunity: Opportunity, orgs: NDArray[np.int64]) -> bool:
    return opportunity.max_organisations is not None or bool(np.any(network.coordination[orgs] > 0))


def form(
    network: Network,
    opportunity: Opportunity,
    *,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    objective: Objective = "cost",
    time_limit: float = 60.0,
) -> Formation:
    """The cheapest consortium (or, with objective="organisations", the fewest organisations,
    cheapest among those) that delivers the opportunity."""
    started = time.perf_counter()
    allowed = _allowed(network, include, exclude)
    pairs = eligible_pairs(network, opportunity, allowed)
    orgs = np.unique(network.person_org[pairs.person])
    status: Status = "infeasible"
    if len(pairs.person):
        mip = needs_mip(network, opportunity, orgs) or objective == "organisations"
        model = TransportModel(network, opportunity, pairs, mip)
        if objective == "organisations":
            _cap_at_fewest(model, time_limit)
        status, hours, gap = model.run(time_limit)
    if status == "infeasible":
        from coopnet.engine.diagnosis import diagnose

        uncovered = diagnose(network, opportunity, allowed)
        return Formation(
            "infeasible", None, (), (), time.perf_counter() - started, uncovered=uncovered
        )
    return _formation(network, opportunity, pairs, hours, status, gap, started)


def _allowed(
    network: Network, include: Iterable[str] | None, exclude: Iterable[str]
) -> NDArray[np.bool_]:
    index = network.org_index
    for org in [*(include or ()), *exclude]:
        if org not in index:
            raise BadInput(f"organisation {org!r} is not in the network")
    allowed = (
        np.zeros(len(network.organisations), dtype=bool)
        if include is not None
        else np.ones(len(network.organisations), dtype=bool)
    )
    for org in include or ():
        allowed[index[org]] = True
    for org in exclude:
        allowed[index[org]] = False
    return allowed


def _cap_at_fewest(model: TransportModel, time_limit: float) -> None:
    """Find the fewest organisations that can deliver, then cap the model there."""
    n_x, n_y = len(model.pairs.person), len(model.orgs)
    y_cols = np.arange(n_x, n_x + n_y, dtype=np.int32)
    real_costs = model.network.coordination[model.orgs]
    model.highs.changeColsCost(n_x, np.arange(n_x, dtype=np.int32), np.zeros(n_x))
    model.highs.changeColsCost(n_y, y_cols, np.ones(n_y))
    status, _, _ = model.run(time_limit)
    if status == "infeasible":
        return
    fewest = round(model.objective)
    model.highs.changeColsCost(
        n_x, np.arange(n_x, dtype=np.int32), model.network.rates[model.pairs.person]
    )
    model.highs.changeColsCost(n_y, y_cols, real_costs)
    model.highs.addRow(-highspy.kHighsInf, float(fewest), n_y, y_cols, np.ones(n_y))


def _formation(
    network: Network,
    opportunity: Opportunity,
    pairs: EligiblePairs,
    hours: NDArray[np.float64],
    status: Status,
    gap: float | None,
    started: float,
) -> Formation:
    used = np.flatnonzero(hours > 0)
    assignments = tuple(
        Assignment(
            person=network.people[pairs.person[k]].id,
            org=network.people[pairs.person[k]].org,
            skill=opportunity.requirements[pairs.requirement[k]].skill,
            hours=float(hours[k]),
            requirement=int(pairs.requirement[k]),
        )
        for k in used
    )
    org_ids = np.unique(network.person_org[pairs.person[used]])
    cost = float(
        hours[used] @ network.rates[pairs.person[used]] + network.coordination[org_ids].sum()
    )
    organisations = tuple(network.organisations[i].id for i in org_ids)
    return Formation(status, cost, organisations, assignments, time.perf_counter() - started, gap)
