"""Periods and the fee schedule of one period: from the enrolments in force, through the
engine's pooling (`coopnet.engine.pooling`), to amounts in pence that add up exactly.

Reads only: `services` stores what this computes, `selectors` shows it (stored or not)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from coopnet.directory.models import Organisation
from coopnet.engine.money import CENT, round_to_total, to_money
from coopnet.engine.pooling import (
    MAX_POOL_MEMBERS,
    Member,
    PoolProblem,
    PoolResult,
    Service,
    cheapest_pool,
    pool,
)
from coopnet.sharedservices.models import Enrolment, FeeSchedule, SharedService

SOLUTIONS = ("equal", "shapley", "nucleolus", "proportional")
BAD_PERIOD = "A month as YYYY-MM (got {value!r})."
TOO_MANY = (
    f"A shared service can have at most {MAX_POOL_MEMBERS} members: coopnet shares its cost "
    "exactly by looking at every group of members, and beyond that there are too many."
)


#: how long a pooled result is kept (a month's forecast is read all month)
POOL_CACHE_SECONDS = 31 * 24 * 3600


def pooled(problem: PoolProblem) -> PoolResult:
    """`pool(problem)`, solved once and then read from the cache (the shared one, when the
    deployment has it): pooling 20 members looks at every one of a million groups, about a
    second, and every page showing a forecast needs it. The key is a digest of everything the
    answer depends on (the cost model and every member's figures), so a change of enrolments
    or prices is a new key: nothing is ever stale, nothing needs clearing."""
    key = "pool:" + hashlib.sha256(repr(problem).encode()).hexdigest()
    found: PoolResult | None = cache.get(key)
    if found is None:
        found = pool(problem)
        cache.set(key, found, POOL_CACHE_SECONDS)
    return found


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
    """One member's line of a schedule. `alone_cost`, `hours_alone`, `saving`, the solutions and
    `better_alone` are private to the organisation and the coordinator."""

    organisation_id: int
    slug: str
    name: str
    fee: Decimal
    alone_cost: Decimal
    hours_alone: Decimal
    saving: Decimal
    solutions: dict[str, Decimal | None]
    #: the cheapest pool leaves it out: it is not charged (fee 0) and goes alone
    better_alone: bool = False
    #: for a member better off alone: what it would add to the pool's cost by joining (more
    #: than going alone costs it)
    joining_adds: Decimal | None = None

    @property
    def gains(self) -> bool:
        return self.saving > 0

    @property
    def extra(self) -> Decimal:
        """How much more than going alone the member pays (0 if it does not)."""
        return max(Decimal(0), -self.saving)

    @property
    def hours_recovered(self) -> Decimal:
        return Decimal(0) if self.better_alone else self.hours_alone


@dataclass(frozen=True)
class Schedule:
    service: SharedService
    period: dt.date
    #: stored (the fees in force) or a forecast from the enrolments as they stand
    stored: bool
    #: the cost of the cheapest pool, which the fees add up to (public)
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
    #: the coordinator's: the pooled cost plus what those better off alone pay going alone
    cheapest_cost: Decimal | None = None
    #: some member is charged more than going alone costs it (only a schedule stored before
    #: coopnet knew each member's way out can be so): never stable
    over_alone: bool = False

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def everyone_cost(self) -> Decimal:
        """What the pool would cost if every member joined it."""
        return self.cost_model.cost(self.count).quantize(CENT)

    @property
    def stable(self) -> bool:
        """Are the fees in the core: would no member, alone or in any group, pay less?"""
        in_core = bool(self.recommended) and self.contains.get(self.recommended) is True
        return in_core and not self.over_alone

    @property
    def pool(self) -> list[Row]:
        return [r for r in self.rows if not r.better_alone]

    @property
    def alone(self) -> list[Row]:
        return [r for r in self.rows if r.better_alone]


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


def _members(enrolments: list[Enrolment]) -> tuple[Member, ...]:
    return tuple(
        Member(e.organisation.slug, e.organisation.name, e.alone_cost, e.hours_alone)
        for e in enrolments
    )


def _rows(enrolments: list[Enrolment], result: PoolResult) -> list[Row]:
    """One row per enrolment; the solutions run over the pool's members only."""
    pooled = result.pool_ids
    shares = {
        name: dict(
            zip(
                pooled,
                _cents(result.solutions.get(name), result.pooled_cost, len(pooled)),
                strict=True,
            )
        )
        for name in SOLUTIONS
    }
    adds = result.joining_adds
    return [
        Row(
            organisation_id=e.organisation_id,
            slug=e.organisation.slug,
            name=e.organisation.name,
            fee=fee,
            alone_cost=e.alone_cost,
            hours_alone=e.hours_alone,
            saving=saving,
            solutions={name: shares[name].get(e.organisation.slug) for name in SOLUTIONS},
            better_alone=not inside,
            joining_adds=None if inside else adds,
        )
        for e, fee, saving, inside in zip(
            enrolments, result.fees, result.savings, result.in_pool, strict=True
        )
    ]


def _cheapest(pooled_cost: Decimal, rows: list[Row]) -> Decimal:
    return pooled_cost + sum((r.alone_cost for r in rows if r.better_alone), Decimal(0))


def _over_alone(rows: list[Row]) -> bool:
    return any(r.fee > r.alone_cost for r in rows if not r.better_alone)


def compute(service: SharedService, period: dt.date) -> Schedule:
    """The schedule `period` would have from the enrolments and cost model as they stand."""
    enrolments = list(enrolments_in(service, period))
    if len(enrolments) > MAX_POOL_MEMBERS:
        raise ValidationError({"organisation": TOO_MANY})
    model = cost_model(service)
    if not enrolments:
        return _empty(service, period, model)
    result = pooled(PoolProblem(model, _members(enrolments)))
    rows = _rows(enrolments, result)
    epsilon = result.least_core_epsilon
    return Schedule(
        service=service,
        period=period,
        stored=False,
        cost_model=model,
        pooled_cost=result.pooled_cost,
        recommended=result.recommended,
        core_empty=result.core_empty,
        least_core_epsilon=None if epsilon is None else to_money(epsilon),
        contains=dict(result.contains),
        rows=rows,
        members=tuple(r.name for r in rows),
        cheapest_cost=result.cheapest_cost,
        over_alone=_over_alone(rows),
    )


def _empty(service: SharedService, period: dt.date, model: Service) -> Schedule:
    """A period nobody is enrolled in."""
    nothing = Decimal("0.00")
    return Schedule(
        service=service,
        period=period,
        stored=False,
        cost_model=model,
        pooled_cost=nothing,
        recommended="",
        core_empty=False,
        least_core_epsilon=None,
        contains={},
        rows=[],
        cheapest_cost=nothing,
    )


def _stored_rows(stored: FeeSchedule, model: Service) -> list[Row]:
    fees = list(stored.fees.select_related("organisation").order_by("organisation__name"))
    size = sum(not f.better_alone for f in fees)
    adds = (model.cost(size + 1) - model.cost(size)).quantize(CENT)
    return [
        Row(
            organisation_id=f.organisation_id,
            slug=f.organisation.slug,
            name=f.organisation.name,
            fee=f.fee,
            alone_cost=f.alone_cost,
            hours_alone=f.hours_alone,
            saving=f.saving,
            solutions={name: getattr(f, name) for name in SOLUTIONS},
            better_alone=f.better_alone,
            joining_adds=adds if f.better_alone else None,
        )
        for f in fees
    ]


def from_stored(stored: FeeSchedule) -> Schedule:
    model = Service(
        stored.service.name,
        stored.fixed_cost,
        stored.per_member_cost,
        stored.unit_cost,
        stored.members_per_unit,
    )
    rows = _stored_rows(stored, model)
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
        cheapest_cost=_cheapest(stored.pooled_cost, rows),
        over_alone=_over_alone(rows),
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


def pooled_cost(service: SharedService, period: dt.date) -> Decimal:
    """The cost of `period`'s cheapest pool from the enrolments as they stand (no allocation)."""
    alone = [e.alone_cost for e in enrolments_in(service, period)]
    model = cost_model(service)
    return model.cost(len(cheapest_pool(model, alone))).quantize(CENT)


# -- joining ----------------------------------------------------------------------------------


def joining_fee(model: Service, members: int) -> Decimal:
    """The pooled cost with one more member, over the members: what each would pay if going
    alone cost every member at least what the service costs one member by itself (then every
    group's cheapest way is to pool everyone, and all pay alike). Public: it reads nobody's
    going-alone cost. Cheaper ways out make the fees follow what going alone costs each."""
    size = members + 1
    return (model.cost(size) / size).quantize(CENT)


@dataclass(frozen=True)
class Forecast:
    """What joining from a period would mean for one organisation, at a going-alone cost it
    stated (private to it and the coordinator, like its row once it joins)."""

    alone_cost: Decimal
    #: the members with it
    size: int
    fee: Decimal
    saving: Decimal
    better_alone: bool
    #: better off alone: what it would add to the pool's cost by joining
    joining_adds: Decimal | None


def joining_forecast(
    service: SharedService, period: dt.date, organisation: Organisation, alone_cost: Decimal
) -> Forecast | None:
    """Its fee, or that it is better off alone, if `organisation` joined from `period` at
    `alone_cost`; None when the service is full."""
    others = [e for e in enrolments_in(service, period) if e.organisation_id != organisation.pk]
    if len(others) >= MAX_POOL_MEMBERS:
        return None
    joiner = Member(organisation.slug, organisation.name, alone_cost, Decimal(0))
    result = pooled(PoolProblem(cost_model(service), (*_members(others), joiner)))
    inside = result.in_pool[-1]
    return Forecast(
        alone_cost=alone_cost,
        size=len(others) + 1,
        fee=result.fees[-1],
        saving=result.savings[-1],
        better_alone=not inside,
        joining_adds=None if inside else result.joining_adds,
    )
