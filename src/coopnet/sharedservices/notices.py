"""What the shared services tell people (`notifications.notify`): each member's admins hear of
their own fee for next month whenever it is set or changes (a member joins or leaves, the cost
model changes). A fee is public on the service's page; no other figure is told."""

from __future__ import annotations

from decimal import Decimal

from coopnet.common.money import network_money
from coopnet.notifications import models as kinds
from coopnet.notifications.services import admins_of, notify
from coopnet.sharedservices.models import FeeSchedule

FEE_TEXT = "{service}: your organisation's fee for {month} is {fee}."


def fees_set(schedule: FeeSchedule, before: dict[int, Decimal]) -> None:
    """Tell each member charged a fee in `schedule` that differs from `before` (organisation
    id -> its fee in the schedule it replaced) its new fee."""
    service, month = schedule.service, schedule.period.strftime("%B %Y")
    for fee in schedule.fees.filter(fee__gt=0).order_by("organisation_id"):
        if before.get(fee.organisation_id) == fee.fee:
            continue
        notify(
            recipients=admins_of([fee.organisation_id]),
            kind=kinds.SERVICE_FEE,
            text=FEE_TEXT.format(service=service.name, month=month, fee=network_money(fee.fee)),
            link=f"/services/{service.slug}/",
        )
