"""Reads. Skill levels and names are public to the network, so bus factors, demand and scores
may be shown to anyone signed in; demand counts only the shared opportunities (those another
organisation than their poster has read) and only for the skills that those of at least three
organisations ask for, so that no figure moves with one organisation's opportunity. Free hours
and mentor offers are private to each organisation, and pairings and sessions belong to the
organisations of the two people involved (and the coordinator). Anything outside gets
Http404, never 403."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coopnet.common import derived
from coopnet.common.access import User, is_coordinator
from coopnet.common.derived import Stamped
from coopnet.directory.models import Organisation, Person, PersonSkill, Skill
from coopnet.directory.selectors import memberships, organisation_for_member
from coopnet.engine import network as engine
from coopnet.engine.money import to_money
from coopnet.engine.resilience import HOLD_LEVEL, MentoringOptions, demand_by_skill, skills_map
from coopnet.mentoring.models import (
    LearningWish,
    LevelChange,
    MentoringOptIn,
    MentorOffer,
    Pairing,
    Plan,
    ScoreSnapshot,
    Session,
)
from coopnet.opportunities.models import Requirement
from coopnet.opportunities.selectors import shared_opportunities

#: demand counts the shared opportunities created this many days back, whatever became of them
DEMAND_DAYS = 365
#: a skill's free hours are shown network-wide only when its holders come from this many
#: organisations or more, so that no organisation's hours can be read off the total
MIN_ORGANISATIONS_FOR_HOURS = 3
#: a skill's demand counts (in its row, the totals and the scores) only when shared
#: opportunities of this many organisations ask for it (k-anonymity): an opportunity and its
#: requirements are private to the organisation that posted it
MIN_ORGANISATIONS_FOR_DEMAND = 3


# -- the engine's view of the database ------------------------------------------------------


def demand_since(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=DEMAND_DAYS)


def _shared_requirements(now: dt.datetime) -> QuerySet[Requirement]:
    """The requirements of the shared opportunities created in the `DEMAND_DAYS` up to `now`
    (see `opportunities.selectors.shared_opportunities`)."""
    return Requirement.objects.filter(
        opportunity__in=shared_opportunities(),
        opportunity__created__gte=demand_since(now),
        opportunity__created__lte=now,
    )


def demand_posters(now: dt.datetime | None = None) -> dict[str, int]:
    """How many organisations posted the shared opportunities that ask for each skill."""
    rows = (
        _shared_requirements(now or timezone.now())
        .values_list("skill__slug", "opportunity__posted_by_id")
        .distinct()
    )
    posters: dict[str, set[int]] = defaultdict(set)
    for skill, organisation in rows:
        posters[skill].add(organisation)
    return {skill: len(found) for skill, found in posters.items()}


def demand(now: dt.datetime | None = None) -> dict[str, float]:
    """Requirement hours per skill of the shared opportunities created in the `DEMAND_DAYS` up
    to `now`, whatever became of them, for the skills that opportunities of at least
    `MIN_ORGANISATIONS_FOR_DEMAND` organisations ask for; the others count nowhere (no row, no
    total, no score, no plan), so that no figure moves with one organisation's opportunity."""
    now = now or timezone.now()
    shown = {s for s, n in demand_posters(now).items() if n >= MIN_ORGANISATIONS_FOR_DEMAND}
    requirements = (
        _shared_requirements(now)
        .filter(skill__slug__in=shown)
        .values_list("opportunity_id", "skill__slug", "min_level", "hours")
    )
    grouped: dict[int, list[engine.Requirement]] = defaultdict(list)
    for opportunity, skill, level, hours in requirements:
        grouped[opportunity].append(engine.Requirement(skill, level, hours))
    return demand_by_skill(
        engine.Opportunity(str(k), Decimal(0), tuple(reqs)) for k, reqs in grouped.items()
    )


def engine_network(organisation: str | None = None) -> engine.Network:
    """Every organisation and person with their skills (or only `organisation`'s, by slug),
    and free hours as `hours` (private: for computing only, never to be shown whole). Person
    ids are primary keys as strings. Plain values, not model objects: a 10,000-person network
    is read in about 0.1 s."""
    held, organisations = PersonSkill.objects.all(), Organisation.objects.order_by("slug")
    people = Person.objects.order_by("organisation__slug", "pk")
    if organisation is not None:
        held = held.filter(person__organisation__slug=organisation)
        organisations = organisations.filter(slug=organisation)
        people = people.filter(organisation__slug=organisation)
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for person_id, slug, level in held.values_list("person_id", "skill__slug", "level"):
        skills[person_id][slug] = level
    return engine.Network(
        tuple(
            engine.Organisation(slug, name)
            for slug, name in organisations.values_list("slug", "name")
        ),
        tuple(
            engine.Person(str(pk), org, skills[pk], hours, Decimal(0))
            for pk, org, hours in people.values_list("pk", "organisation__slug", "hours_available")
        ),
    )


def mentoring_options() -> MentoringOptions:
    """Mentor offers, learning wishes and opt-ins as the engine's options."""
    offers = {str(p): float(h) for p, h in MentorOffer.objects.values_list("person_id", "hours")}
    wants: dict[str, list[str]] = defaultdict(list)
    for person_id, slug in LearningWish.objects.values_list("person_id", "skill__slug"):
        wants[str(person_id)].append(slug)
    opted = MentoringOptIn.objects.values_list("organisation__slug", flat=True)
    return MentoringOptions(offers, {k: tuple(v) for k, v in wants.items()}, frozenset(opted))


def _holder_organisations(network: engine.Network, skill: str) -> int:
    ids, levels = network.skill_index.get(skill, ((), ()))
    return len(
        {int(network.person_org[i]) for i, v in zip(ids, levels, strict=True) if v >= HOLD_LEVEL}
    )


def _skill_names(slugs: set[str]) -> dict[str, str]:
    return dict(Skill.objects.filter(slug__in=slugs).values_list("slug", "name"))


# -- the network's map ------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRow:
    slug: str
    name: str
    bus_factor: int
    #: None when hidden: holders from fewer than MIN_ORGANISATIONS_FOR_HOURS organisations
    free_hours: Decimal | None
    #: None when nothing counts: no shared opportunity of MIN_ORGANISATIONS_FOR_DEMAND
    #: organisations or more asked for it (`demand`)
    demand: Decimal | None
    #: whether its demand counts (recent shared opportunities of enough organisations)
    demanded: bool = False
    organisations: int = 0
    network_bus_factor: int = 0

    @property
    def at_risk(self) -> bool:
        return self.demanded and self.bus_factor <= 1


@dataclass(frozen=True)
class OrganisationScore:
    slug: str
    name: str
    score: float


@dataclass(frozen=True)
class NetworkMap:
    score: float
    demand_hours: Decimal
    since: dt.datetime
    skills: list[SkillRow]  # demanded skills first, by decreasing demand; then by slug
    organisations: list[OrganisationScore]

    @property
    def at_risk(self) -> list[SkillRow]:
        return [s for s in self.skills if s.at_risk]


def _hours(value: float) -> Decimal:
    """Hours from a solver, in hundredths (exact, as money is)."""
    return to_money(value, "hours")


def _order(rows: list[SkillRow]) -> list[SkillRow]:
    """Demanded skills first, by decreasing demand; then the rest by slug. Only the demand
    that counts is here (`demand`), so the order gives nothing away."""
    return sorted(rows, key=lambda r: (not r.demanded, r.demand is None, -(r.demand or 0), r.slug))


def _shown_demand(hours: float) -> Decimal | None:
    """The demand counted (`demand` leaves out what may not be shown); None for none."""
    return _hours(hours) if hours > 0 else None


@dataclass(frozen=True)
class NetworkSkills:
    """The network's map as computed once per change (`derived`): the map, and what the
    organisation maps and plan effects read from it."""

    map: NetworkMap
    #: the demand that counts, per skill (`demand`)
    wanted: dict[str, float]
    #: each organisation's score, by slug
    scores: dict[str, float]
    #: how many demanded skills each organisation's own people hold once or never, by slug
    at_risk_by_organisation: dict[str, int]


def _demand_window(now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants around `now` at which the shared opportunities counted as demand are the
    same as at `now`: from the last that came in or went out of the `DEMAND_DAYS` window,
    until just before the next does."""
    since, days = demand_since(now), dt.timedelta(days=DEMAND_DAYS)
    tick = dt.timedelta(microseconds=1)
    found = shared_opportunities().aggregate(
        first_in=Min("created", filter=Q(created__gte=since, created__lte=now)),
        next_in=Min("created", filter=Q(created__gt=now)),
        last_in=Max("created", filter=Q(created__lte=now)),
        last_out=Max("created", filter=Q(created__lt=since)),
    )
    starts = [found["last_in"], found["last_out"] and found["last_out"] + days + tick]
    ends = [found["next_in"], found["first_in"] and found["first_in"] + days + tick]
    return max(filter(None, starts), default=None), min(filter(None, ends), default=None)


def network_skills_computed(now: dt.datetime | None = None) -> Stamped[NetworkSkills]:
    """The network's map computed from the database at `now` (`network_skills` reads it once
    per change), with the instants it holds for."""
    now = now or timezone.now()
    start, end = _demand_window(now)
    network, wanted = engine_network(), demand(now)
    result = skills_map(network, wanted)
    names = _skill_names({s.skill for s in result.skills})
    rows = []
    for s in result.skills:
        orgs = _holder_organisations(network, s.skill)
        shown = _hours(s.free_hours) if orgs >= MIN_ORGANISATIONS_FOR_HOURS else None
        name = names.get(s.skill, s.skill)
        asked = _shown_demand(s.demand)
        rows.append(SkillRow(s.skill, name, s.bus_factor, shown, asked, s.demand > 0, orgs))
    org_names = {o.id: o.name for o in network.organisations}
    scores = [
        OrganisationScore(slug, org_names[slug], score)
        for slug, score in result.organisation_scores.items()
    ]
    found = NetworkMap(
        result.score,
        _hours(sum(wanted.values())),
        demand_since(now),
        _order(rows),
        sorted(scores, key=lambda o: (o.score, o.name)),
    )
    whole = NetworkSkills(found, wanted, result.organisation_scores, result.organisation_at_risk)
    return Stamped(whole, start, end)


def network_skills_versioned(now: dt.datetime) -> tuple[NetworkSkills, str]:
    """The network's map at `now` (`network_skills`) and the instants it holds for, as a
    string: with the network's version (`derived.kept`), what a view kept from the map
    depends on, since the demand window moves on without a write."""
    stamped = derived.cached(network_skills_computed, now)
    found, bounds = stamped.value, (stamped.start, stamped.end)
    version = "~".join(b.isoformat() if b is not None else "" for b in bounds)
    return replace(found, map=replace(found.map, since=demand_since(now))), version


def network_skills(now: dt.datetime | None = None) -> NetworkSkills:
    """The network's map at `now`, computed once per change to the directory or the demand
    (`derived`)."""
    return network_skills_versioned(now or timezone.now())[0]


def network_map() -> NetworkMap:
    """The skills map of the whole network, safe to show to anyone signed in."""
    return network_skills().map


# -- an organisation's own map ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonMentoring:
    person: Person
    mentor_hours: Decimal | None  # private: the offer, None for the 10% default
    wishes: list[LearningWish]


@dataclass(frozen=True)
class OrganisationMap:
    organisation: Organisation
    score: float
    opted_in: bool
    demand_hours: Decimal
    skills: list[SkillRow]  # bus factor and free hours of its own people
    people: list[PersonMentoring]
    #: the page of people `people` holds (by name), when one was asked for; None: all of them
    page: Page[Person] | None = None

    @property
    def at_risk(self) -> list[SkillRow]:
        return [s for s in self.skills if s.at_risk]


#: people a page of an organisation's map lists
PEOPLE_PER_PAGE = 50


def organisation_map(user: User, slug: str, *, people_page: Any = None) -> OrganisationMap:
    """An organisation's own map with its people's free hours: its members only (404). With
    `people_page` (a page number, as typed), one page of its people, by name; else all."""
    organisation = organisation_for_member(user, slug)
    whole = network_skills()
    wanted = whole.wanted
    network_bus = {s.slug: s.bus_factor for s in whole.map.skills}
    own = skills_map(engine_network(organisation.slug), wanted)
    names = _skill_names({s.skill for s in own.skills})
    rows = [
        SkillRow(
            s.skill,
            names.get(s.skill, s.skill),
            s.bus_factor,
            _hours(s.free_hours),
            _shown_demand(s.demand),
            s.demand > 0,
            network_bus_factor=network_bus.get(s.skill, 0),
        )
        for s in own.skills
    ]
    return OrganisationMap(
        organisation,
        whole.scores.get(organisation.slug, 0.0),
        MentoringOptIn.objects.filter(organisation=organisation).exists(),
        _hours(sum(wanted.values())),
        _order(rows),
        *_people(organisation, people_page),
    )


def _people(
    organisation: Organisation, number: Any
) -> tuple[list[PersonMentoring], Page[Person] | None]:
    """The organisation's people (one page of them when `number` is given), with their
    mentoring hours and wishes."""
    everyone = organisation.people.order_by("name", "pk")
    page = None if number is None else Paginator(everyone, PEOPLE_PER_PAGE).get_page(number)
    people = list(everyone if page is None else page.object_list)
    ids = [p.pk for p in people]
    offers = dict(MentorOffer.objects.filter(person_id__in=ids).values_list("person_id", "hours"))
    wishes: dict[int, list[LearningWish]] = defaultdict(list)
    for wish in LearningWish.objects.filter(person_id__in=ids).select_related("skill"):
        wishes[wish.person_id].append(wish)
    return [PersonMentoring(p, offers.get(p.pk), wishes[p.pk]) for p in people], page


# -- plans, pairings, sessions ----------------------------------------------------------------


def _involving(user: User, prefix: str = "") -> Q:
    """Rows whose mentor or learner belongs to one of `user`'s organisations."""
    organisations = memberships(user).values("organisation")
    return Q(**{f"{prefix}mentor__organisation__in": organisations}) | Q(
        **{f"{prefix}learner__organisation__in": organisations}
    )


def _related(queryset: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    return queryset.select_related(
        "mentor__organisation", "learner__organisation", "skill"
    ).distinct()


def visible_pairings(user: User) -> QuerySet[Pairing]:
    pairings = Pairing.objects.all()
    if not is_coordinator(user):
        pairings = pairings.filter(_involving(user))
    return _related(pairings).select_related("plan")


def pairing_for_user(user: User, pairing_id: int) -> Pairing:
    pairing = visible_pairings(user).filter(pk=pairing_id).first()
    if pairing is None:
        raise Http404("no such pairing")
    return pairing


def visible_sessions(user: User) -> QuerySet[Session]:
    sessions = Session.objects.all()
    if not is_coordinator(user):
        sessions = sessions.filter(_involving(user))
    return _related(sessions)


def session_for_user(user: User, session_id: int) -> Session:
    session = visible_sessions(user).filter(pk=session_id).first()
    if session is None:
        raise Http404("no such session")
    return session


def latest_plan() -> Plan | None:
    return Plan.objects.order_by("-created", "-pk").first()


def plan_pairings(user: User, plan: Plan) -> QuerySet[Pairing]:
    """The plan's pairings that `user` may see: all for the coordinator, else those involving
    their organisations."""
    return visible_pairings(user).filter(plan=plan)


def history(organisation_slug: str | None = None) -> QuerySet[ScoreSnapshot]:
    """The score over time of the network, or of one organisation (scores are public)."""
    if organisation_slug is None:
        return ScoreSnapshot.objects.filter(organisation__isnull=True)
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise Http404("no such organisation")
    return ScoreSnapshot.objects.filter(organisation=organisation)


def history_recent(organisation_slug: str | None = None, count: int = 100) -> list[ScoreSnapshot]:
    """The last `count` scores of `history`, oldest first: what a chart has room for."""
    latest = history(organisation_slug).order_by("-taken_at", "-pk")[:count]
    return list(reversed(latest))


@dataclass(frozen=True)
class ScorePoint:
    """A score recorded (`ScoreSnapshot`), as plain values: what a chart of it needs."""

    taken_at: dt.datetime
    score: float


def history_points(count: int = 100) -> list[ScorePoint]:
    """The network's last `count` scores (`history_recent`), oldest first, as plain values."""
    return [ScorePoint(s.taken_at, s.score) for s in history_recent(count=count)]


def hours_per_month(sessions: QuerySet[Session]) -> list[tuple[dt.date, Decimal]]:
    """Session hours per calendar month, oldest first, months without sessions included."""
    totals: dict[dt.date, Decimal] = defaultdict(Decimal)
    for day, hours in sessions.values_list("date", "hours"):
        totals[day.replace(day=1)] += hours
    if not totals:
        return []
    months, month = [], min(totals)
    while month <= max(totals):
        months.append((month, totals.get(month, Decimal(0))))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def organisations_of(user: User) -> list[Organisation]:
    return [m.organisation for m in memberships(user).order_by("organisation__name")]


def held_level(person: Person, skill_slug: str) -> int | None:
    return (
        PersonSkill.objects.filter(person=person, skill__slug=skill_slug)
        .values_list("level", flat=True)
        .first()
    )


def organisation_filter(organisation: Organisation) -> Q:
    """Pairings or sessions whose mentor or learner belongs to `organisation`."""
    return Q(mentor__organisation=organisation) | Q(learner__organisation=organisation)


def level_changes(organisation: Organisation) -> QuerySet[LevelChange]:
    """The level changes of an organisation's people, newest first (levels are public)."""
    return LevelChange.objects.filter(person__organisation=organisation).select_related(
        "person", "skill"
    )


def person_visible(user: User, person_id: int) -> bool:
    """Whether `person_id` is one of the people of `user`'s organisations."""
    organisations = memberships(user).values("organisation")
    return Person.objects.filter(pk=person_id, organisation__in=organisations).exists()
