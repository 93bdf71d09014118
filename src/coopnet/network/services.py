"""Writes for the network coordinator. Each takes the acting user, 404s anyone who is not a
coordinator (it is not theirs to see), validates everything before saving anything, and runs
in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from coopnet.common.access import User, coordinator_or_404
from coopnet.directory.models import NetworkSettings, Organisation
from coopnet.directory.services import account_for_email, invitation_send, organisation_create

BAD_COMMISSION = (
    "The commission is a share of each opportunity's value from 0 to 0.5 (50%), "
    "with at most 4 decimal places (got {value!r})."
)
BAD_EMAIL = "Enter the email address of the organisation's first admin."
MAX_COMMISSION = Decimal("0.5")
COMMISSION_STEP = Decimal("0.0001")


def _commission(value: Any) -> Decimal:
    """`value` as a commission rate from 0 to 0.5, in ten-thousandths; else ValidationError."""
    error = ValidationError({"commission": BAD_COMMISSION.format(value=str(value))})
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise error
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise error from None
    if not rate.is_finite() or not 0 <= rate <= MAX_COMMISSION:
        raise error
    if rate != rate.quantize(COMMISSION_STEP):
        raise error
    return rate.quantize(COMMISSION_STEP)


@transaction.atomic
def network_commission_set(*, actor: User, commission: Any) -> NetworkSettings:
    """Set the network's commission. Opportunities copy the commission when they are posted,
    so the new rate applies to those posted from now on, not to those already posted.

    >>> network_commission_set(actor=cora, commission="0.07")  # doctest: +SKIP
    """
    coordinator_or_404(actor)
    rate = _commission(commission)
    row = NetworkSettings.objects.select_for_update().order_by("pk").first()
    row = row or NetworkSettings(pk=1)
    row.commission = rate
    row.full_clean()
    row.save()
    return row


@dataclass(frozen=True)
class Admission:
    organisation: Organisation
    #: the organisation's first admin; without a usable password if the account is new
    admin: Any


def _validated_email(value: Any) -> str:
    email = value.strip() if isinstance(value, str) else ""
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"admin_email": BAD_EMAIL}) from None
    return email


@transaction.atomic
def organisation_admit(
    *, actor: User, name: str, slug: str, admin_email: str, site_url: str
) -> Admission:
    """Admit an organisation to the network with its first admin, who is invited by email
    (links starting with `site_url`). The coordinator does not become a member: an
    organisation's people, rates and hours are its own.

    `directory.services.member_invite` cannot be used here: it requires the inviter to be an
    admin of the organisation, which the coordinator must not be.

    >>> organisation_admit(actor=cora, name="Outlier Co-op", slug="outlier",
    ...     admin_email="alice@outlier.coop", site_url="https://net.example")  # doctest: +SKIP
    """
    coordinator_or_404(actor)
    name = name.strip() if isinstance(name, str) else ""
    slug = slug.strip() if isinstance(slug, str) else ""
    errors: dict[str, list[str]] = {}
    try:
        Organisation(name=name, slug=slug).full_clean()
    except ValidationError as error:
        errors |= error.message_dict
    try:
        email = _validated_email(admin_email)
    except ValidationError as error:
        errors |= error.message_dict
    if errors:
        raise ValidationError(errors)
    admin = account_for_email(email)
    organisation = organisation_create(name=name, slug=slug, admin=admin)
    invitation_send(inviter=actor, user=admin, organisation=organisation, site_url=site_url)
    return Admission(organisation, admin)
