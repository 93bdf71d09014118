"""A mentoring plan's effect on today's skills map, so that the skills pages show one score.

A plan stores the score before and after it as they were when it was computed; since then
levels change, pairings are agreed or declined, and the demand window moves on. Its effect is
computed again on the current map with the engine: today's holders of each demanded skill,
plus the learners of the plan's pairings still standing (proposed, agreed or done), each of
whom the plan raises to level 3. A learner who holds the skill already is counted once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from coopnet.engine.resilience import coverage_gain, risk_share
from coopnet.engine.resilience.skills import holders
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
    `selectors.network_map`, read now)."""
    network, wanted = selectors.engine_network(), selectors.demand()
    people = [person.id for person in network.people]
    held = {
        skill: {people[i] for i in holders(network, skill).tolist()}
        for skill, hours in wanted.items()
        if hours > 0
    }
    learners: dict[str, set[str]] = defaultdict(set)
    standing = list(
        plan.pairings.filter(status__in=STANDING).values_list("skill__slug", "learner_id")
    )
    for skill, learner in standing:
        learners[skill].add(str(learner))
    bus = {skill: len(people_) for skill, people_ in held.items()}
    after = {skill: len(people_ | learners[skill]) for skill, people_ in held.items()}
    added = {skill: after[skill] - bus[skill] for skill in held}
    return PlanEffect(
        risk_share(bus, wanted),
        risk_share(after, wanted),
        coverage_gain(bus, wanted, added),
        len(standing),
    )
