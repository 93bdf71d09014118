"""The skills map and the mentoring plan for a set of opportunities, and its JSON document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coopnet.engine.network import Network, Opportunity
from coopnet.engine.resilience.mentoring import (
    SESSION_HOURS,
    MentoringOptions,
    MentoringPlan,
    mentoring_plan,
)
from coopnet.engine.resilience.skills import SkillRisk, SkillsMap, demand_by_skill, skills_map


@dataclass(frozen=True)
class Resilience:
    map: SkillsMap
    plan: MentoringPlan


def resilience(
    network: Network,
    opportunities: Sequence[Opportunity],
    options: MentoringOptions | None = None,
    session_hours: float = SESSION_HOURS,
) -> Resilience:
    """The skills map and the mentoring plan for these opportunities."""
    demand = demand_by_skill(opportunities)
    return Resilience(
        skills_map(network, demand), mentoring_plan(network, demand, options, session_hours)
    )


def resilience_json(result: Resilience) -> dict[str, Any]:
    def skill(s: SkillRisk) -> dict[str, Any]:
        return {
            "skill": s.skill,
            "bus_factor": s.bus_factor,
            "free_hours": s.free_hours,
            "demand": s.demand,
        }

    return {
        "skills": [skill(s) for s in result.map.skills],
        "score": {"network": result.map.score, "organisations": result.map.organisation_scores},
        "at_risk": [skill(s) for s in result.map.at_risk],
        "plan": {
            "pairings": [
                {"mentor": p.mentor, "learner": p.learner, "skill": p.skill, "hours": p.hours}
                for p in result.plan.pairings
            ],
            "gain": result.plan.gain,
            "score_before": result.plan.score_before,
            "score_after": result.plan.score_after,
        },
    }
