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
from coopnet.engine.formation.covers import FlowCovers
from coopnet.engine.formation.fixed_charges import MIP_ABSOLUTE_GAP, add_organisation_binaries
from coopnet.engine.formation.pairs import EligiblePairs
from coopnet.engine.formation.result import Status
from coopnet.engine.network import Network, Opportunity

_HOURS_TOL = 1e-7
#: The candidates: the organisations the LP relaxation uses and this many times as many of
#: the next in the ranking (`TransportModel._ranked`).
NEIGHBOURS = 3
#: The organisations beyond the candidates that join them in the second search: this many
#: of those the relaxations tightened by cuts used most (their binaries summed over the
#: rounds). On the benchmark's 60 instances, the optimum's organisations beyond the
#: candidates were always the first or second of them; the rest only made the MILP harder.
JOINING = 4
#: Reduced-cost fixing is repeated on what it leaves at most this many times (and as many
#: times more with cuts).
FIXING_ROUNDS = 4
#: Rounds of flow-cover cuts (`covers`) added to a relaxation at most, and the least share of
#: the gap between its bound and the best consortium found that a round must close for another.
CUT_ROUNDS = 8
CUT_STALL = 0.02
#: The options of the MILP that looks for a consortium cheaper than the candidates' (cut off
#: at its cost): no heuristics (the sub-MIPs, RINS and RENS, and the other root heuristics
#: cost more than the search itself). Restarts stay on: after the root fixes most binaries by
#: reduced cost, the smaller model's cut rounds are cheaper.
PROOF_OPTIONS: dict[str, float | bool] = {
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_feasibility_jump": False,
}
#: The options of the small MILP over the candidates: the same, and no restarts either (on
#: a model this small they repeat the root for a few binaries at a time; measured 10-40 %
#: faster without).
BOUND_OPTIONS: dict[str, float | bool] = {**PROOF_OPTIONS, "mip_allow_restart": False}
#: Presolve for the LP relaxations: off, since it removes little from these models (the rows
#: that the binaries' bounds make redundant) and costs a fifth to a third of the solve.
RELAXATION_PRESOLVE = "off"
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
        self.needed = np.array([float(r.hours) for r in opportunity.requirements])
        #: each hours column's organisation, as a position in `orgs`
        self._owner = np.searchsorted(self.orgs, network.person_org[pairs.person])
        self.objective = float("nan")
        self.highs = highspy.Highs()
        _configure(self.highs)
        self._build()

    def _build(self) -> None:
        pairs = self.pairs
        n_x = len(pairs.person)
        costs = self.network.rates[pairs.person]
        self.highs.addVars(n_x, np.zeros(n_x), pairs.upper)
        self.highs.changeColsCost(n_x, np.arange(n_x, dtype=np.int32), costs)
        rows: list[Row] = []
        for r, needed in enumerate(self.needed):  # a requirement nobody can take: infeasible
            cols = np.flatnonzero(pairs.requirement == r)
            rows.append((needed, needed, cols, np.ones(len(cols))))
        self._add_rows(rows)
        if self.mip:
            self._add_fixed_charges()
            return
        people = _Groups(pairs.person)
        shared = people.only(people.counts > 1)
        g = len(shared.counts)
        self.highs.addRows(
            g,
            np.full(g, -highspy.kHighsInf),
            self.network.hours[shared.keys],
            len(shared.order),
            shared.starts.astype(np.int32),
            shared.order.astype(np.int32),
            np.ones(len(shared.order)),
        )

    def _add_fixed_charges(self) -> None:
        """Binary y per organisation and the cap, with links that are as tight as the model
        allows: a person's hours in all are at most min(their hours, what the requirements can
        take from them) times y[o] (the capacity row, scaled by y), and an organisation's hours
        on a requirement at most min(the requirement's hours, its people's there) times y[o].
        Together they imply x[p, r] <= min(hours_p, hours_r) y[o] for every pair, and their LP
        relaxation is the convex hull of each organisation's choices (open with any feasible
        hours, or closed), which the pairwise links alone are not."""
        pairs, network = self.pairs, self.network
        y_cols = add_organisation_binaries(
            self.highs,
            self.orgs,
            network.coordination[self.orgs],
            self.opportunity.max_organisations,
        )
        owner = network.person_org[pairs.person]
        y_of = y_cols[np.searchsorted(self.orgs, owner)].astype(np.int64)
        people = _Groups(pairs.person)
        limit = np.minimum(network.hours[people.keys], people.sums(pairs.upper))
        self._add_links(people, y_of, limit)
        limit_of = people.spread(limit)
        needs = _Groups(owner * len(self.needed) + pairs.requirement)
        limit = np.minimum(self.needed[pairs.requirement[needs.first]], needs.sums(pairs.upper))
        implied = (needs.counts == 1) & (limit >= limit_of[needs.first])
        self._add_links(needs.only(~implied), y_of, limit[~implied])

    def _add_links(
        self, groups: _Groups, y_of: NDArray[np.int64], limit: NDArray[np.float64]
    ) -> None:
        """For each group of hours columns (all of one organisation): their sum <= limit * y."""
        n, g = len(groups.order), len(groups.counts)
        shift = np.repeat(np.arange(g), groups.counts)  # a y column precedes in every group
        indices = np.empty(n + g, dtype=np.int32)
        values = np.empty(n + g)
        indices[np.arange(n) + shift] = groups.order
        values[np.arange(n) + shift] = 1.0
        ends = groups.starts + groups.counts + np.arange(g)
        indices[ends] = y_of[groups.first]
        values[ends] = -limit
        starts = (groups.starts + np.arange(g)).astype(np.int32)
        self.highs.addRows(
            g, np.full(g, -highspy.kHighsInf), np.zeros(g), n + g, starts, indices, values
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
        if self.mip and self.fixing:
            solved = self._solve_with_fixing(time_limit)
            if solved is not None:
                return solved
        return self._solve(self.highs, time_limit, len(self.pairs.person))

    def _y_cols(self) -> NDArray[np.int32]:
        n_x = len(self.pairs.person)
        return np.arange(n_x, n_x + len(self.orgs), dtype=np.int32)

    def _solve_with_fixing(
        self, time_limit: float
    ) -> tuple[Status, NDArray[np.float64], float | None] | None:
        """Solve in steps, or None if the relaxation says nothing (then the whole model is to be
        solved).

        The organisations are ranked (`_ranked`): those the LP relaxation uses, then the
        others by how close the relaxation comes to using them. A small MILP over the first
        ones (the candidates) gives the cheapest consortium among them, at cost U. A cheaper
        one, if any, has an organisation that is not a candidate: `_cheaper_elsewhere` looks
        for it with that constraint, among the organisations the relaxation does not rule out
        (its bound L and reduced costs d: any consortium with y[o] = 1 costs at least L + d[o],
        so organisations with L + d[o] > U are left out); if there is none, the candidates'
        consortium is optimal.
        """
        deadline = time.perf_counter() + time_limit
        relaxed = _relaxation(self.highs, self._y_cols())
        if relaxed is None:
            return None
        lower, used, reduced = relaxed
        candidates = np.zeros(len(self.orgs), dtype=bool)
        candidates[self._ranked(used, reduced)[: (1 + NEIGHBOURS) * max(1, int(used.sum()))]] = True
        status, hours, _ = self._solve_over(candidates, deadline)
        if status == "feasible":  # out of time; the relaxation bounds the optimum
            return status, hours, max(self.objective - lower, 0.0)
        if status != "optimal":  # e.g. the relaxation's organisations exceed the cap
            return None
        allowed = lower + reduced <= self.objective
        if not np.any(allowed & ~candidates):
            return "optimal", hours, None
        status, hours, gap = self._cheaper_elsewhere(allowed, candidates, hours, deadline)
        if gap is not None:  # out of time; the relaxation bounds the optimum too
            gap = max(min(gap, self.objective - lower), 0.0)
        return status, hours, gap

    def _ranked(self, used: NDArray[np.bool_], reduced: NDArray[np.float64]) -> NDArray[np.int64]:
        """The organisations (positions in `orgs`) from the most to the least promising after
        the relaxation just solved: those it uses, then by reduced cost. The relaxation is
        degenerate, with many organisations it leaves out at no reduced cost: among equals,
        those that would save the most at its prices come first (per requirement, the most
        any of their people saves below the requirement's price, less their coordination)."""
        pairs, n_r = self.pairs, len(self.needed)
        prices = np.asarray(self.highs.getSolution().row_dual)[:n_r]
        margin = np.maximum(prices[pairs.requirement] - self.network.rates[pairs.person], 0.0)
        most = np.zeros(len(self.orgs) * n_r)
        np.maximum.at(most, self._owner * n_r + pairs.requirement, margin * pairs.upper)
        saving = (
            most.reshape(len(self.orgs), n_r).sum(axis=1) - self.network.coordination[self.orgs]
        )
        return np.lexsort((-saving, np.where(used, -1.0, reduced)))

    def _cheaper_elsewhere(
        self,
        orgs: NDArray[np.bool_],
        candidates: NDArray[np.bool_],
        hours: NDArray[np.float64],
        deadline: float,
    ) -> tuple[Status, NDArray[np.float64], float | None]:
        """The cheapest consortium, given the candidates' (these hours, at cost
        `self.objective`) and the organisations (a mask over `self.orgs`) that a cheaper one
        may have: "optimal" with its hours, or "feasible" with the best found and the gap if
        time ran out.

        A cheaper consortium has an organisation of `orgs` that is not a candidate (the
        beyond): the model of `orgs` gets that constraint, and its relaxation's bound and
        reduced costs leave out more organisations (L + d[o] > U, their columns deleted);
        flow-cover cuts (`covers`) tighten the relaxation of what is left, which then leaves
        out more, and so on while that closes the gap (`_fix_and_cut`). If some are still
        left, the candidates were likely not where the optimum is: the few beyond that the
        relaxations along the way used most (`JOINING`) join them for a second search for a
        consortium cheaper than U among them, which becomes the one to beat if found. Found or
        not, that search proves that any cheaper consortium has an organisation outside it, so
        its organisations no longer count as beyond, and fixing and cuts go on. Then the MILP of
        what is left looks for a cheaper consortium with an organisation beyond."""
        best = self.objective
        part = self._tightened(orgs, orgs & ~candidates)
        used = self._fix_and_cut(part, best)
        if used is not None and np.any((used > 1e-9) & part.beyond):
            joining = np.flatnonzero((used > 1e-9) & part.beyond)
            joining = joining[np.argsort(-used[joining], kind="stable")[:JOINING]]
            search = np.zeros(len(self.orgs), dtype=bool)
            search[part.y[~part.beyond]] = True
            search[part.y[joining]] = True
            status, found, _ = self._cheaper(search, None, best, deadline)
            if status != "infeasible" and self.objective < best:
                best, hours = self.objective, found
            if status != "feasible":  # proven: none cheaper than `best` among them alone
                part.not_beyond(search[part.y])
                used = self._fix_and_cut(part, best)
            self.objective = best
        if used is None:
            return "optimal", hours, None
        part.integral()
        status, found, gap = self._cheaper_part(part.highs, part.x, best, deadline, PROOF_OPTIONS)
        if status == "infeasible" or (status == "feasible" and self.objective >= best):
            found = hours
            self.objective = best
        return "optimal" if status == "infeasible" else status, found, gap

    def _tightened(self, orgs: NDArray[np.bool_], beyond: NDArray[np.bool_]) -> _Tightened:
        """The relaxation of the model with only these organisations (a mask over `orgs`) and
        the row "at least one of `beyond`", ready for `_fix_and_cut`."""
        part, columns = self._part(orgs, beyond)
        n_x = len(self.pairs.person)
        return _Tightened(self, part, columns[columns < n_x], np.flatnonzero(orgs), beyond[orgs])

    def _fix_and_cut(self, part: _Tightened, best: float) -> NDArray[np.float64] | None:
        """Reduced-cost fixing and flow-cover cuts on `part`, repeated while they leave
        organisations out or close enough of the gap to `best`: None if no consortium cheaper
        than `best` has an organisation beyond any longer, else how much its relaxations used
        each organisation still in `part` (its binary summed over the rounds). Those left out
        leave `part`."""
        used = np.zeros(len(part.y))
        previous = -np.inf
        for _ in range(FIXING_ROUNDS + CUT_ROUNDS):
            relaxed = _solve_relaxation(part.highs)
            if relaxed is None:
                if part.highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
                    return None
                break
            lower, values, duals = relaxed
            used += np.maximum(values[part.y_cols], 0.0)
            out = lower + np.maximum(duals[part.y_cols], 0.0) > best
            if not np.any(part.beyond & ~out):
                return None
            if np.any(out):
                values = part.drop(out, values)
                used = used[~out]
            elif lower - previous < CUT_STALL * (best - lower):
                break
            previous = lower
            if not part.covers.add_violated(part.highs, values) and not np.any(out):
                break
        return used

    def _cheaper(
        self,
        orgs: NDArray[np.bool_],
        outside: NDArray[np.bool_] | None,
        best: float,
        deadline: float,
    ) -> tuple[Status, NDArray[np.float64], float | None]:
        """The cheapest consortium of these organisations (with one of `outside` at least, if
        given) cheaper than `best`: see `_cheaper_part`. Without `outside`, a candidates'
        search, with their small MILP's options."""
        n_x = len(self.pairs.person)
        part, columns = self._part(orgs, outside)
        options = PROOF_OPTIONS if outside is not None else BOUND_OPTIONS
        return self._cheaper_part(part, columns[columns < n_x], best, deadline, options)

    def _cheaper_part(
        self,
        part: highspy.Highs,
        kept_x: NDArray[np.int64],
        best: float,
        deadline: float,
        options: dict[str, float | bool],
    ) -> tuple[Status, NDArray[np.float64], float | None]:
        """Solve `part` (a part of the model keeping these hours columns first) cut off at
        `best`: "optimal" with the hours if a consortium cheaper than `best` exists (the
        cheapest), "infeasible" if none does, "feasible" if time ran out (with the hours of the
        cheapest found, if any, and the gap to the bound on any cheaper)."""
        n_x = len(self.pairs.person)
        for option, value in options.items():
            part.setOptionValue(option, value)
        part.setOptionValue("objective_bound", best)
        part.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
        part.run()
        status, info = part.getModelStatus(), part.getInfo()
        kinds = highspy.HighsModelStatus
        found = info.primal_solution_status == 2 and info.objective_function_value < best
        better = np.zeros(n_x)
        if found:
            better[kept_x] = self._hours(part, len(kept_x))
            self.objective = float(info.objective_function_value)
        if status == kinds.kOptimal and found:
            return "optimal", better, None
        if status in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible, kinds.kOptimal):
            return "infeasible", np.zeros(0), None
        if status != kinds.kTimeLimit:
            reason = part.modelStatusToString(status)
            raise SolverError(f"the formation solver stopped with status {reason}")
        incumbent = float(info.objective_function_value) if found else best
        self.objective = incumbent
        bound = min(best, float(info.mip_dual_bound))
        return "feasible", better, max(incumbent - bound, 0.0)

    def _part(
        self,
        orgs: NDArray[np.bool_],
        outside: NDArray[np.bool_] | None = None,
    ) -> tuple[highspy.Highs, NDArray[np.int64]]:
        """The model with only these organisations (a mask over `self.orgs`), and the columns
        of the whole model it keeps (hours columns first, then the organisations'); with
        `outside` (a mask within `orgs`), at least one of those organisations takes part (the
        last row)."""
        n_x = len(self.pairs.person)
        columns = np.r_[np.flatnonzero(orgs[self._owner]), n_x + np.flatnonzero(orgs)]
        part = highspy.Highs()
        _configure(part)
        part.passModel(self.highs.getLp())
        basis = self.highs.getBasis()
        if outside is not None and basis.valid:  # its relaxation starts from the whole model's
            part.setBasis(basis)
        dropped = np.setdiff1d(np.arange(self.highs.getNumCol()), columns).astype(np.int32)
        part.deleteCols(len(dropped), dropped)
        if outside is not None:
            n_kept_x = int(np.count_nonzero(columns < n_x))
            cols = (n_kept_x + np.flatnonzero(outside[orgs])).astype(np.int32)
            part.addRow(1.0, highspy.kHighsInf, len(cols), cols, np.ones(len(cols)))
        return part, columns

    def _solve_over(
        self,
        orgs: NDArray[np.bool_],
        deadline: float,
    ) -> tuple[Status, NDArray[np.float64], float | None]:
        """Solve the model with only these organisations (a mask over `self.orgs`); the hours
        per pair."""
        n_x = len(self.pairs.person)
        part, columns = self._part(orgs)
        for option, value in BOUND_OPTIONS.items():
            part.setOptionValue(option, value)
        kept_x = columns[columns < n_x]
        left = max(deadline - time.perf_counter(), 0.01)
        status, hours, gap = self._solve(part, left, len(kept_x))
        if not len(hours):
            return status, hours, gap
        full = np.zeros(n_x)
        full[kept_x] = hours
        return status, full, gap

    def _solve(
        self, highs: highspy.Highs, time_limit: float, n_x: int
    ) -> tuple[Status, NDArray[np.float64], float | None]:
        """Run `highs` (this model or a part of it); the hours on its first n_x columns."""
        highs.setOptionValue("time_limit", float(time_limit))
        highs.run()
        status = highs.getModelStatus()
        model_status = highspy.HighsModelStatus
        self.objective = float(highs.getInfo().objective_function_value)
        if status == model_status.kOptimal:
            return "optimal", self._hours(highs, n_x), None
        if status in (model_status.kInfeasible, model_status.kUnboundedOrInfeasible):
            return "infeasible", np.zeros(0), None
        info = highs.getInfo()
        if status == model_status.kTimeLimit and info.primal_solution_status == 2:
            gap = float(info.objective_function_value - info.mip_dual_bound)
            return "feasible", self._hours(highs, n_x), max(gap, 0.0)
        reason = highs.modelStatusToString(status)
        raise SolverError(f"the formation solver stopped with status {reason}")

    def _hours(self, highs: highspy.Highs, n_x: int) -> NDArray[np.float64]:
        values = np.array(highs.getSolution().col_value[:n_x])
        return np.where(values > _HOURS_TOL, values, 0.0)


class _Tightened:
    """A part of the model whose relaxation `_fix_and_cut` tightens: its HiGHS model (the
    binaries continuous until `integral`), whose columns are the hours of the pairs `x`
    (positions in the model's pairs), then the binaries of the organisations `y` (positions in
    the model's `orgs`); the row `outside` wants one organisation of those `beyond` (a mask
    over `y`). Organisations left out are deleted from it, with the rows they leave empty, so
    that each re-solve works on what is left only."""

    def __init__(
        self,
        model: TransportModel,
        highs: highspy.Highs,
        x: NDArray[np.int64],
        y: NDArray[np.int64],
        beyond: NDArray[np.bool_],
    ):
        self.model, self.highs, self.x, self.y, self.beyond = model, highs, x, y, beyond
        self.outside = highs.getNumRow() - 1
        n = len(y)
        highs.changeColsIntegrality(
            n, self.y_cols, np.full(n, highspy.HighsVarType.kContinuous, dtype=np.uint8)
        )
        self.covers = self._covers()

    @property
    def y_cols(self) -> NDArray[np.int32]:
        return np.arange(len(self.x), len(self.x) + len(self.y), dtype=np.int32)

    def _covers(self) -> FlowCovers:
        model = self.model
        return FlowCovers(
            model.pairs.requirement[self.x],
            np.searchsorted(self.y, model._owner[self.x]),
            model.pairs.upper[self.x],
            model.needed,
            self.y_cols,
        )

    def drop(self, out: NDArray[np.bool_], values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Delete the organisations `out` (a mask over `y`): their columns, and the rows left
        empty. The column values given, for those kept."""
        gone_x = out[self.covers.owner]
        gone = np.r_[np.flatnonzero(gone_x), self.y_cols[out]].astype(np.int32)
        kept = np.ones(len(values), dtype=bool)
        kept[gone] = False
        self.highs.deleteCols(len(gone), gone)
        self.x, self.y, self.beyond = self.x[~gone_x], self.y[~out], self.beyond[~out]
        matrix = self.highs.getLp().a_matrix_
        if matrix.format_ == highspy.MatrixFormat.kColwise:
            entries = np.bincount(matrix.index_, minlength=self.highs.getNumRow())
        else:
            entries = np.diff(matrix.start_)
        empty = np.flatnonzero(entries == 0).astype(np.int32)
        if len(empty):
            self.highs.deleteRows(len(empty), empty)
            self.outside -= int(np.count_nonzero(empty < self.outside))
        self.covers = self._covers()
        return values[kept]

    def not_beyond(self, orgs: NDArray[np.bool_]) -> None:
        """These organisations (a mask over `y`) no longer count as beyond."""
        for k in np.flatnonzero(orgs & self.beyond):
            self.highs.changeCoeff(self.outside, int(self.y_cols[k]), 0.0)
        self.beyond &= ~orgs

    def integral(self) -> None:
        """The binaries integral again, for the MILP."""
        n = len(self.y)
        self.highs.changeColsIntegrality(
            n, self.y_cols, np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8)
        )


class _Groups:
    """Positions of an array grouped by value: `order` sorts them, group g is
    order[starts[g] : starts[g] + counts[g]], its value keys[g] and first position first[g]."""

    def __init__(self, key: NDArray[np.int64]):
        self.order = np.argsort(key, kind="stable")
        ordered = key[self.order]
        self.starts = (
            np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
            if len(key)
            else (np.zeros(0, dtype=np.int64))
        )
        self.counts = np.diff(np.r_[self.starts, len(key)])
        self.keys = ordered[self.starts]
        self.first = self.order[self.starts]

    def sums(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.add.reduceat(values[self.order], self.starts) if len(self.starts) else values[:0]

    def spread(self, per_group: NDArray[np.float64]) -> NDArray[np.float64]:
        """A value per group, as a value per position."""
        out = np.empty(len(self.order))
        out[self.order] = np.repeat(per_group, self.counts)
        return out

    def only(self, keep: NDArray[np.bool_]) -> _Groups:
        """These groups alone."""
        chosen = object.__new__(_Groups)
        chosen.order = self.order[np.repeat(keep, self.counts)]
        chosen.counts = self.counts[keep]
        chosen.starts = np.r_[0, np.cumsum(chosen.counts)[:-1]].astype(np.int64)
        chosen.keys, chosen.first = self.keys[keep], self.first[keep]
        return chosen


def _relaxation(
    highs: highspy.Highs, y_cols: NDArray[np.int32]
) -> tuple[float, NDArray[np.bool_], NDArray[np.float64]] | None:
    """The LP relaxation's bound, which organisations it uses and their reduced costs (None if
    it has no optimum)."""
    solved = _solve_relaxation(highs)
    if solved is None:
        return None
    lower, values, duals = solved
    return lower, values[y_cols] > 1e-9, np.maximum(duals[y_cols], 0.0)


def _solve_relaxation(
    highs: highspy.Highs,
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]] | None:
    """The LP relaxation's bound, column values and reduced costs (None if it has no
    optimum)."""
    highs.setOptionValue("solve_relaxation", True)
    highs.setOptionValue("presolve", RELAXATION_PRESOLVE)
    highs.run()
    highs.setOptionValue("solve_relaxation", False)
    highs.setOptionValue("presolve", "choose")
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = highs.getSolution()
    values = np.asarray(solution.col_value)
    duals = np.asarray(solution.col_dual)
    return float(highs.getInfo().objective_function_value), values, duals


def _configure(highs: highspy.Highs) -> None:
    for option, value in (
        ("output_flag", False),
        ("mip_abs_gap", MIP_ABSOLUTE_GAP),
        ("mip_rel_gap", 0.0),
        ("threads", 1),
    ):
        highs.setOptionValue(option, value)
