"""Reads. A service's cost model, its members' names and count and its pooled cost are public
to the network. What going alone costs an organisation, its hours, its saving and its shares
under each solution are private to it and to the network's coordinator: `visible` removes
every other organisation's row before anything is shown or sent.

A proportional split reveals the ratio of going-alone costs, so an organisation sees its own
proportional share only when at least three organisations share the service (it then learns
the total of the others' costs, never one of them), and the core verdict on the proportional
split is the coordinator's alone. That a member is better off alone bounds its going-alone
cost (below what one more member adds to the pool), so it is on that member's row only: the
others see the members' names and the pooled cost, never who is left out of the pool."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from coopnet.common import derived
from coopnet.common.access import User, is_coordinator
from coopnet.common.compiled import Compiled
from coopnet.directory.models import Membership, Organisation
from coopnet.directory.selectors import memberships
from coopnet.sharedservices import pricing
from coopnet.sharedservices.models import Enrolment, FeeSchedule, SharedService
from coopnet.sharedservices.pricing import Row, Schedule

#: the fewest members for an organisation to see its own proportional share
PROPORTIONAL_MIN = 3


def service_public(slug: str) -> SharedService:
    try:
        return SharedService.objects.get(slug=slug)
    except SharedService.DoesNotExist:
        raise Http404("no such service") from None


@dataclass(frozen=True)
class Summary:
    """What anyone signed in may see of a service, this period and next."""

    service: SharedService
    members_now: tuple[str, ...]
    members_next: tuple[str, ...]
    pooled_now: Decimal
    pooled_next: Decimal
    #: the user's organisations enrolled from next period
    mine: tuple[str, ...]


def _names(service: SharedService, period: dt.date) -> tuple[str, ...]:
    return tuple(e.organisation.name for e in pricing.enrolments_in(service, period))


def _pooled(service: SharedService, period: dt.date, stored: FeeSchedule | None) -> Decimal:
    return stored.pooled_cost if stored else pricing.pooled_cost(service, period)


def _summary(service: SharedService, own: set[str], now: dt.date) -> Summary:
    nxt = pricing.next_period(now)
    stored = {s.period: s for s in service.schedules.filter(period__in=(now, nxt))}
    members_now = _names(service, now) if now not in stored else _stored_names(stored[now])
    members_next = _names(service, nxt)
    return Summary(
        service=service,
        members_now=members_now,
        members_next=members_next,
        pooled_now=_pooled(service, now, stored.get(now)),
        pooled_next=_pooled(service, nxt, stored.get(nxt)),
        mine=tuple(n for n in members_next if n in own),
    )


def service_list(user: User, today: dt.date | None = None) -> list[Summary]:
    """Every service with its members' names and pooled cost, this period and next."""
    own = {m.organisation.name for m in memberships(user)}
    now = pricing.current_period(today)
    return [_summary(s, own, now) for s in SharedService.objects.all()]


def service_list_kept(own: set[str], today: dt.date | None = None) -> list[Summary]:
    """`service_list` for a viewer whose organisations are named `own`: the public part is
    kept until the next change (the same for everyone), `mine` is the viewer's."""
    now = pricing.current_period(today)
    public = derived.kept(
        f"services:list:{now.isoformat()}",
        lambda: [_summary(s, set(), now) for s in SharedService.objects.all()],
    )
    return [replace(s, mine=tuple(n for n in s.members_next if n in own)) for s in public]


def service_summary(user: User, slug: str, today: dt.date | None = None) -> Summary:
    own = {m.organisation.name for m in memberships(user)}
    return _summary(service_public(slug), own, pricing.current_period(today))


def _stored_names(stored: FeeSchedule) -> tuple[str, ...]:
    fees = stored.fees.select_related("organisation").order_by("organisation__name")
    return tuple(f.organisation.name for f in fees)


def visible(schedule: Schedule, user: User) -> Schedule:
    """`schedule` as `user` may see it: every row for the coordinator, else only the rows of
    their own organisations (with the proportional share only among three or more), and not
    the cheapest total (it adds up the going-alone costs of those better off alone)."""
    if is_coordinator(user):
        return replace(schedule, full=True)
    return _visible_rows(schedule, set(memberships(user).values_list("organisation_id", flat=True)))


def _visible_rows(schedule: Schedule, own: set[int] | frozenset[int]) -> Schedule:
    rows: list[Row] = [r for r in schedule.rows if r.organisation_id in own]
    if schedule.count < PROPORTIONAL_MIN:
        rows = [replace(r, solutions={**r.solutions, "proportional": None}) for r in rows]
    contains = {k: v for k, v in schedule.contains.items() if k != "proportional"}
    return replace(schedule, rows=rows, contains=contains, full=False, cheapest_cost=None)


def schedule_for(
    user: User, service: SharedService, period: dt.date, today: dt.date | None = None
) -> Schedule | None:
    """The schedule of `period` as `user` may see it (None for a past period never stored)."""
    found = pricing.schedule(service, period, today)
    return None if found is None else visible(found, user)


@dataclass(frozen=True)
class OwnOrganisation:
    """One of a viewer's organisations, as plain data."""

    pk: int
    slug: str
    name: str
    is_admin: bool


@dataclass(frozen=True)
class Viewer:
    """What about a signed-in user changes what the services pages show them: whether they
    are the coordinator, and their organisations (by name) with their role in each."""

    coordinator: bool
    organisations: tuple[OwnOrganisation, ...]

    @property
    def names(self) -> set[str]:
        return {o.name for o in self.organisations}

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(o.pk for o in self.organisations)


def viewer(user: User) -> Viewer:
    """`user`'s standing, kept until the next change under a key of theirs alone (a
    membership or a coordinator's appointment is a change)."""

    def compute() -> Viewer:
        return Viewer(
            coordinator=is_coordinator(user),
            organisations=tuple(
                OwnOrganisation(o.pk, o.slug, o.name, admin) for o, admin in own_organisations(user)
            ),
        )

    if not user.is_authenticated:
        return compute()
    return derived.kept(f"services:viewer:{user.pk}", compute)


def service_kept(slug: str) -> SharedService:
    """`service_public`, kept until the next change (a service is public)."""
    found: SharedService | None = derived.kept(
        f"services:service:{slug}", lambda: SharedService.objects.filter(slug=slug).first()
    )
    if found is None:
        raise Http404("no such service")
    return found


def schedules_kept(
    service: SharedService, period: dt.date
) -> tuple[Schedule | None, Schedule | None]:
    """The schedules of `period` and the next one in full, kept until the next change. Every
    row, private figures included (like the pooled results `pricing.pooled` keeps): callers
    show them only through `visible`, or an organisation's own row to its own people."""
    nxt = pricing.next_period(period)
    return derived.kept(
        f"services:schedules:{service.pk}:{period.isoformat()}",
        lambda: (pricing.schedule(service, period), pricing.schedule(service, nxt)),
    )


def row_owners(service: SharedService, period: dt.date) -> frozenset[int]:
    """The organisations with a row in the schedule of `period` or the next one (public: the
    members' names are), kept until the next change."""

    def compute() -> frozenset[int]:
        schedules = schedules_kept(service, period)
        return frozenset(r.organisation_id for s in schedules if s for r in s.rows)

    return derived.kept(f"services:owners:{service.pk}:{period.isoformat()}", compute)


def visible_to(schedule: Schedule, seen: Viewer) -> Schedule:
    """`visible` for a viewer's standing already read."""
    if seen.coordinator:
        return replace(schedule, full=True)
    return _visible_rows(schedule, seen.ids)


def organisation_for_viewer(user: User, slug: str) -> Organisation:
    """An organisation whose standing in services `user` may see: their own, or any for the
    coordinator; Http404 otherwise."""
    if is_coordinator(user):
        found = Organisation.objects.filter(slug=slug).first()
    else:
        membership = memberships(user).filter(organisation__slug=slug).first()
        found = membership.organisation if membership else None
    if found is None:
        raise Http404("no such organisation")
    return found


def own_organisations(user: User) -> list[tuple[Organisation, bool]]:
    """The user's organisations, each with whether they administer it."""
    return [
        (m.organisation, m.role == Membership.ADMIN)
        for m in memberships(user).order_by("organisation__name")
    ]


def open_enrolment(service: SharedService, organisation: Organisation) -> Enrolment | None:
    """The organisation's enrolment that has not been left (private to it and the
    coordinator: callers check who asks)."""
    return Enrolment.objects.filter(
        service=service, organisation=organisation, leaves__isnull=True
    ).first()


def latest_enrolment(service: SharedService, organisation: Organisation) -> Enrolment | None:
    return (
        Enrolment.objects.filter(service=service, organisation=organisation)
        .order_by("-joins", "-pk")
        .first()
    )


def _in_services(organisation_id: int, now: dt.date) -> QuerySet[SharedService]:
    """The shared services the organisation is a member of in the month `now`, by name."""
    # one filter() call, so that every condition holds for the same enrolment
    return (
        SharedService.objects.filter(
            Q(enrolments__leaves__isnull=True) | Q(enrolments__leaves__gt=now),
            enrolments__organisation_id=organisation_id,
            enrolments__joins__lte=now,
        )
        .distinct()
        .order_by("name")
    )


def services_of(organisation: Organisation, today: dt.date | None = None) -> list[SharedService]:
    """The shared services `organisation` is a member of this month (public, like every
    service's member list), by name."""
    now = pricing.current_period(today)
    return list(_in_services(organisation.pk, now).only("name", "slug"))


@dataclass(frozen=True)
class ServiceLink:
    """A service as a list of them links to it."""

    name: str
    slug: str


_SERVICES_OF = Compiled(
    lambda organisation_id, now: _in_services(organisation_id, now).values_list("name", "slug")
)


def profile_panel(organisation: Organisation) -> dict[str, Any]:
    """The profile's "Shared services" panel: the services it is in this month (the same for
    every viewer, as `services_of` finds them), read as plain values."""
    found = _SERVICES_OF.rows(organisation.pk, now=pricing.current_period())
    return {"services": [ServiceLink(name, slug) for name, slug in found]}
