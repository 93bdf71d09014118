"""Why an opportunity cannot be delivered: the requirements left uncovered, and the reason.

Three checks, from the simplest explanation to the subtlest: nobody holds the skill at the
level; not enough hours at that level; people are shared with other requirements (a maximum
flow covers less than everything); and finally the cap on organisations.
"""

from __future__ import annotations

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.formation.fixed_charges import add_fixed_charges
from coopnet.engine.formation.pairs import EligiblePairs, eligible_pairs
from coopnet.engine.formation.result import Uncovered
from coopnet.engine.network import Network, Opportunity
from coopnet.engine.numeric import unsigned_zero

_TOL = 1e-7


def diagnose(
    network: Network, opportunity: Opportunity, allowed: NDArray[np.bool_]
) -> tuple[Uncovered, ...]:
    uncovered: list[Uncovered] = []
    for r, requirement in enumerate(opportunity.requirements):
        ids = network.eligible(requirement)
        ids = ids[allowed[network.person_org[ids]]]
        available = float(network.hours[ids].sum())
        needed = float(requirement.hours)
        label = f"{requirement.skill} at level {requirement.min_level} or above"
        if len(ids) == 0:
            best = network.best_level(requirement.skill)
            why = f"the best level anyone has is {best}" if best else "no one has the skill"
            reason = f"no one has {label} ({why})"
        elif available < needed - _TOL:
            reason = f"only {available:g} hours of {label} are available; {needed:g} are needed"
        else:
            continue
        uncovered.append(
            Uncovered(r, requirement.skill, requirement.min_level, needed, available, reason)
        )
    if uncovered:
        return tuple(uncovered)
    pairs = eligible_pairs(network, opportunity, allowed)
    covered = _max_cover(network, opportunity, pairs, cap=None)
    reason_shared = (
        "people with {label} are also needed for other requirements: "
        "together at most {covered:g} of {needed:g} hours can be covered"
    )
    result = _short(opportunity, covered, reason_shared)
    if not result and opportunity.max_organisations is not None:
        covered = _max_cover(network, opportunity, pairs, cap=opportunity.max_organisations)
        reason_cap = (
            f"no consortium of at most {opportunity.max_organisations} organisations can also "
            "cover this: at most {covered:g} of {needed:g} hours of {label}"
        )
        result = _short(opportunity, covered, reason_cap)
    return tuple(result)


def _short(
    opportunity: Opportunity, covered: NDArray[np.float64], template: str
) -> list[Uncovered]:
    result = []
    for r, requirement in enumerate(opportunity.requirements):
        needed = float(requirement.hours)
        if covered[r] < needed - _TOL:
            label = f"{requirement.skill} at level {requirement.min_level} or above"
            reason = template.format(label=label, covered=covered[r], needed=needed)
            covering = unsigned_zero(float(covered[r]))
            result.append(
                Uncovered(r, requirement.skill, requirement.min_level, needed, covering, reason)
            )
    return result


def _max_cover(
    network: Network, opportunity: Opportunity, pairs: EligiblePairs, cap: int | None
) -> NDArray[np.float64]:
    """Hours covered per requirement by a maximum covering assignment (optionally with a cap
    on organisations): maximise the covered hours, each requirement at most its need."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    n_x = len(pairs.person)
    highs.addVars(n_x, np.zeros(n_x), pairs.upper)
    highs.changeColsCost(n_x, np.arange(n_x, dtype=np.int32), -np.ones(n_x))
    for r, requirement in enumerate(opportunity.requirements):
        cols = np.flatnonzero(pairs.requirement == r).astype(np.int32)
        highs.addRow(0.0, float(requirement.hours), len(cols), cols, np.ones(len(cols)))
    for person in np.unique(pairs.person):
        cols = np.flatnonzero(pairs.person == person).astype(np.int32)
        highs.addRow(0.0, float(network.hours[person]), len(cols), cols, np.ones(len(cols)))
    if cap is not None:
        owner = network.person_org[pairs.person]
        orgs = np.unique(owner)
        add_fixed_charges(highs, owner, pairs.upper, orgs, np.zeros(len(orgs)), cap)
    highs.run()
    values = np.array(highs.getSolution().col_value[:n_x])
    covered = np.zeros(len(opportunity.requirements))
    np.add.at(covered, pairs.requirement, values)
    return covered
