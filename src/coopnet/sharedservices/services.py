"""Writes. Each takes the acting user, finds what it changes through a selector (404 for whoever
may not see it), checks the actor's role (403), validates all its input before saving anything,
and runs in one transaction.

Every change (joining, leaving, restating a going-alone cost, editing a cost model) takes effect
from the next period: first the current period's schedule is stored as it stands, if it is not
stored yet (so that what members owe this month never changes), then the change is made, then
the next period's schedule is computed again and stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from coopnet.common import derived
from coopnet.common.access import User, is_coordinator
from coopnet.common.amounts import MAX_HOURS, MAX_MONEY, parse_amount, parse_text
from coopnet.directory.selectors import is_admin, organisation_for_member
from coopnet.engine.money import CENT
from coopnet.engine.pooling import MAX_POOL_MEMBERS
from coopnet.sharedservices import notices, pricing, selectors
from coopnet.sharedservices.models import Enrolment, Fee, FeeSchedule, SharedService
from coopnet.sharedservices.pricing import SOLUTIONS, TOO_MANY

NOT_COORDINATOR = "Only the network's coordinator can create or change a shared service."
NOT_ADMIN = "Only an admin of the organisation can join, leave or restate its costs."
NOT_ENROLLED = "{organisation} is not enrolled in {service} from next month."
NOTHING_STATED = (
    "State what going alone costs a month, or the hours it takes you (and any tools) for "
    "coopnet to work it out."
)
RATE_NEEDED = (
    "State what going alone costs, or an hourly rate: {organisation} has no cost rates in the "
    "directory to work it out from."
)
NAME_TAKEN = "There is already a shared service called {name!r}."
BAD_MONEY = "An amount of money, 0 or more, to the cent at most (got {value})."
BAD_HOURS = "A number of hours, 0 or more, in hundredths at most (got {value})."
BAD_UNITS = "A whole number of members, at least 1 (got {value})."
BAD_KIND = "Choose one of: {kinds}."

MAX_UNITS = 1000
COST_FIELDS = ("fixed_cost", "per_member_cost", "unit_cost", "members_per_unit")
RESERVED_SLUGS = {"new"}


# -- validation -------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    """A bad value as the user typed it: text quoted, numbers (JSON's included) as written."""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return str(value)
    return repr(value)


def _money(errors: dict[str, str], field: str, value: Any) -> Decimal:
    amount = parse_amount(value, MAX_MONEY)
    if amount is None:
        errors[field] = BAD_MONEY.format(value=_shown(value))
    return amount or Decimal(0)


def _hours(errors: dict[str, str], field: str, value: Any) -> Decimal:
    hours = parse_amount(value, MAX_HOURS)
    if hours is None:
        errors[field] = BAD_HOURS.format(value=_shown(value))
    return hours or Decimal(0)


def _units(errors: dict[str, str], value: Any) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_UNITS
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
        ok = 1 <= value <= MAX_UNITS
    if not ok:
        errors["members_per_unit"] = BAD_UNITS.format(value=_shown(value))
        return 1
    return int(value)


def _service_fields(errors: dict[str, str], fields: dict[str, Any]) -> dict[str, Any]:
    """The fields given, validated; errors named by field."""
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            clean[name] = parse_text(errors, name, value, 200, required=True)
        elif name == "description":
            clean[name] = parse_text(errors, name, value or "", 5000, required=False)
        elif name == "kind":
            kinds = [k for k, _ in SharedService.KINDS]
            if value not in kinds:
                errors[name] = BAD_KIND.format(kinds=", ".join(kinds))
            clean[name] = value
        elif name == "members_per_unit":
            clean[name] = _units(errors, value)
        elif name in COST_FIELDS:
            clean[name] = _money(errors, name, value)
    return clean


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "service"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or SharedService.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _coordinator(actor: User) -> None:
    if not is_coordinator(actor):
        raise PermissionDenied(NOT_COORDINATOR)


# -- schedules --------------------------------------------------------------------------------


def _store(computed: pricing.Schedule) -> FeeSchedule:
    """Store `computed`, replacing what was stored for its period (a later period only)."""
    FeeSchedule.objects.filter(service=computed.service, period=computed.period).delete()
    model = computed.cost_model
    stored = FeeSchedule.objects.create(
        service=computed.service,
        period=computed.period,
        pooled_cost=computed.pooled_cost,
        fixed_cost=model.fixed_cost,
        per_member_cost=model.per_member_cost,
        unit_cost=model.unit_cost,
        members_per_unit=model.members_per_unit,
        recommended=computed.recommended,
        core_empty=computed.core_empty,
        least_core_epsilon=computed.least_core_epsilon,
        contains=computed.contains,
    )
    Fee.objects.bulk_create(
        Fee(
            schedule=stored,
            organisation_id=row.organisation_id,
            fee=row.fee,
            better_alone=row.better_alone,
            alone_cost=row.alone_cost,
            hours_alone=row.hours_alone,
            saving=row.saving,
            **{name: row.solutions[name] for name in SOLUTIONS},
        )
        for row in computed.rows
    )
    # bulk_create sends no model signal: the pages kept from the fees change with them
    derived.announce()
    return stored


def period_freeze(service: SharedService, today: dt.date | None = None) -> FeeSchedule:
    """The current period's schedule, stored as things stand if it was not stored yet."""
    period = pricing.current_period(today)
    stored = FeeSchedule.objects.filter(service=service, period=period).first()
    return stored or _store(pricing.compute(service, period))


def next_schedule_store(service: SharedService, today: dt.date | None) -> FeeSchedule:
    """Store the next period's schedule afresh; any later one was a forecast and goes. Every
    write below ends with it; callers run it in a transaction."""
    nxt = pricing.next_period(pricing.current_period(today))
    FeeSchedule.objects.filter(service=service, period__gt=nxt).delete()
    before = Fee.objects.filter(schedule__service=service, schedule__period=nxt)
    fees = dict(before.values_list("organisation_id", "fee"))
    stored = _store(pricing.compute(service, nxt))
    notices.fees_set(stored, fees)
    return stored


# -- the coordinator's writes -----------------------------------------------------------------


@transaction.atomic
def service_create(*, actor: User, today: dt.date | None = None, **fields: Any) -> SharedService:
    """A new shared service (name, description, kind and its cost model); coordinators only."""
    _coordinator(actor)
    errors: dict[str, str] = {}
    fields = {"description": "", "kind": SharedService.OTHER, "per_member_cost": 0,
              "unit_cost": 0, "members_per_unit": 1, **fields}  # fmt: skip
    for required in ("name", "fixed_cost"):
        fields.setdefault(required, "")
    clean = _service_fields(errors, fields)
    if not errors.get("name") and SharedService.objects.filter(name=clean["name"]).exists():
        errors["name"] = NAME_TAKEN.format(name=clean["name"])
    if errors:
        raise ValidationError(errors)
    service = SharedService.objects.create(slug=_unique_slug(clean["name"]), **clean)
    next_schedule_store(service, today)
    return service


@transaction.atomic
def service_update(
    *, actor: User, slug: str, today: dt.date | None = None, **changes: Any
) -> SharedService:
    """Change a service; a new cost model applies from the next period. Coordinators only."""
    service = selectors.service_public(slug)
    _coordinator(actor)
    service = SharedService.objects.select_for_update().get(pk=service.pk)
    errors: dict[str, str] = {}
    clean = _service_fields(errors, changes)
    name = clean.get("name")
    if name and SharedService.objects.filter(name=name).exclude(pk=service.pk).exists():
        errors["name"] = NAME_TAKEN.format(name=name)
    if errors:
        raise ValidationError(errors)
    period_freeze(service, today)
    for field, value in clean.items():
        setattr(service, field, value)
    service.save()
    next_schedule_store(service, today)
    return service


# -- an organisation's writes -----------------------------------------------------------------


def _admin_of(actor: User, organisation_slug: str) -> Any:
    """The organisation, if `actor` administers it: 404 for outsiders, 403 for members."""
    organisation = organisation_for_member(actor, organisation_slug)
    if not is_admin(actor, organisation):
        raise PermissionDenied(NOT_ADMIN)
    return organisation


def _locked(slug: str) -> SharedService:
    service = selectors.service_public(slug)
    return SharedService.objects.select_for_update().get(pk=service.pk)


@transaction.atomic
def enrolment_set(
    *,
    actor: User,
    service_slug: str,
    organisation_slug: str,
    alone_cost: Any = None,
    hours_alone: Any = 0,
    rate: Any = None,
    tools_cost: Any = 0,
    today: dt.date | None = None,
) -> Enrolment:
    """Join a service, or restate what going alone costs, with effect from the next period.
    Without `alone_cost`, coopnet works it out: `hours_alone` at `rate` (by default the
    organisation's own average cost rate, weighted by its people's hours) plus `tools_cost`."""
    service = _locked(service_slug)
    organisation = _admin_of(actor, organisation_slug)
    errors: dict[str, str] = {}
    hours = _hours(errors, "hours_alone", hours_alone)
    if alone_cost is None or alone_cost == "":
        hourly = _optional_money(errors, "rate", rate)
        typed = Typed(hours, False, hourly, _tools(errors, tools_cost))
        cost = _worked_out_cost(errors, organisation, typed)
    else:
        typed = Typed(hours, True)
        cost = _money(errors, "alone_cost", alone_cost)
    if errors:
        raise ValidationError(errors)
    nxt = pricing.next_period(pricing.current_period(today))
    current = _enrolment_now(service, organisation)
    members = pricing.enrolments_in(service, nxt).exclude(organisation=organisation)
    if current is None and members.count() >= MAX_POOL_MEMBERS:
        raise ValidationError({"organisation": TOO_MANY})
    period_freeze(service, today)
    enrolment = _enrolment_from(nxt, current, service, organisation, cost, typed)
    next_schedule_store(service, today)
    return enrolment


def _worked_out_cost(errors: dict[str, str], organisation: Any, typed: Typed) -> Decimal:
    """What going alone costs when the admin does not say: the hours at the rate typed (by
    default the organisation's own average cost rate) plus tools and subscriptions."""
    hours, tools = typed.hours, typed.tools
    hourly = typed.rate if typed.rate is not None else _average_rate(organisation)
    if hourly is None and hours:
        errors["rate"] = RATE_NEEDED.format(organisation=organisation.name)
    cost = (hours * (hourly or 0) + tools).quantize(CENT)
    if not hours and not tools:
        errors["alone_cost"] = NOTHING_STATED
    elif cost > MAX_MONEY:
        errors["alone_cost"] = BAD_MONEY.format(value=_shown(cost))
    return cost


def _enrolment_now(service: SharedService, organisation: Any) -> Enrolment | None:
    """The organisation's enrolment that has not been given an end."""
    found = Enrolment.objects.filter(service=service, organisation=organisation)
    return found.filter(leaves__isnull=True).first()


def _enrolment_from(
    nxt: dt.date,
    current: Enrolment | None,
    service: SharedService,
    organisation: Any,
    cost: Decimal,
    typed: Typed,
) -> Enrolment:
    """The enrolment that holds the new figures from `nxt`: a not-yet-started one is restated,
    a running one ends and a new one starts."""
    figures = {
        "alone_cost": cost,
        "hours_alone": typed.hours,
        "cost_stated": typed.stated,
        "rate": typed.rate,
        "tools_cost": typed.tools,
    }
    if current is not None and current.joins >= nxt:
        for name, value in figures.items():
            setattr(current, name, value)
        current.save(update_fields=list(figures))
        return current
    if current is not None:
        current.leaves = nxt
        current.save(update_fields=["leaves"])
    return Enrolment.objects.create(
        service=service, organisation=organisation, joins=nxt, **figures
    )


@dataclass(frozen=True)
class Typed:
    """What the admin typed to state its going-alone cost: the cost itself (`stated`), or the
    hours, the rate (None: the organisation's average) and the tools it is worked out from."""

    hours: Decimal
    stated: bool
    rate: Decimal | None = None
    tools: Decimal = Decimal(0)


def _optional_money(errors: dict[str, str], field: str, value: Any) -> Decimal | None:
    return None if value is None or value == "" else _money(errors, field, value)


def _tools(errors: dict[str, str], value: Any) -> Decimal:
    return _money(errors, "tools_cost", 0 if value is None or value == "" else value)


def _average_rate(organisation: Any) -> Decimal | None:
    """The organisation's cost rate per hour, weighted by its people's hours (a plain average
    when none has hours); None when nobody has a rate."""
    rows = list(
        organisation.people.filter(cost_rate__gt=0).values_list("cost_rate", "hours_available")
    )
    if not rows:
        return None
    hours = sum(h for _, h in rows)
    if hours > 0:
        return Decimal(sum(r * h for r, h in rows) / hours).quantize(CENT)
    return Decimal(sum(r for r, _ in rows) / len(rows)).quantize(CENT)


@transaction.atomic
def enrolment_leave(
    *, actor: User, service_slug: str, organisation_slug: str, today: dt.date | None = None
) -> None:
    """Leave a service from the next period; this period's fee stands."""
    service = _locked(service_slug)
    organisation = _admin_of(actor, organisation_slug)
    nxt = pricing.next_period(pricing.current_period(today))
    current = _enrolment_now(service, organisation)
    if current is None:
        message = NOT_ENROLLED.format(organisation=organisation.name, service=service.name)
        raise ValidationError({"organisation": message})
    period_freeze(service, today)
    if current.joins >= nxt:
        current.delete()
    else:
        current.leaves = nxt
        current.save(update_fields=["leaves"])
    next_schedule_store(service, today)
