"""A mentoring plan's effect on today's skills map, so that the skills pages show one score.

A plan stores the score before and after it as they were when it was computed; since then
levels change, pairings are agreed or declined, and the demand window moves on. Its effect is
computed again on the current map (`selectors.network_skills`, computed once per change):
today's bus factor of each demanded skill, plus the learners of the plan's pairings still
standing (proposed, agreed or done), each of whom the plan raises to level 3. A learner who
holds the skill already is counted once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from coopnet.directory.models import PersonSkill
from coopnet.engine.resilience import HOLD_LEVEL, coverage_gain, risk_share
from coopnet.mentoring import selectors
from coopnet.mentoring.models import Pairing, Plan

#: the pairings that still count towards a plan's effect
STANDING = (Pairing.PROPOSED, Pairing.AGREED, Pairing.DONE)


@dataclass(frozen=True)
class PlanEffect:
    """The network's score today, and with the plan's standing pairings (lower is better)."""

    score: float
    score_with_plan: float
    #: the weighted coverage the standing pairings add to today's map
    gain: float
    #: how many of the plan's pairings still stand
    pairings: int


def plan_effect(plan: Plan) -> PlanEffect:
    """`plan`'s standing pairings on today's network and demand (the same score as
    `selectors.network_map`, read from it)."""
    whole = selectors.network_skills()
    wanted = whole.wanted
    bus = {row.slug: row.bus_factor for row in whole.map.skills if wanted.get(row.slug, 0) > 0}
    standing = list(
        plan.pairings.filter(status__in=STANDING).values_list("skill__slug", "learner_id")
    )
    learners: dict[str, set[int]] = defaultdict(set)
    for skill, learner in standing:
        if skill in bus:
            learners[skill].add(learner)
    held = set(
        PersonSkill.objects.filter(
            person_id__in={p for people in learners.values() for p in people},
            skill__slug__in=list(learners),
            level__gte=HOLD_LEVEL,
        ).values_list("skill__slug", "person_id")
    )
    added = {
        skill: len({p for p in people if (skill, p) not in held})
        for skill, people in learners.items()
    }
    after = {skill: bus[skill] + added.get(skill, 0) for skill in bus}
    return PlanEffect(
        risk_share(bus, wanted),
        risk_share(after, wanted),
        coverage_gain(bus, wanted, {skill: added.get(skill, 0) for skill in bus}),
        len(standing),
    )
