"""The skills map: who the demanded skills rest on (bus factors), the at-risk share of demand,
and the weighted coverage a mentoring plan raises (see the package docstring)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.network import Network, Opportunity
from coopnet.engine.numeric import unsigned_zero

HOLD_LEVEL = 3


@dataclass(frozen=True)
class SkillRisk:
    skill: str
    bus_factor: int
    free_hours: float
    demand: float


@dataclass(frozen=True)
class SkillsMap:
    skills: tuple[SkillRisk, ...]  # sorted by skill id
    score: float
    organisation_scores: dict[str, float]
    at_risk: tuple[SkillRisk, ...]
    #: per organisation, how many demanded skills its own people hold at level 3+ once or never
    organisation_at_risk: dict[str, int] = field(default_factory=dict)


def demand_by_skill(opportunities: Iterable[Opportunity]) -> dict[str, float]:
    """The requirement hours asked for each skill, whatever the minimum level."""
    demand: dict[str, Decimal] = defaultdict(Decimal)
    for opportunity in opportunities:
        for requirement in opportunity.requirements:
            demand[requirement.skill] += requirement.hours
    return {skill: float(hours) for skill, hours in demand.items()}


def holders(network: Network, skill: str) -> NDArray[np.int64]:
    """The people who hold `skill` at `HOLD_LEVEL` or above."""
    ids, levels = network.skill_index.get(skill, (np.zeros(0, np.int64),) * 2)
    return ids[levels >= HOLD_LEVEL]


def risk_share(bus: Mapping[str, int], demand: Mapping[str, float]) -> float:
    """The share of the demanded hours on skills with a bus factor of at most 1."""
    total = sum(demand.values())
    if total <= 0:
        return 0.0
    return unsigned_zero(sum(h for s, h in demand.items() if bus.get(s, 0) <= 1) / total)


def skills_map(network: Network, demand: Mapping[str, float]) -> SkillsMap:
    """Bus factor, free hours and demand of every skill held or demanded, and the scores."""
    names = sorted(set(network.skill_index) | set(demand))
    skills = []
    for skill in names:
        held_by = holders(network, skill)
        skills.append(
            SkillRisk(
                skill,
                len(held_by),
                unsigned_zero(float(network.hours[held_by].sum())),
                unsigned_zero(float(demand.get(skill, 0.0))),
            )
        )
    bus = {s.skill: s.bus_factor for s in skills}
    wanted = [s for s in names if demand.get(s, 0.0) > 0]
    total = sum(demand[s] for s in wanted)
    n_orgs = len(network.organisations)
    org_scores = np.zeros(n_orgs)
    org_at_risk = np.zeros(n_orgs, dtype=np.int64)
    if total > 0:
        for skill in wanted:
            org_bus = np.bincount(network.person_org[holders(network, skill)], minlength=n_orgs)
            org_scores += (org_bus <= 1) * demand[skill]
            org_at_risk += org_bus <= 1
        org_scores = unsigned_zero(org_scores / total)
    at_risk = sorted(
        (s for s in skills if s.demand > 0 and s.bus_factor <= 1),
        key=lambda s: (-s.demand, s.skill),
    )
    return SkillsMap(
        tuple(skills),
        risk_share(bus, demand),
        {org.id: float(org_scores[i]) for i, org in enumerate(network.organisations)},
        tuple(at_risk),
        {org.id: int(org_at_risk[i]) for i, org in enumerate(network.organisations)},
    )


def step_gains(demand: float, bus_factor: int, steps: int) -> list[float]:
    """Gains of raising the bus factor from b to b + 1, b + 1 to b + 2, ...: demand / (b + 1)."""
    return [demand / (bus_factor + k + 1) for k in range(steps)]


def coverage_gain(
    bus: Mapping[str, int], demand: Mapping[str, float], added: Mapping[str, int]
) -> float:
    """The weighted-coverage gain of adding `added[s]` holders to each skill s."""
    return sum(
        sum(step_gains(demand.get(s, 0.0), bus.get(s, 0), count)) for s, count in added.items()
    )
