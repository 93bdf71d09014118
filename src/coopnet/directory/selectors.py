"""Reads. Every read of private data takes the user and scopes to their organisations;
anything outside gets Http404, never 403, so an outsider cannot even learn that it exists."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from coopnet.common import audit, derived
from coopnet.common.access import (
    ADMIN,
    CHANGE,
    VIEW,
    User,
    get_or_404,
    is_coordinator,
    may,
)
from coopnet.common.compiled import Compiled
from coopnet.common.models import AuditEvent
from coopnet.directory.models import (
    Invitation,
    Membership,
    NetworkSettings,
    Organisation,
    Person,
    PersonSkill,
    Reservation,
    Skill,
)

BAD_MIN_LEVEL = "A minimum level is a whole number from 1 to 5 (got {level!r})."

#: the public bands of free hours: to other organisations, a search by minimum free hours
#: matches a person by the band their hours are in (at least 0, 10, 40, 100 or 200), never
#: closer, since the directory shows them nobody's hours
HOURS_BANDS = (Decimal(0), Decimal(10), Decimal(40), Decimal(100), Decimal(200))


def memberships(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=user.pk).select_related("organisation")


def invitations_pending(user: User) -> QuerySet[Invitation]:
    """The invitations waiting for `user`'s answer, newest first; none for anyone else."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        user_id=user.pk, status=Invitation.PENDING, expires__gt=timezone.now()
    ).select_related("organisation", "invited_by")


def invitation_for_invitee(
    user: User, *, invitation_id: int | None = None, token: str | None = None, lock: bool = False
) -> Invitation:
    """A pending invitation (by id or by its link's token), if it is `user`'s; 404 for anyone
    else, so that nobody learns whom an organisation invites. `lock` it (inside a transaction)
    for the answer."""
    rows = Invitation.objects.filter(status=Invitation.PENDING)
    if lock:
        rows = rows.select_for_update()
    if not user.is_authenticated or (invitation_id is None and token is None):
        raise Http404("no such invitation")
    lookup = {"pk": invitation_id} if invitation_id is not None else {"token": token}
    found = rows.filter(user_id=user.pk, **lookup).select_related("organisation").first()
    if found is None:
        raise Http404("no such invitation")
    return found


def organisation_public(slug: str) -> Organisation:
    """An organisation's public profile (any signed-in person in the network may see it)."""
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404("no such organisation") from None


#: an organisation's public fields, as `Organisation.from_db` takes them (in the model's order)
_PUBLIC_FIELDS = ("id", "name", "slug", "description", "kind", "location", "website", "public")

_PROFILE = Compiled(
    lambda slug: (
        Organisation.objects.filter(slug=slug)
        .annotate(people_count=Count("people"))
        .values_list(*_PUBLIC_FIELDS, "people_count")
    )
)


def organisation_profile(slug: str) -> tuple[Organisation, int]:
    """An organisation's public profile and how many people it lists, in one query (404 if
    there is none): an organisation with its public fields only (a private one read from it
    is read from the database on its own)."""
    found = _PROFILE.rows(slug)
    if not found:
        raise Http404("no such organisation")
    *public, people = found[0]
    return Organisation.from_db(DEFAULT_DB_ALIAS, _PUBLIC_FIELDS, public), people


def organisation_shown_to_all(slug: str) -> Organisation:
    """An organisation whose profile is public, for anyone (signed in or not); 404 for one
    whose profile is not, as for one that does not exist."""
    found = Organisation.objects.filter(slug=slug, public=True).only(*_PUBLIC_FIELDS).first()
    if found is None:
        raise Http404("no such organisation")
    return found


def organisation_for_member(user: User, slug: str) -> Organisation:
    """The organisation, if `user` belongs to it; otherwise 404."""
    return get_or_404(Organisation.objects.all(), user, VIEW, slug=slug)


def organisation_for_admin(user: User, slug: str) -> Organisation:
    """The organisation, if `user` is one of its admins; 404 for outsiders and members."""
    return get_or_404(Organisation.objects.all(), user, CHANGE, slug=slug)


def is_admin(user: User, organisation: Organisation) -> bool:
    return may(user, organisation, CHANGE)


def is_member(user: User, organisation: Organisation) -> bool:
    return may(user, organisation, VIEW)


def admin_memberships(user: User) -> QuerySet[Membership]:
    """The user's memberships as an admin, by organisation name."""
    return memberships(user).filter(role=ADMIN).order_by("organisation__name")


@dataclass(frozen=True)
class HeldSkill:
    slug: str
    name: str
    level: int


@dataclass(frozen=True)
class PublicPerson:
    """What anyone signed in may see of a person: name, organisation and skills."""

    pk: int
    name: str
    organisation_slug: str
    organisation_name: str
    #: highest level first, then by name
    skills: tuple[HeldSkill, ...]


def public_people(people: QuerySet[Person]) -> list[PublicPerson]:
    """`people` (a page of them: a sliced queryset) as plain rows, read in two queries of
    plain values: no model instances and no prefetching machinery, which cost a list page
    more than its queries did."""
    rows = list(
        people.prefetch_related(None).values_list(
            "pk", "name", "organisation__slug", "organisation__name"
        )
    )
    held: dict[int, list[HeldSkill]] = defaultdict(list)
    found = PersonSkill.objects.filter(person_id__in=[row[0] for row in rows]).values_list(
        "person_id", "skill__slug", "skill__name", "level"
    )
    for person_id, slug, name, level in found:
        held[person_id].append(HeldSkill(slug, name, level))
    return [
        PublicPerson(
            pk,
            name,
            org_slug,
            org_name,
            tuple(sorted(held[pk], key=lambda s: (-s.level, s.name))),
        )
        for pk, name, org_slug, org_name in rows
    ]


def with_skills(people: QuerySet[Person]) -> QuerySet[Person]:
    """`people` with their skills (each with its skill's slug and name) fetched in one more
    query, whatever their number."""
    held = PersonSkill.objects.select_related("skill").only(
        "person", "level", "skill__slug", "skill__name"
    )
    return people.prefetch_related(Prefetch("skills", queryset=held))


@dataclass(frozen=True)
class ListedPerson:
    """A person as their organisation's profile lists them: their name and skills."""

    name: str
    #: highest level first, then by name
    skills: tuple[HeldSkill, ...]


def _people_page(
    organisation_id: int, *, start: int, size: int
) -> QuerySet[Person, tuple[int, str, str, str, int]]:
    page = Person.objects.filter(organisation_id=organisation_id).order_by("name", "pk")
    # a person without skills comes once, with None for the skill's columns
    return (
        Person.objects.filter(pk__in=page.values("pk")[start : start + size])
        .order_by("name", "pk")
        .values_list("pk", "name", "skills__skill__slug", "skills__skill__name", "skills__level")
    )


_PEOPLE_PAGE = Compiled(_people_page)


def people_public(organisation_id: int, start: int, size: int) -> list[ListedPerson]:
    """`size` of an organisation's people from the `start`th (0 the first), by name, with
    their skills, for its public profile: names and skills only, in one query."""
    names: dict[int, str] = {}
    held: dict[int, list[HeldSkill]] = {}
    for pk, name, slug, skill, level in _PEOPLE_PAGE.rows(organisation_id, start=start, size=size):
        names[pk] = name
        skills = held.setdefault(pk, [])
        if slug is not None:
            skills.append(HeldSkill(slug, skill, level))
    return [
        ListedPerson(name, tuple(sorted(held[pk], key=lambda s: (-s.level, s.name))))
        for pk, name in names.items()
    ]


def people_private(user: User, slug: str) -> QuerySet[Person]:
    """People of an organisation with their private fields, for its own members only."""
    organisation = organisation_for_member(user, slug)
    return with_skills(organisation.people.all())


def person_for_member(user: User, person_id: int) -> Person:
    """The person, with their private fields, for the members of their organisation; else 404."""
    return get_or_404(Person.objects.select_related("organisation"), user, VIEW, pk=person_id)


def hours_band(hours: Decimal) -> Decimal:
    """The public band `hours` fall in: the largest of `HOURS_BANDS` not above them."""
    return max(band for band in HOURS_BANDS if band <= max(hours, Decimal(0)))


def _with_free_hours(user: User, min_hours: Decimal) -> Q:
    """People with at least `min_hours` free: exactly among `user`'s own organisations' people
    (their members see those hours), by public band for everyone else, so that no sequence
    of searches narrows another organisation's hours below its band."""
    own = Q(organisation__in=memberships(user).values("organisation"))
    exact = Q(hours_available__gte=min_hours)
    return Q(hours_available__gte=hours_band(min_hours)) & (exact | ~own)


def check_min_level(min_level: object) -> None:
    """A ValidationError unless `min_level` is a whole number from 1 to 5 (a level no one can
    hold is a mistake in a search, not an empty answer)."""
    if isinstance(min_level, bool) or not isinstance(min_level, int) or not 1 <= min_level <= 5:
        raise ValidationError({"min_level": BAD_MIN_LEVEL.format(level=min_level)})


def directory_search(
    user: User,
    *,
    skill: str | None = None,
    min_level: int = 1,
    min_hours: Decimal | None = None,
    name: str | None = None,
) -> QuerySet[Person]:
    """Public search: who can do `skill` at `min_level` (1 to 5, else a ValidationError: a
    level no one can hold is a mistake, not an empty answer) or above, with at least
    `min_hours` free. Returns people; callers show only public fields (name, organisation,
    skills)."""
    check_min_level(min_level)
    people = with_skills(Person.objects.select_related("organisation"))
    if skill:
        # by the skill's id, not a join on its slug: PostgreSQL then knows from its statistics
        # how many hold it, and finds the first page by organisation without reading them all
        skill_ids = list(Skill.objects.filter(slug=skill).values_list("pk", flat=True))
        holders = PersonSkill.objects.filter(skill_id__in=skill_ids, level__gte=min_level)
        people = people.filter(pk__in=holders.values("person"))
    if min_hours is not None:
        people = people.filter(_with_free_hours(user, min_hours))
    if name:
        people = people.filter(_named(name))
    # no DISTINCT: every filter above is on the person's own row or its one organisation (the
    # skills through a subquery), so no person can come twice
    return people


def search_key(
    user: User,
    *,
    skill: str | None = None,
    min_level: int = 1,
    min_hours: Decimal | None = None,
    name: str | None = None,
) -> str:
    """A name for the answer of `directory_search` with these arguments, to keep it under
    (`derived.kept`): the search normalised (no skill and an empty one alike, 10 and 10.0
    hours alike) and what about `user` changes the answer: nothing, unless it asks for free
    hours, which are exact for `user`'s own organisations' people (`_with_free_hours`), so
    then the ids of those organisations. Hashed: a name may hold any text."""
    hours = None if min_hours is None else format(min_hours.normalize(), "f")
    own = None
    if min_hours is not None:
        own = sorted(memberships(user).values_list("organisation_id", flat=True))
    parts = [skill or None, min_level, hours, name or None, own]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


#: a name search matching at most this many people and organisations lists them by their ids
NAMED_AT_MOST = 1000


def _named(text: str) -> Q:
    """People whose name, or whose organisation's name, contains `text`. Each side is found
    first by its own index (trigram indexes on PostgreSQL, migration 0007), then the people by
    their ids: PostgreSQL cannot estimate the two together and would read every person in
    the results' order to find a few. Very common text falls back to the plain filter."""
    people = Person.objects.filter(name__icontains=text).values_list("pk", flat=True)
    organisations = Organisation.objects.filter(name__icontains=text).values_list("pk", flat=True)
    people_ids = list(people[: NAMED_AT_MOST + 1])
    organisation_ids = list(organisations[: NAMED_AT_MOST + 1])
    if len(people_ids) > NAMED_AT_MOST or len(organisation_ids) > NAMED_AT_MOST:
        return Q(name__icontains=text) | Q(organisation__name__icontains=text)
    return Q(pk__in=people_ids) | Q(organisation_id__in=organisation_ids)


#: the most skills one search as you type answers with
SKILL_MATCHES = 15


def skill_search(text: str, *, limit: int = SKILL_MATCHES) -> list[Skill]:
    """Skills whose name or slug contains `text` (in any case), at most `limit` of them: the
    one named or slugged exactly first, then those that start with it, then the rest, each
    by name; for blank text, the first by name. The taxonomy is public."""
    text = text.strip()
    skills = Skill.objects.only("slug", "name", "family")
    if text:
        exact = Q(name__iexact=text) | Q(slug__iexact=text)
        prefix = Q(name__istartswith=text) | Q(slug__istartswith=text)
        rank = Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2))
        found = skills.filter(Q(name__icontains=text) | Q(slug__icontains=text))
        skills = found.annotate(rank=rank).order_by("rank", "name", "slug")
    else:
        skills = skills.order_by("name", "slug")
    return list(skills[: max(limit, 0)])


_SKILL_FIELDS = ["id", "slug", "name", "family"]


def skills_named(text: str) -> list[Skill]:
    """The skills whose slug or name is `text`, in any case (the slug's first): what a person
    may type into a skill field."""
    text = text.strip()
    if not text:
        return []

    def found() -> list[tuple[int, str, str, str]]:
        exact_slug = Case(When(slug__iexact=text, then=Value(0)), default=Value(1))
        named = Skill.objects.filter(Q(slug__iexact=text) | Q(name__iexact=text))
        ordered = named.annotate(by_slug=exact_slug).order_by("by_slug", "slug")
        return list(ordered.values_list(*_SKILL_FIELDS)[:10])

    # kept until the taxonomy (the network) changes: every search form asks it for its skill
    key = "directory:skills-named:" + hashlib.sha256(text.encode()).hexdigest()
    return [Skill.from_db(Skill.objects.db, _SKILL_FIELDS, row) for row in derived.kept(key, found)]


def skills_named_any(texts: Iterable[str]) -> dict[str, list[int]]:
    """For each of `texts` (by its lowercase), the ids of the skills whose slug or name it is,
    in any case: one query for many texts."""
    wanted = sorted({text.strip().lower() for text in texts if text.strip()})
    if not wanted:
        return {}

    def found() -> dict[str, list[int]]:
        named: dict[str, list[int]] = {text: [] for text in wanted}
        rows = Skill.objects.annotate(lower_name=Lower("name"), lower_slug=Lower("slug"))
        found = rows.filter(Q(lower_name__in=wanted) | Q(lower_slug__in=wanted)).order_by("pk")
        for pk, name, slug in found.values_list("pk", "lower_name", "lower_slug"):
            for text in {name, slug} & set(wanted):
                named[text].append(pk)
        return named

    # kept until the taxonomy changes: a search form asks it for the label of its skill
    key = "directory:skills-named-any:" + hashlib.sha256(json.dumps(wanted).encode()).hexdigest()
    return derived.kept(key, found)


def skills_by_slug(slugs: Iterable[str]) -> list[Skill]:
    return list(Skill.objects.filter(slug__in=list(slugs)).only("slug", "name"))


def current_commission() -> Decimal:
    """The commission rate new opportunities are posted with (0 until the coordinator sets it)."""
    rate = NetworkSettings.objects.order_by("pk").values_list("commission", flat=True).first()
    return Decimal(rate or 0)


def reserved_hours(person_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each person's hours held by running work (`Reservation`), for formation only: private."""
    rows = (
        Reservation.objects.filter(person_id__in=list(person_ids))
        .values("person_id")
        .annotate(total=Sum("hours"))
    )
    return {row["person_id"]: row["total"] for row in rows}


def network_settings() -> NetworkSettings:
    """The network's settings row (unsaved defaults, no commission, until the coordinator sets
    them): the commission policy, the finder's fee and the exemptions new opportunities take."""
    return NetworkSettings.objects.order_by("pk").first() or NetworkSettings()


def commission_exempt(organisation: Organisation) -> bool:
    """Is `organisation` exempt from the commission by name (not by its first contracts)?"""
    row = NetworkSettings.objects.order_by("pk").first()
    return row is not None and row.commission_exempt.filter(pk=organisation.pk).exists()


def audit_trail(user: User, slug: str | None = None) -> QuerySet[AuditEvent]:
    """The audit trail `user` may read, newest first: every event for the coordinator, the
    events of the organisations it administers for anyone else (members who are not admins
    read none). With `slug`, that organisation's events alone: 404 unless the user is the
    coordinator or one of its admins, so that a competitor cannot learn it has any."""
    if slug is not None:
        organisation = (
            organisation_public(slug)
            if is_coordinator(user)
            else organisation_for_admin(user, slug)
        )
        return audit.events([organisation.pk])
    if is_coordinator(user):
        return audit.events(None)
    return audit.events(admin_memberships(user).values_list("organisation_id", flat=True))


def organisation_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Organisations' names by id (public), to show whom events concern."""
    wanted = {i for i in ids if i is not None}
    return dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name"))


def own_person(user: User) -> Person | None:
    """The person `user` is in the directory (linked by an admin of their organisation), if any."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user_id=user.pk).select_related("organisation").first()
