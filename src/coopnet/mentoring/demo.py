"""Demo data: a mentoring story worth looking at, on top of the seeded demo network.

The synthetic network may demand no skill that rests on a single person, so three recent
opportunities ask for skills held at level 3+ by one mentor only (with juniors who could
learn them); a few organisations opt in to mentoring across organisations, some people wish
to learn; five months of sessions and level changes lower the score step by step; then the
coordinator's current plan is computed. Deterministic: everything is chosen in a fixed order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from coopnet.common import derived
from coopnet.common.models import Coordinator
from coopnet.directory.models import Membership, Organisation, Person, Skill
from coopnet.engine.network import Network
from coopnet.engine.resilience import HOLD_LEVEL, LEARNER_LEVELS, MENTOR_LEVEL
from coopnet.mentoring import selectors, services
from coopnet.mentoring.models import Pairing
from coopnet.opportunities.formation import formation_execute
from coopnet.opportunities.models import Opportunity
from coopnet.opportunities.services import formation_start, opportunity_create

MENTOR_OFFER = Decimal(20)
OPT_INS = 4
#: each opportunity's title and its client
TITLES = (
    ("Member portal rebuild for a housing co-op", "Riverside Housing Co-op"),
    ("Data platform for a food network", "Northfield Food Network"),
    ("Booking app for a community theatre", "Eastgate Community Theatre"),
)
#: the hours each opportunity asks of the candidates' skills (less one per poster): small
#: enough for their few holders to deliver, so that a consortium is proposed and the
#: opportunity shared
HOURS = (8, 6, 4, 5, 3)


@dataclass(frozen=True)
class Candidate:
    skill: str
    mentor: Person
    learners: tuple[Person, ...]  # at level 1 or 2, any organisation


def seed_demo() -> None:
    """Add the mentoring demo to the seeded demo network (see the module docstring)."""
    coordinator = Coordinator.objects.select_related("user").order_by("pk").first()
    if coordinator is None:
        return
    now = timezone.now()
    candidates = _candidates(selectors.engine_network())[: len(HOURS)]
    if candidates:
        _post_demand(candidates, now - dt.timedelta(days=170))
        opted = _opt_in(candidates)
        usable = [c for c in candidates if _learners(c, opted)]
        _offers_and_wishes(usable, opted)
        _history(usable, opted, now)
    services.plan_compute(actor=coordinator.user)
    _agree_one_pairing()


def _admin(organisation: Organisation) -> User:
    membership = organisation.memberships.filter(role=Membership.ADMIN).order_by("pk").first()
    assert membership is not None  # every demo organisation has its admin
    return membership.user


def _candidates(network: Network) -> list[Candidate]:
    """Skills held at level 3+ by exactly one person, a mentor (level 4+) with hours to give,
    and at level 1 or 2 by others: the most learners first."""
    people = Person.objects.select_related("organisation").in_bulk()
    found = []
    for skill in sorted(network.skill_index):
        ids, levels = network.skill_index[skill]
        holders = [int(i) for i, v in zip(ids, levels, strict=True) if v >= HOLD_LEVEL]
        juniors = [int(i) for i, v in zip(ids, levels, strict=True) if v in LEARNER_LEVELS]
        if len(holders) != 1 or not juniors or levels[list(ids).index(holders[0])] < MENTOR_LEVEL:
            continue
        mentor = people[int(network.people[holders[0]].id)]
        if mentor.hours_available < MENTOR_OFFER:
            continue
        learners = tuple(people[int(network.people[i].id)] for i in juniors)
        found.append(Candidate(skill, mentor, learners))
    return sorted(found, key=lambda c: (-len(c.learners), c.skill))


def _post_demand(candidates: list[Candidate], created: dt.datetime) -> None:
    """Opportunities of three organisations asking for the candidates' skills, one skill
    each, posted months ago, each seeking a consortium: demand counts on the map only from
    opportunities shared with another organisation (proposed to it as a partner), and of three
    organisations or more, since an opportunity is private to its poster. At level 1, so that
    the juniors can help deliver; those no consortium can deliver stay private."""
    posters = list(Organisation.objects.order_by("slug")[: len(TITLES)])
    names = dict(Skill.objects.values_list("slug", "name"))
    for k, ((title, client), poster) in enumerate(zip(TITLES, posters, strict=False)):
        for n, candidate in enumerate(candidates):
            opportunity = opportunity_create(
                actor=_admin(poster),
                organisation_slug=poster.slug,
                title=f"{title}: {names.get(candidate.skill, candidate.skill)}",
                client=client,
                value=str(3000 + 1000 * k),
                deadline=timezone.localdate() + dt.timedelta(days=60),
                requirements=[{"skill": candidate.skill, "min_level": 1, "hours": HOURS[n] - k}],
            )
            run = formation_start(actor=_admin(poster), opportunity_id=opportunity.pk)
            formation_execute(run_id=run.pk)
            Opportunity.objects.filter(pk=opportunity.pk).update(created=created)
            derived.announce()  # an update sends no signal


def _opt_in(candidates: list[Candidate]) -> set[int]:
    """The organisations most involved in the candidates opt in (then others, up to 3)."""
    counts = Counter(p.organisation_id for c in candidates for p in (c.mentor, *c.learners))
    chosen = [org for org, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))][:OPT_INS]
    for organisation in Organisation.objects.order_by("slug"):
        if len(chosen) >= 3:
            break
        if organisation.pk not in chosen:
            chosen.append(organisation.pk)
    for organisation in Organisation.objects.filter(pk__in=chosen):
        services.opt_in_set(
            actor=_admin(organisation), organisation_slug=organisation.slug, opted_in=True
        )
    return set(chosen)


def _learners(candidate: Candidate, opted: set[int]) -> list[Person]:
    """The candidate's juniors who may pair with its mentor: same organisation, or both in."""
    mentor_org = candidate.mentor.organisation_id
    return [
        p
        for p in candidate.learners
        if p.organisation_id == mentor_org or {p.organisation_id, mentor_org} <= opted
    ]


def _offers_and_wishes(candidates: list[Candidate], opted: set[int]) -> None:
    for candidate in candidates:
        services.mentor_hours_set(
            actor=_admin(candidate.mentor.organisation),
            person_id=candidate.mentor.pk,
            hours=MENTOR_OFFER,
        )
    wishers = Person.objects.filter(organisation__in=opted).order_by("pk")
    added = 0
    for candidate in candidates[:3]:
        for person in wishers:
            if added >= 3 or selectors.held_level(person, candidate.skill) is not None:
                continue
            services.wish_add(
                actor=_admin(person.organisation), person_id=person.pk, skill=candidate.skill
            )
            added += 1
            break


def _history(candidates: list[Candidate], opted: set[int], now: dt.datetime) -> None:
    """Five months of progress: two juniors trained to level 3, one started."""
    services.snapshot_take(when=now - dt.timedelta(days=150))
    trained = candidates[3:5] if len(candidates) > 3 else candidates[-1:]
    for k, candidate in enumerate(trained):
        learner = _learners(candidate, opted)[0]
        start = 140 - 60 * k
        session = None
        for offset in (0, 15):
            day = (now - dt.timedelta(days=start - offset)).date()
            session = services.session_record(
                actor=_admin(candidate.mentor.organisation),
                mentor_id=candidate.mentor.pk,
                learner_id=learner.pk,
                skill=candidate.skill,
                hours="6",
                date=day,
                notes="Pairing on a real ticket, then a review.",
            )
        services.level_change_record(
            actor=_admin(learner.organisation),
            person_id=learner.pk,
            skill=candidate.skill,
            level=HOLD_LEVEL,
            session_id=session.pk if session else None,
            when=now - dt.timedelta(days=start - 25),
        )
    services.snapshot_take(when=now - dt.timedelta(days=20))


def _agree_one_pairing() -> None:
    """Both organisations accept the first pairing of the plan, to show an agreed one."""
    pairing = Pairing.objects.filter(status=Pairing.PROPOSED).order_by("pk").first()
    if pairing is None:
        return
    for organisation in {pairing.mentor.organisation, pairing.learner.organisation}:
        services.pairing_decide(actor=_admin(organisation), pairing_id=pairing.pk, accept=True)
