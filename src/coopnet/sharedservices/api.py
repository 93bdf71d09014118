"""The shared-services API, mounted at /api/services. Entry points only: parse, call a selector
or service, shape the answer. Anyone signed in may read the services, their cost models, their
members' names and pooled costs; an organisation's going-alone cost, hours, saving and shares
go to its own people and the coordinator only (`selectors.visible`). The per-organisation
endpoints answer 404 to anyone else, whatever the method, before reading the body."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from ninja import Router, Schema, Status

from coopnet.common.amounts import Number
from coopnet.common.auth import guarded
from coopnet.sharedservices import pricing, selectors, services
from coopnet.sharedservices.models import SharedService
from coopnet.sharedservices.pricing import Row, Schedule

router = Router(tags=["shared services"])

MEMBER_PATH = "/{slug}/members/{org_slug}"
OTHER_METHODS = ["POST", "PATCH", "HEAD", "OPTIONS"]


def _viewer_or_404(request: HttpRequest, user: Any) -> None:
    """404 unless `user` belongs to the organisation in the path, or coordinates the network."""
    match = request.resolver_match
    slug = match.kwargs.get("org_slug", "") if match else ""
    selectors.organisation_for_viewer(user, slug)


MEMBER_AUTH = guarded(_viewer_or_404)


class ServiceIn(Schema):
    name: str
    description: str = ""
    kind: str = SharedService.OTHER
    fixed_cost: Number
    per_member_cost: Number = Decimal(0)
    unit_cost: Number = Decimal(0)
    members_per_unit: int = 1


class ServicePatch(Schema):
    name: str | None = None
    description: str | None = None
    kind: str | None = None
    fixed_cost: Number | None = None
    per_member_cost: Number | None = None
    unit_cost: Number | None = None
    members_per_unit: int | None = None


class PeriodOut(Schema):
    #: YYYY-MM
    period: str
    members: list[str]
    member_count: int
    pooled_cost: Decimal


class ServiceOut(Schema):
    slug: str
    name: str
    description: str
    kind: str
    fixed_cost: Decimal
    per_member_cost: Decimal
    unit_cost: Decimal
    members_per_unit: int
    this_period: PeriodOut
    next_period: PeriodOut
    #: the pooled cost with one more organisation from next month, over the members: what each
    #: would pay if going alone cost every member at least the service for one member by
    #: itself (fees follow going-alone costs: see `joining` on an organisation's endpoint)
    joining_fee: Decimal


class FeeOut(Schema):
    organisation: str
    name: str
    #: 0.00 for a member better off alone: it is not charged
    fee: Decimal
    alone_cost: Decimal
    hours_recovered: Decimal
    saving: Decimal
    gains: bool
    #: the cheapest pool leaves it out: joining would add more than going alone costs it
    better_alone: bool
    #: for a member better off alone: what it would add to the pool's cost by joining
    joining_adds: Decimal | None
    #: equal, shapley, nucleolus, proportional (null: not shown to you, undefined, or better
    #: off alone)
    solutions: dict[str, Decimal | None]


class ScheduleOut(Schema):
    service: str
    period: str
    #: true: the fees in force; false: a forecast from the enrolments as they stand
    stored: bool
    pooled_cost: Decimal
    member_count: int
    members: list[str]
    recommended: str
    #: the fees are in the core: no member, alone or in any group, would pay less
    stable: bool
    core_empty: bool
    least_core_epsilon: Decimal | None
    in_core: dict[str, bool | None]
    #: what the pool would cost if every member joined it
    everyone_pooled_cost: Decimal
    #: the coordinator's (null for anyone else): the members in the cheapest pool, those
    #: better off alone, and the pooled cost plus what those going alone pay
    optimal_pool: list[str] | None
    better_alone: list[str] | None
    cheapest_cost: Decimal | None
    #: true for the coordinator: every member's row; else your organisations' rows only
    complete: bool
    fees: list[FeeOut]


class MemberIn(Schema):
    #: what going alone costs a month; null to have it worked out: hours_alone at rate plus
    #: tools_cost (rate null: the organisation's average cost rate)
    alone_cost: Number | None = None
    hours_alone: Number = Decimal(0)
    rate: Number | None = None
    tools_cost: Number = Decimal(0)


class ForecastOut(Schema):
    #: the going-alone cost it last stated for this service
    alone_cost: Decimal
    #: the members with it
    members: int
    fee: Decimal
    saving: Decimal
    better_alone: bool
    joining_adds: Decimal | None


class MemberOut(Schema):
    service: str
    organisation: str
    enrolled_this_period: bool
    enrolled_next_period: bool
    alone_cost: Decimal | None
    hours_alone: Decimal | None
    joins: dt.date | None
    leaves: dt.date | None
    this_period: FeeOut | None
    next_period: FeeOut | None
    #: not in next month's pool: joining from next month at the going-alone cost it last stated
    joining: ForecastOut | None


def _month(period: dt.date) -> str:
    return period.strftime("%Y-%m")


def _service(summary: selectors.Summary) -> dict[str, Any]:
    service = summary.service
    now = pricing.current_period()
    periods = [
        (now, summary.members_now, summary.pooled_now),
        (pricing.next_period(now), summary.members_next, summary.pooled_next),
    ]
    this, nxt = (
        {"period": _month(p), "members": list(m), "member_count": len(m), "pooled_cost": c}
        for p, m, c in periods
    )
    return {
        "slug": service.slug,
        "name": service.name,
        "description": service.description,
        "kind": service.kind,
        "fixed_cost": service.fixed_cost,
        "per_member_cost": service.per_member_cost,
        "unit_cost": service.unit_cost,
        "members_per_unit": service.members_per_unit,
        "this_period": this,
        "next_period": nxt,
        "joining_fee": pricing.joining_fee(pricing.cost_model(service), len(summary.members_next)),
    }


def _fee(row: Row) -> dict[str, Any]:
    return {
        "organisation": row.slug,
        "name": row.name,
        "fee": row.fee,
        "alone_cost": row.alone_cost,
        "hours_recovered": row.hours_recovered,
        "saving": row.saving,
        "gains": row.gains,
        "better_alone": row.better_alone,
        "joining_adds": row.joining_adds,
        "solutions": dict(row.solutions),
    }


def _schedule(schedule: Schedule) -> dict[str, Any]:
    return {
        "service": schedule.service.slug,
        "period": _month(schedule.period),
        "stored": schedule.stored,
        "pooled_cost": schedule.pooled_cost,
        "member_count": schedule.count,
        "members": list(schedule.members),
        "recommended": schedule.recommended,
        "stable": schedule.stable,
        "core_empty": schedule.core_empty,
        "least_core_epsilon": schedule.least_core_epsilon,
        "in_core": schedule.contains,
        "everyone_pooled_cost": schedule.everyone_cost,
        "optimal_pool": [r.name for r in schedule.pool] if schedule.full else None,
        "better_alone": [r.name for r in schedule.alone] if schedule.full else None,
        "cheapest_cost": schedule.cheapest_cost,
        "complete": schedule.full,
        "fees": [_fee(r) for r in schedule.rows],
    }


@router.get("", response=list[ServiceOut])
def list_services(request: HttpRequest) -> list[dict[str, Any]]:
    """Every shared service: its cost model, members and pooled cost, this period and next."""
    return [_service(s) for s in selectors.service_list(request.user)]


@router.post("", response={201: ServiceOut})
def create_service(request: HttpRequest, body: ServiceIn) -> Status[Any]:
    """Create a shared service. The network's coordinator only."""
    service = services.service_create(actor=request.user, **body.dict())
    return Status(201, _service(selectors.service_summary(request.user, service.slug)))


@router.get("/{slug}", response=ServiceOut)
def get_service(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _service(selectors.service_summary(request.user, slug))


@router.patch("/{slug}", response=ServiceOut)
def update_service(request: HttpRequest, slug: str, body: ServicePatch) -> dict[str, Any]:
    """Change a service; a new cost model applies from the next period. Coordinator only."""
    changes = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    services.service_update(actor=request.user, slug=slug, **changes)
    return _service(selectors.service_summary(request.user, slug))


@router.get("/{slug}/fees", response=ScheduleOut)
def get_fees(request: HttpRequest, slug: str, period: str | None = None) -> dict[str, Any]:
    """The fees of a period (YYYY-MM; this month by default) that you may see: every row for
    the coordinator, your organisations' rows for anyone else."""
    service = selectors.service_public(slug)
    month = pricing.parse_period(period) if period else pricing.current_period()
    found = selectors.schedule_for(request.user, service, month)
    if found is None:
        raise Http404("no fees were recorded for that period")
    return _schedule(found)


def _member(request: HttpRequest, slug: str, org_slug: str) -> dict[str, Any]:
    service = selectors.service_public(slug)
    organisation = selectors.organisation_for_viewer(request.user, org_slug)
    enrolment = selectors.latest_enrolment(service, organisation)
    if enrolment is None:
        raise Http404("not a member of this service")
    now = pricing.current_period()
    rows = []
    for period in (now, pricing.next_period(now)):
        schedule = selectors.schedule_for(request.user, service, period)
        shown = schedule.rows if schedule else []
        found = [r for r in shown if r.organisation_id == organisation.pk]
        rows.append(_fee(found[0]) if found else None)
    joining = None
    if rows[1] is None:
        nxt = pricing.next_period(now)
        joining = pricing.joining_forecast(service, nxt, organisation, enrolment.alone_cost)
    return {
        "service": service.slug,
        "organisation": organisation.slug,
        "enrolled_this_period": rows[0] is not None,
        "enrolled_next_period": rows[1] is not None,
        "alone_cost": enrolment.alone_cost,
        "hours_alone": enrolment.hours_alone,
        "joins": enrolment.joins,
        "leaves": enrolment.leaves,
        "this_period": rows[0],
        "next_period": rows[1],
        "joining": _forecast(joining),
    }


def _forecast(found: pricing.Forecast | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "alone_cost": found.alone_cost,
        "members": found.size,
        "fee": found.fee,
        "saving": found.saving,
        "better_alone": found.better_alone,
        "joining_adds": found.joining_adds,
    }


@router.get(MEMBER_PATH, response=MemberOut, auth=MEMBER_AUTH)
def get_member(request: HttpRequest, slug: str, org_slug: str) -> dict[str, Any]:
    """An organisation's enrolment and fees: its own people and the coordinator only."""
    return _member(request, slug, org_slug)


@router.put(MEMBER_PATH, response=MemberOut, auth=MEMBER_AUTH)
def put_member(request: HttpRequest, slug: str, org_slug: str, body: MemberIn) -> dict[str, Any]:
    """Join, or restate what going alone costs, from the next period. Its admins only."""
    services.enrolment_set(
        actor=request.user,
        service_slug=slug,
        organisation_slug=org_slug,
        alone_cost=body.alone_cost,
        hours_alone=body.hours_alone,
        rate=body.rate,
        tools_cost=body.tools_cost,
    )
    return _member(request, slug, org_slug)


@router.delete(MEMBER_PATH, response={200: MemberOut, 204: None}, auth=MEMBER_AUTH)
def delete_member(request: HttpRequest, slug: str, org_slug: str) -> Any:
    """Leave from the next period; this period's fee stands: the membership as it now ends.
    An enrolment that had not begun is gone altogether: 204, nothing to show. Its admins only."""
    services.enrolment_leave(actor=request.user, service_slug=slug, organisation_slug=org_slug)
    service = selectors.service_public(slug)
    organisation = selectors.organisation_for_viewer(request.user, org_slug)
    if selectors.latest_enrolment(service, organisation) is None:
        return Status(204, None)
    return _member(request, slug, org_slug)


@router.api_operation(OTHER_METHODS, MEMBER_PATH, auth=MEMBER_AUTH, include_in_schema=False)
def member_other_methods(request: HttpRequest, slug: str, org_slug: str) -> HttpResponse:
    """404 for outsiders (through authentication), 405 for the organisation's people."""
    return HttpResponseNotAllowed(["GET", "PUT", "DELETE"])
