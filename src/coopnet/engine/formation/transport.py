"""The formation model over a fixed set of eligible pairs, solved by HiGHS and re-solvable.

x[p, r] >= 0 hours of person p on requirement r, for the eligible pairs only. Every requirement
gets exactly its hours; nobody works more than their hours. Cost = sum of hours x rate, plus the
coordination cost of every organisation taking part, with at most `max_organisations` of them
(the fixed charges, when the model needs them). The MILP is solved with an explicit absolute
gap of half a penny, so "optimal" means optimal to the cent (see docs/architecture.md for the
measurements behind the choice).
"""

from __future__ import annotations

import time

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import SolverError
from coopnet.engine.formation.fixed_charges import MIP_ABSOLUTE_GAP, add_fixed_charges
from coopnet.engine.formation.pairs import EligiblePairs
from coopnet.engine.formation.result import Status
from coopnet.engine.network import Network, Opportunity

_HOURS_TOL = 1e-7
#: Reduced-cost fixing is applied when it leaves at most this share of the organisations.
FIXING_WORTHWHILE = 0.9
#: A row of the model: lower and upper bounds, columns and coefficients.
Row = tuple[float, float, NDArray[np.int64], NDArray[np.float64]]


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
        rows: list[Row] = []
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

    def _add_fixed_charges(self, rows: list[Row]) -> None:
        """Binary y per organisation, x <= upper * y, the cap, and the organisation cuts."""
        owner = self.network.person_org[self.pairs.person]
        coordination = self.network.coordination[self.orgs]
        cap = self.opportunity.max_organisations
        y_of = add_fixed_charges(self.highs, owner, self.pairs.upper, self.orgs, coordination, cap)
        self._add_organisation_cuts(rows, y_of)

    def _add_organisation_cuts(
        self,
        rows: list[Row],
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

    def _add_rows(self, rows: list[Row]) -> None:
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
