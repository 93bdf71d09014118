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
from django.http import Http404

from coopnet.common import audit
from coopnet.common.access import ADMIN, User, coordinator_or_404
from coopnet.common.amounts import MAX_MONEY, parse_amount
from coopnet.directory.models import COMMISSION_TERMS, NetworkSettings, Organisation
from coopnet.directory.services import invitation_make, organisation_create
from coopnet.engine.money import plain_number
from coopnet.opportunities.models import Opportunity, Proposal

BAD_COMMISSION = (
    "The commission is a share of each opportunity's value from 0 to 0.5 (50%), "
    "with at most 4 decimal places (got {value!r})."
)
BAD_FINDER_RATE = (
    "The finder's fee is a share of each opportunity's value from 0 to 0.5 (50%), "
    "with at most 4 decimal places (got {value!r})."
)
BAD_AMOUNT = "An amount of money from 0, to the cent at most (got {value!r})."
MIN_ABOVE_MAX = "The minimum commission cannot be more than the maximum."
RATE_AND_FLAT = "The finder's fee is a share of the value or a flat amount, not both."
BAD_FREE_CONTRACTS = "A whole number of contracts from 0 to 1000 (got {value!r})."
UNKNOWN_ORGANISATION = "There is no organisation {slug!r} in the network."
OVERRIDE_CLOSED = (
    "The commission can be changed only before a consortium is proposed or formed "
    "(the opportunity is {status})."
)
MAX_FREE_CONTRACTS = 1000
BAD_EMAIL = "Enter the email address of the organisation's first admin."
MAX_COMMISSION = Decimal("0.5")
COMMISSION_STEP = Decimal("0.0001")


def _commission(value: Any, field: str = "commission", message: str = BAD_COMMISSION) -> Decimal:
    """`value` as a rate from 0 to 0.5, in ten-thousandths; else ValidationError on `field`."""
    error = ValidationError({field: message.format(value=str(value))})
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise error
    if isinstance(value, str) and not plain_number(value):
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


def _checked(errors: dict[str, str], field: str, check: Any, *args: Any) -> Any:
    """`check(*args)`, or None with its message under `field` in `errors`."""
    try:
        return check(*args)
    except ValidationError as error:
        errors[field] = error.message_dict[field][0]
        return None


def _money(field: str, value: Any) -> Decimal:
    amount = parse_amount(value, MAX_MONEY)
    if amount is None:
        raise ValidationError({field: BAD_AMOUNT.format(value=value)})
    return amount


def _free_contracts(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_FREE_CONTRACTS
    ):
        field = "commission_free_contracts"
        raise ValidationError({field: BAD_FREE_CONTRACTS.format(value=value)})
    return value


def _policy(
    errors: dict[str, str], rate: Any, flat: Any, minimum: Any, maximum: Any
) -> dict[str, Any]:
    """The commission policy's fields, checked (min <= max); each bad one named in `errors`."""
    terms = {
        "commission": _checked(errors, "commission", _commission, rate),
        "commission_flat": _checked(errors, "commission_flat", _money, "commission_flat", flat),
        "commission_min": _checked(errors, "commission_min", _money, "commission_min", minimum),
        "commission_max": None
        if maximum is None
        else _checked(errors, "commission_max", _money, "commission_max", maximum),
    }
    low, high = terms["commission_min"], terms["commission_max"]
    if low is not None and high is not None and low > high:
        errors["commission_min"] = MIN_ABOVE_MAX
    return terms


def _finder(errors: dict[str, str], rate: Any, flat: Any) -> dict[str, Any]:
    terms = {
        "finder_rate": _checked(
            errors, "finder_rate", _commission, rate, "finder_rate", BAD_FINDER_RATE
        ),
        "finder_flat": _checked(errors, "finder_flat", _money, "finder_flat", flat),
    }
    if terms["finder_rate"] and terms["finder_flat"]:
        errors["finder_flat"] = RATE_AND_FLAT
    return terms


def _organisations(errors: dict[str, str], slugs: Any) -> list[Organisation]:
    """The organisations named by `slugs` (a list of short names); each unknown one an error."""
    names = list(slugs) if isinstance(slugs, list | tuple) else [slugs]
    found = Organisation.objects.in_bulk(
        [s for s in names if isinstance(s, str)], field_name="slug"
    )
    for slug in names:
        if slug not in found:
            errors["commission_exempt"] = UNKNOWN_ORGANISATION.format(slug=slug)
    return list(found.values())


@transaction.atomic
def network_commission_policy_set(
    *,
    actor: User,
    commission: Any,
    commission_flat: Any = 0,
    commission_min: Any = 0,
    commission_max: Any = None,
    finder_rate: Any = 0,
    finder_flat: Any = 0,
    commission_free_contracts: Any = 0,
    commission_exempt: Any = (),
) -> NetworkSettings:
    """Set the network's commission policy (spec §4: rate x value + flat, within min and max),
    the finder's fee paid to the organisation that brought the client (a rate or a flat
    amount), and the exemptions: organisations that pay no commission (by slug) and the
    number of each organisation's first formed consortia that carry none. Like the rate, they
    apply to opportunities posted from now on.

    >>> network_commission_policy_set(actor=cora, commission="0.05", commission_flat="250",
    ...     commission_min="500", commission_max="5000", finder_rate="0.02")  # doctest: +SKIP
    """
    coordinator_or_404(actor)
    errors: dict[str, str] = {}
    terms = _policy(errors, commission, commission_flat, commission_min, commission_max)
    terms |= _finder(errors, finder_rate, finder_flat)
    free = _checked(errors, "commission_free_contracts", _free_contracts, commission_free_contracts)
    exempt = _organisations(errors, commission_exempt)
    if errors:
        raise ValidationError(errors)
    row = NetworkSettings.objects.select_for_update().order_by("pk").first()
    row = row or NetworkSettings(pk=1)
    for name, value in terms.items():
        setattr(row, name, value)
    row.commission_free_contracts = free
    row.full_clean()
    row.save()
    row.commission_exempt.set(exempt)
    return row


def _open_to_override(opportunity: Opportunity) -> bool:
    """Before a consortium is formed, and while no search or proposal stands (their payouts
    were computed with the commission the opportunity had); its poster searches again after."""
    if opportunity.status == Opportunity.PROPOSED:
        return not opportunity.proposals.exclude(status=Proposal.DECLINED).exists()
    return opportunity.status not in (Opportunity.FORMED, Opportunity.FORMING)


@transaction.atomic
def opportunity_commission_override(
    *,
    actor: User,
    opportunity_id: int,
    rate: Any,
    flat: Any = 0,
    minimum: Any = 0,
    maximum: Any = None,
) -> Opportunity:
    """Override one opportunity's commission policy (the coordinator's call: a waiver, a
    discount, a minimum), until a consortium is proposed or formed. The finder's fee stays.

    >>> opportunity_commission_override(actor=cora, opportunity_id=7, rate="0.02")  # doctest: +SKIP
    """
    coordinator_or_404(actor)
    opportunity = Opportunity.objects.select_for_update().filter(pk=opportunity_id).first()
    if opportunity is None:
        raise Http404("no such opportunity")
    errors: dict[str, str] = {}
    terms = _policy(errors, rate, flat, minimum, maximum)
    if errors:
        raise ValidationError(errors)
    if not _open_to_override(opportunity):
        status = opportunity.get_status_display().lower()
        raise ValidationError(OVERRIDE_CLOSED.format(status=status))
    for name in COMMISSION_TERMS:
        setattr(opportunity, name, terms[name])
    opportunity.full_clean()
    opportunity.save(update_fields=list(COMMISSION_TERMS))
    return opportunity


@dataclass(frozen=True)
class Admission:
    organisation: Organisation
    #: the organisation's first admin (invited, until it accepts, if the account existed)
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
    (links starting with `site_url`): a new account is its admin at once and chooses a
    password; an existing account is asked, and is its admin once it accepts. The coordinator
    does not become a member: an organisation's people, rates and hours are its own.

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
    organisation = organisation_create(name=name, slug=slug, admin=None)
    summary = f"Admitted {organisation.name} to the network"
    audit.record(
        actor=actor,
        action="organisation.admitted",
        obj=organisation,
        organisation=organisation,
        summary=summary,
    )
    admin = invitation_make(
        inviter=actor, organisation=organisation, email=email, role=ADMIN, site_url=site_url
    )
    return Admission(organisation, admin)


BAD_PARTNER_VIEW = "Choose what partners see of each other's money: {choices} (got {value!r})."


@transaction.atomic
def network_partner_view_set(*, actor: User, partner_view: Any) -> NetworkSettings:
    """Set what each partner of a proposal or contract reads of the other partners' money
    (`NetworkSettings.PARTNER_VIEWS`): their own only (the default), or also the others'
    payouts and the value, or also their added values and why; the last two can give a
    partner's cost away (see `opportunities.payouts`). The coordinator only (404)."""
    coordinator_or_404(actor)
    choices = [value for value, _ in NetworkSettings.PARTNER_VIEWS]
    if partner_view not in choices:
        message = BAD_PARTNER_VIEW.format(choices=", ".join(choices), value=partner_view)
        raise ValidationError({"partner_view": message})
    row = NetworkSettings.objects.select_for_update().order_by("pk").first()
    row = row or NetworkSettings(pk=1)
    row.partner_view = partner_view
    row.save()
    return row
