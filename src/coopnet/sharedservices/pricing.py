"""Periods and the fee schedule of one period: from the enrolments in force, through the
engine's pooling (`coopnet.engine.pooling`), to amounts in pence that add up exactly.

Reads only: `services` stores what this computes, `selectors` shows it (stored or not)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from coopnet.engine.money import CENT, round_to_total
from coopnet.engine.pooling import MAX_POOL_MEMBERS, Member, PoolProblem, Service, pool
from coopnet.sharedservices.models import Enrolment, FeeSchedule, SharedService

SOLUTIONS = ("equal", "shapley", "nucleolus", "proportional")
BAD_PERIOD = "A month as YYYY-MM (got {value!r})."
TOO_MANY = (
    f"A shared service can have at most {MAX_POOL_MEMBERS} members: coopnet shares its cost "
    "exactly by looking at every group of members, and beyond that there are too many."
)


# -- periods ----------------------------------------------------------------------------------


def current_period(today: dt.date | None = None) -> dt.date:
    """The first day of this calendar month (in the site's time zone)."""
    return (today or timezone.localdate()).replace(day=1)


def next_period(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_period(value: Any) -> dt.date:
    """ "2025-03" as 1 March 2025; anything else a ValidationError naming `period`."""
    try:
        year, month = str(value).split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise ValidationError({"period": BAD_PERIOD.format(value=value)}) from None


# -- one period's schedule --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One member's line of a schedule. `alone_cost`, `hours_alone`, `saving` and the
    solutions are private to the organisation and the coordinator."""

    organisation_id: int
    slug: str
    name: str
    fee: Decimal
    alone_cost: Decimal
    hours_alone: Decimal
    saving: Decimal
    solutions: dict[str, Decimal | None]

    @property
    def gains(self) -> bool:
        return self.saving > 0

    @property
    def extra(self) -> Decimal:
        """How much more than going alone the member pays (0 if it gains)."""
        return max(Decimal(0), -self.saving)


@dataclass(frozen=True)
class Schedule:
    service: SharedService
    period: dt.date
    #: stored (the fees in force) or a forecast from the enrolments as they stand
    stored: bool
    pooled_cost: Decimal
    cost_model: Service
    recommended: str
    core_empty: bool
    least_core_epsilon: Decimal | None
    contains: dict[str, bool | None]
    rows: list[Row]
    #: public: the names of every member, whoever may see which rows
    members: tuple[str, ...] = field(default=())
    computed_at: dt.datetime | None = None
    #: whether every row is shown (the coordinator); set by `selectors.visible`
    full: bool = True

    @property
    def count(self) -> int:
        return len(self.members)


def cost_model(service: SharedService) -> Service:
    return Service(
        name=service.name,
        fixed_cost=Decimal(service.fixed_cost),
        per_member_cost=Decimal(service.per_member_cost),
        unit_cost=Decimal(service.unit_cost),
        members_per_unit=int(service.members_per_unit),
    )


def enrolments_in(service: SharedService, period: dt.date) -> QuerySet[Enrolment]:
    """The enrolments that belong to `period`, by organisation name."""
    return (
        Enrolment.objects.filter(service=service, joins__lte=period)
        .filter(Q(leaves__isnull=True) | Q(leaves__gt=period))
        .select_related("organisation")
        .order_by("organisation__name")
    )


def _cents(values: Any, total: Decimal, n: int) -> list[Decimal | None]:
    """A solution's float shares in pence adding up to `total`; None each if it is undefined."""
    if values is None:
        return [None] * n
    return list(round_to_total([float(v) for v in values], total, CENT))


def compute(service: SharedService, period: dt.date) -> Schedule:
    """The schedule `period` would have from the enrolments and cost model as they stand."""
    enrolments = list(enrolments_in(service, period))
    if len(enrolments) > MAX_POOL_MEMBERS:
        raise ValidationError({"organisation": TOO_MANY})
    model = cost_model(service)
    base = {"service": service, "period": period, "stored": False, "cost_model": model}
    if not enrolments:
        return Schedule(
            **base, pooled_cost=Decimal("0.00"), recommended="", core_empty=False,
            least_core_epsilon=None, contains={}, rows=[],
        )  # fmt: skip
    members = tuple(
        Member(e.organisation.slug, e.organisation.name, e.alone_cost, e.hours_alone)
        for e in enrolments
    )
    result = pool(PoolProblem(model, members))
    shares = {
        name: _cents(result.solutions.get(name), result.pooled_cost, len(members))
        for name in SOLUTIONS
    }
    rows = [
        Row(
            organisation_id=e.organisation_id,
            slug=e.organisation.slug,
            name=e.organisation.name,
            fee=fee,
            alone_cost=e.alone_cost,
            hours_alone=e.hours_alone,
            saving=e.alone_cost - fee,
            solutions={name: shares[name][k] for name in SOLUTIONS},
        )
        for k, (e, fee) in enumerate(zip(enrolments, result.fees, strict=True))
    ]
    epsilon = result.least_core_epsilon
    return Schedule(
        **base,
        pooled_cost=result.pooled_cost,
        recommended=result.recommended,
        core_empty=result.core_empty,
        least_core_epsilon=None if epsilon is None else Decimal(repr(epsilon)).quantize(CENT),
        contains=dict(result.contains),
        rows=rows,
        members=tuple(m.name for m in members),
    )


def from_stored(stored: FeeSchedule) -> Schedule:
    fees = list(stored.fees.select_related("organisation").order_by("organisation__name"))
    rows = [
        Row(
            organisation_id=f.organisation_id,
            slug=f.organisation.slug,
            name=f.organisation.name,
            fee=f.fee,
            alone_cost=f.alone_cost,
            hours_alone=f.hours_alone,
            saving=f.saving,
            solutions={name: getattr(f, name) for name in SOLUTIONS},
        )
        for f in fees
    ]
    model = Service(
        stored.service.name,
        stored.fixed_cost,
        stored.per_member_cost,
        stored.unit_cost,
        stored.members_per_unit,
    )
    return Schedule(
        service=stored.service,
        period=stored.period,
        stored=True,
        pooled_cost=stored.pooled_cost,
        cost_model=model,
        recommended=stored.recommended,
        core_empty=stored.core_empty,
        least_core_epsilon=stored.least_core_epsilon,
        contains=dict(stored.contains),
        rows=rows,
        members=tuple(r.name for r in rows),
        computed_at=stored.computed_at,
    )


def schedule(
    service: SharedService, period: dt.date, today: dt.date | None = None
) -> Schedule | None:
    """The stored schedule of `period`; for the current period or a later one not stored yet,
    the forecast from the enrolments as they stand; None for a past period never stored."""
    stored = FeeSchedule.objects.filter(service=service, period=period).first()
    if stored is not None:
        return from_stored(stored)
    if period < current_period(today):
        return None
    return compute(service, period)


def joining_fee(model: Service, members: int) -> Decimal:
    """What a new member would pay a month in a pool of `members` others: the pooled cost with
    it added, over the members. Every member needs the same from a service, so this is its
    fair share (Shapley, nucleolus and equal coincide), up to a cent of rounding."""
    size = members + 1
    return (model.cost(size) / size).quantize(CENT)
