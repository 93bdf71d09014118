"""The mentoring plan: pairings of mentors and learners that widen the demanded skills most.

A mentor for a skill holds it at level >= 4 and has a mentoring budget; a learner does not hold
it at level >= 3 and holds it at level 1 or 2, or wants it. People are grouped into classes that
are interchangeable (the same pool and candidate skills), the classes' pairings come from the
integer program of `pairing`, and then the individual pairings from the classes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import BadInput
from coopnet.engine.formats import number
from coopnet.engine.network import Network
from coopnet.engine.numeric import unsigned_zero
from coopnet.engine.resilience.pairing import PeopleClass, solve_pairings
from coopnet.engine.resilience.skills import HOLD_LEVEL, coverage_gain, holders, risk_share

MENTOR_LEVEL = 4
LEARNER_LEVELS = (1, 2)
MENTOR_SHARE = 0.1
SESSION_HOURS = 10.0
_OPT_IN_POOL = -1  # the shared mentoring pool of the organisations that opted in
Candidates = dict[int, list[str]]


@dataclass(frozen=True)
class MentoringOptions:
    """The optional mentoring fields of a network file (spec §2 plus this step)."""

    mentor_hours: Mapping[str, float] = field(default_factory=dict)
    wants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    opt_in: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Pairing:
    mentor: str
    learner: str
    skill: str
    hours: float


@dataclass(frozen=True)
class MentoringPlan:
    pairings: tuple[Pairing, ...]
    gain: float  # weighted coverage gained (the objective)
    score_before: float
    score_after: float


def parse_mentoring(doc: Any, network: Network) -> MentoringOptions:
    """The optional `mentor_hours`, `wants` (per person) and `mentoring_opt_in` (network) fields
    of a network document already accepted by `parse_network`."""
    if not isinstance(doc, dict):
        raise BadInput("network: expected an object")
    mentor_hours: dict[str, float] = {}
    wants: dict[str, tuple[str, ...]] = {}
    for k, entry in enumerate(doc.get("people", [])):
        pid = network.people[k].id
        if "mentor_hours" in entry:
            mentor_hours[pid] = number(entry["mentor_hours"], f"people[{k}].mentor_hours", 0.0)
        if "wants" in entry:
            raw = entry["wants"]
            if not isinstance(raw, list) or not all(isinstance(s, str) and s for s in raw):
                raise BadInput(f"people[{k}].wants: expected a list of skill ids")
            wants[pid] = tuple(raw)
    raw_opt_in = doc.get("mentoring_opt_in", [])
    if not isinstance(raw_opt_in, list):
        raise BadInput("mentoring_opt_in: expected a list of organisation ids")
    for org in raw_opt_in:
        if not isinstance(org, str) or org not in network.org_index:
            raise BadInput(f"mentoring_opt_in: {org!r} is not one of the organisations")
    return MentoringOptions(mentor_hours, wants, frozenset(raw_opt_in))


def mentor_budget(network: Network, options: MentoringOptions) -> NDArray[np.float64]:
    budget = network.hours * MENTOR_SHARE
    for k, person in enumerate(network.people):
        if person.id in options.mentor_hours:
            budget[k] = min(options.mentor_hours[person.id], network.hours[k])
    return budget


def mentoring_plan(
    network: Network,
    demand: Mapping[str, float],
    options: MentoringOptions | None = None,
    session_hours: float = SESSION_HOURS,
) -> MentoringPlan:
    """The pairings that maximise the weighted-coverage gain (see the package docstring)."""
    if session_hours <= 0:
        raise BadInput(f"session_hours: {session_hours} must be more than 0")
    options = options or MentoringOptions()
    wanted = sorted(s for s, h in demand.items() if h > 0)
    bus = {s: len(holders(network, s)) for s in wanted}
    opt_in = np.array([o.id in options.opt_in for o in network.organisations], dtype=bool)
    pool = np.where(opt_in[network.person_org], _OPT_IN_POOL, network.person_org)
    slots = np.floor(mentor_budget(network, options) / session_hours + 1e-9).astype(np.int64)
    mentor_skills, learner_skills = _candidates(network, options, wanted, slots)
    # Only (pool, skill) pairs with both a mentor and a learner can be used.
    mentor_pools = {(int(pool[i]), s) for i, ss in mentor_skills.items() for s in ss}
    learner_pools = {(int(pool[i]), s) for i, ss in learner_skills.items() for s in ss}
    usable = mentor_pools & learner_pools
    mentors = _classes(mentor_skills, pool, usable, lambda i: int(slots[i]))
    learners = _classes(learner_skills, pool, usable, lambda i: 1)
    counts = solve_pairings(mentors, learners, bus, demand, usable)
    pairings = _assign(network, mentors, learners, counts, session_hours)
    added: dict[str, int] = defaultdict(int)
    for p in pairings:
        added[p.skill] += 1
    after_bus = {s: bus[s] + added.get(s, 0) for s in wanted}
    return MentoringPlan(
        tuple(pairings),
        unsigned_zero(coverage_gain(bus, demand, added)),
        risk_share(bus, demand),
        risk_share(after_bus, demand),
    )


def _candidates(
    network: Network, options: MentoringOptions, wanted: list[str], slots: NDArray[np.int64]
) -> tuple[Candidates, Candidates]:
    """The skills each person may mentor (with sessions to give) and may learn."""
    mentor_skills: Candidates = defaultdict(list)
    learner_skills: Candidates = defaultdict(list)
    for skill in wanted:
        ids, levels = network.skill_index.get(skill, (np.zeros(0, np.int64),) * 2)
        for i in ids[(levels >= MENTOR_LEVEL) & (slots[ids] > 0)]:
            mentor_skills[int(i)].append(skill)
        for i in ids[np.isin(levels, LEARNER_LEVELS)]:
            learner_skills[int(i)].append(skill)
    wanted_set = set(wanted)
    for k, person in enumerate(network.people):
        for skill in options.wants.get(person.id, ()):
            level = person.skills.get(skill, 0)
            if skill in wanted_set and level < HOLD_LEVEL and skill not in learner_skills[k]:
                learner_skills[k].append(skill)
    return mentor_skills, learner_skills


def _classes(
    candidate: Candidates,
    pool: NDArray[np.int64],
    usable: set[tuple[int, str]],
    capacity: Callable[[int], int],
) -> list[PeopleClass]:
    classes: dict[tuple[int, tuple[str, ...]], PeopleClass] = {}
    for person in sorted(candidate):
        p = int(pool[person])
        skills = tuple(sorted(s for s in candidate[person] if (p, s) in usable))
        if skills:
            entry = classes.setdefault((p, skills), PeopleClass(p, skills))
            entry.members.append(person)
            entry.capacity.append(capacity(person))
    return list(classes.values())


def _assign(
    network: Network,
    mentors: Sequence[PeopleClass],
    learners: Sequence[PeopleClass],
    counts: Mapping[tuple[str, int, int], int],
    session_hours: float,
) -> list[Pairing]:
    """Individual pairings: sessions from each mentor class's members in turn, within their
    own capacity; learners of a class in order."""
    left = [list(mc.capacity) for mc in mentors]
    next_learner = [0] * len(learners)
    pairings = []
    for (skill, m, c), count in sorted(counts.items()):
        for _ in range(count):
            k = next(k for k, cap in enumerate(left[m]) if cap > 0)
            left[m][k] -= 1
            learner = learners[c].members[next_learner[c]]
            next_learner[c] += 1
            mentor = mentors[m].members[k]
            pairings.append(
                Pairing(
                    network.people[mentor].id,
                    network.people[learner].id,
                    skill,
                    unsigned_zero(session_hours),
                )
            )
    pairings.sort(key=lambda p: (p.skill, p.mentor, p.learner))
    return pairings
