"""Forming the consortium: the cheapest (or fewest-organisations) delivery, or why none exists."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Literal

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import BadInput
from coopnet.engine.formation.diagnosis import diagnose
from coopnet.engine.formation.dominance import without_dominated
from coopnet.engine.formation.fixed_charges import needs_mip
from coopnet.engine.formation.pairs import EligiblePairs, eligible_pairs
from coopnet.engine.formation.result import Assignment, Formation, Status
from coopnet.engine.formation.transport import TransportModel
from coopnet.engine.network import Network, Opportunity
from coopnet.engine.numeric import unsigned_zero

Objective = Literal["cost", "organisations"]


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
    pairs = without_dominated(network, opportunity, eligible_pairs(network, opportunity, allowed))
    orgs = np.unique(network.person_org[pairs.person])
    status: Status = "infeasible"
    if len(pairs.person):
        mip = needs_mip(network, opportunity, orgs) or objective == "organisations"
        model = TransportModel(network, opportunity, pairs, mip)
        if objective == "organisations":
            _cap_at_fewest(model, time_limit)
        status, hours, gap = model.run(time_limit)
    if status == "infeasible":
        uncovered = diagnose(network, opportunity, allowed)
        return Formation(
            "infeasible", None, (), (), time.perf_counter() - started, uncovered=uncovered
        )
    return formation_of(network, opportunity, pairs, hours, status, gap, started)


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


def formation_of(
    network: Network,
    opportunity: Opportunity,
    pairs: EligiblePairs,
    hours: NDArray[np.float64],
    status: Status,
    gap: float | None,
    started: float,
) -> Formation:
    """The Formation that works `hours` on the pairs (zero hours: not assigned)."""
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
    seconds = time.perf_counter() - started
    gap = None if gap is None else unsigned_zero(gap)
    return Formation(status, unsigned_zero(cost), organisations, assignments, seconds, gap)
