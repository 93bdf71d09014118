"""Demo shared services: IT support and accounts, shared by the demo organisations since
earlier months, with this month's fees stored and one organisation joining each next month, so
that the pages show a stored month, a forecast and a change between them. Deterministic.

IT support: seven members, one specialist for four, so the core is empty (any four pool for
less than four sevenths of the cost) and the fees are the nucleolus; an eighth joins next month
and the fees become stable and lower for everyone. Accounts: four members whose fees follow
what going alone costs each (the Shapley shares, in the core: 380.00, 460.00, 263.33, 426.67);
a one-person business asks to join next month, whose books cost it less alone (95.00) than the
120.00 it would add to the pool, so coopnet tells it that it is better off alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from coopnet.directory.models import Membership, Organisation
from coopnet.sharedservices import pricing, services
from coopnet.sharedservices.models import Enrolment, SharedService

#: (going alone a month, billable hours a month), in the organisations' name order
IT_COSTS = [
    ("1180.00", "14"),
    ("1460.00", "18"),
    ("960.00", "11"),
    ("1325.00", "16"),
    ("1090.00", "12.5"),
    ("1610.00", "20"),
    ("880.00", "9"),
]
IT_JOINER = ("1240.00", "15")
ACCOUNTS_COSTS = [("520.00", "7"), ("640.00", "9"), ("345.00", "4"), ("590.00", "8")]
ACCOUNTS_JOINER = ("95.00", "1.5")


def _months_before(period: dt.date, months: int) -> dt.date:
    for _ in range(months):
        period = (period - dt.timedelta(days=1)).replace(day=1)
    return period


def _enrol(
    service: SharedService, organisations: list[Organisation], costs: list[tuple[str, str]]
) -> None:
    now = pricing.current_period()
    for k, (organisation, (cost, hours)) in enumerate(zip(organisations, costs, strict=False)):
        Enrolment.objects.create(
            service=service,
            organisation=organisation,
            alone_cost=Decimal(cost),
            hours_alone=Decimal(hours),
            # the first members since four months ago, the last since last month
            joins=_months_before(now, max(1, 4 - k // 2)),
        )
    services.period_freeze(service, today=_months_before(now, 1))
    services.period_freeze(service)


@transaction.atomic
def seed_demo() -> None:
    """Add the demo services to the seeded demo network."""
    organisations = list(Organisation.objects.order_by("name"))
    if not organisations:
        return
    it = SharedService.objects.create(
        name="IT support",
        slug="it-support",
        kind=SharedService.IT_SUPPORT,
        description="A shared IT specialist for laptops, accounts, backups and the office "
        "network; one specialist looks after up to four organisations.",
        fixed_cost=Decimal("400.00"),
        per_member_cost=Decimal("50.00"),
        unit_cost=Decimal("2400.00"),
        members_per_unit=4,
    )
    accounts = SharedService.objects.create(
        name="Accounts",
        slug="accounts",
        kind=SharedService.ACCOUNTS,
        description="A shared bookkeeper for month-end accounts, VAT returns and payroll.",
        fixed_cost=Decimal("150.00"),
        per_member_cost=Decimal("120.00"),
        unit_cost=Decimal("900.00"),
        members_per_unit=6,
    )
    _enrol(it, organisations[: len(IT_COSTS)], IT_COSTS)
    _enrol(accounts, organisations[::2][: len(ACCOUNTS_COSTS)], ACCOUNTS_COSTS)
    if len(organisations) > len(IT_COSTS):
        _join(it, organisations[len(IT_COSTS)], IT_JOINER)
    if len(organisations) > 5:  # the third of those not in Accounts
        _join(accounts, organisations[1::2][2], ACCOUNTS_JOINER)


def _join(service: SharedService, joiner: Organisation, cost: tuple[str, str]) -> None:
    """`joiner`'s admin joins `service` from next month."""
    admin = joiner.memberships.filter(role=Membership.ADMIN).order_by("pk").first()
    if admin is not None:
        services.enrolment_set(
            actor=admin.user,
            service_slug=service.slug,
            organisation_slug=joiner.slug,
            alone_cost=cost[0],
            hours_alone=cost[1],
        )
