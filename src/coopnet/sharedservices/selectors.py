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

from django.db.models import Q
from django.http import Http404

from coopnet.common.access import User, is_coordinator
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
    own = set(memberships(user).values_list("organisation_id", flat=True))
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


def services_of(organisation: Organisation, today: dt.date | None = None) -> list[SharedService]:
    """The shared services `organisation` is a member of this month (public, like every
    service's member list), by name."""
    now = pricing.current_period(today)
    # one filter() call, so that every condition holds for the same enrolment
    return list(
        SharedService.objects.filter(
            Q(enrolments__leaves__isnull=True) | Q(enrolments__leaves__gt=now),
            enrolments__organisation=organisation,
            enrolments__joins__lte=now,
        )
        .only("name", "slug")
        .distinct()
        .order_by("name")
    )


def profile_panel(organisation: Organisation) -> dict[str, Any]:
    """The profile's "Shared services" panel: the services it is in this month (the same for
    every viewer)."""
    return {"services": services_of(organisation)}
