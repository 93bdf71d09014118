"""The facts behind a partner's payout: why it matters to the consortium (`Reason`), the skills
only it brings, its hours; `fairshare.explain` puts them together for each partner, and the
edges (`common.explanations`) turn them into words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import numpy as np

from coopnet.engine.formation import Formation
from coopnet.engine.money import to_money
from coopnet.engine.network import Network, Opportunity


class Reason(StrEnum):
    """Why a partner matters to the consortium: what the others could do without it."""

    #: nobody else in the consortium has some required skill at the level asked
    ONLY_SUPPLIER = "only_supplier"
    #: the others hold the skills but lack the hours to deliver without it
    OTHERS_LACK_HOURS = "others_lack_hours"
    #: the others could deliver without it, but not at a profit
    OTHERS_UNPROFITABLE = "others_unprofitable"
    #: the others could cover its work, at a higher cost
    OTHERS_COSTLIER = "others_costlier"
    #: the others could do its work at the same cost
    OTHERS_SAME_COST = "others_same_cost"
    #: the others could do its work for less (a plan that includes it for another reason,
    #: such as skill sharing, costs more than the others alone)
    OTHERS_CHEAPER = "others_cheaper"


@dataclass(frozen=True)
class SkillNeed:
    """A required skill at a minimum level."""

    skill: str
    min_level: int


@dataclass(frozen=True)
class Explanation:
    """The facts behind one partner's payout, for the edges to put into words.

    `payout` = `own_cost` + `surplus_share`, to the cent. `own_cost` (its people's assigned
    hours at their rates, plus its coordination cost) and so `surplus_share` are private to the
    partner; `added_value` (what the consortium would earn less without it), `reason` and
    `unique_skills` are aggregates that reveal no partner's rates."""

    org: str
    name: str
    reason: Reason
    added_value: Decimal
    unique_skills: tuple[SkillNeed, ...]
    hours: Decimal
    own_cost: Decimal
    surplus_share: Decimal
    payout: Decimal
    #: the solution the payout follows: "shapley", or "nucleolus" when Shapley is not stable
    solution: str


def reason(without: float, net: Decimal, unique: tuple[SkillNeed, ...], added: Decimal) -> Reason:
    """Why a partner matters, from the cheapest delivery by the others (`without`; inf when
    they cannot deliver) and what the consortium would earn less without it (`added`)."""
    if unique:
        return Reason.ONLY_SUPPLIER
    if not np.isfinite(without):
        return Reason.OTHERS_LACK_HOURS
    if without >= float(net):
        return Reason.OTHERS_UNPROFITABLE
    if added > 0:
        return Reason.OTHERS_COSTLIER
    return Reason.OTHERS_CHEAPER if added < 0 else Reason.OTHERS_SAME_COST


def only_suppliers(
    network: Network, opportunity: Opportunity, members: list[int]
) -> list[set[int]]:
    """For each requirement, the consortium's organisations that could supply it."""
    allowed = np.zeros(len(network.organisations), dtype=bool)
    allowed[members] = True
    suppliers: list[set[int]] = []
    for requirement in opportunity.requirements:
        ids = network.eligible(requirement)
        suppliers.append(set(network.person_org[ids[allowed[network.person_org[ids]]]].tolist()))
    return suppliers


def hours_by_org(formation: Formation) -> dict[str, Decimal]:
    hours: dict[str, Decimal] = {}
    for a in formation.assignments:
        hours[a.org] = hours.get(a.org, Decimal(0)) + to_money(a.hours, "hours")
    return hours
