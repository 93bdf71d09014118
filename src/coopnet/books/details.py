"""Writes of the details invoices and transfers carry: the network's (its legal name, address,
VAT number and rate, the account payouts leave from), set by the coordinator; and each
organisation's bank account, set by its admins. IBANs and BICs are checked (checksum, country
format, bank code) with schwifty before anything is saved."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from coopnet.books.models import BankAccount, BooksSettings
from coopnet.books.services import books_settings, coordinator_only
from coopnet.common.access import User
from coopnet.common.amounts import parse_text
from coopnet.directory.selectors import is_admin, organisation_for_member

BAD_IBAN = "Not a valid IBAN ({reason}): {value!r}."
BAD_BIC = "Not a valid BIC ({reason}): {value!r}."
BAD_RATE = "A VAT rate from 0 to 1 (0.2 is 20%), in ten-thousandths at most (got {value!r})."
NOT_ORG_ADMIN = "Only an admin of the organisation can change its bank details."


def clean_iban(errors: dict[str, str], field: str, value: Any, required: bool = True) -> str:
    """`value` as an IBAN in its compact form, or "" with the error under `field`."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and not required:
        return ""
    try:
        return IBAN(text).compact
    except SchwiftyException as error:
        errors[field] = BAD_IBAN.format(reason=str(error).rstrip("."), value=value)
        return ""


def clean_bic(errors: dict[str, str], field: str, value: Any) -> str:
    """`value` as a BIC (optional: "" when blank), or "" with the error under `field`."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return ""
    try:
        return str(BIC(text))
    except SchwiftyException as error:
        errors[field] = BAD_BIC.format(reason=str(error).rstrip("."), value=value)
        return ""


@transaction.atomic
def bank_account_set(
    *, actor: User, organisation_slug: str, holder: Any, iban: Any, bic: Any = ""
) -> BankAccount:
    """Where the organisation is paid: its admins set it; members and outsiders may not."""
    organisation = organisation_for_member(actor, organisation_slug)  # 404 for outsiders
    if not is_admin(actor, organisation):
        raise PermissionDenied(NOT_ORG_ADMIN)
    errors: dict[str, str] = {}
    fields = {
        "holder": parse_text(errors, "holder", holder, 70, required=True),
        "iban": clean_iban(errors, "iban", iban),
        "bic": clean_bic(errors, "bic", bic),
    }
    if errors:
        raise ValidationError(errors)
    account, _ = BankAccount.objects.update_or_create(organisation=organisation, defaults=fields)
    return account


def _rate(errors: dict[str, str], value: Any) -> Decimal:
    try:
        rate = Decimal(str(value).strip()) if not isinstance(value, bool | float) else None
    except InvalidOperation:
        rate = None
    if (
        rate is None
        or not rate.is_finite()
        or not 0 <= rate <= 1
        or rate != rate.quantize(Decimal("0.0001"))
    ):
        errors["vat_rate"] = BAD_RATE.format(value=value)
        return Decimal(0)
    return rate


@transaction.atomic
def books_settings_set(*, actor: User, **changes: Any) -> BooksSettings:
    """The coordinator sets the network's invoicing details: any of `vat_rate`, `legal_name`,
    `address`, `vat_number`, `iban`, `bic`. A new VAT rate applies to invoices issued from now."""
    coordinator_only(actor)
    found = books_settings()
    errors: dict[str, str] = {}
    cleaners: dict[str, Callable[[Any], Any]] = {
        "vat_rate": lambda v: _rate(errors, v),
        "legal_name": lambda v: parse_text(errors, "legal_name", v, 200, required=False),
        "address": lambda v: parse_text(errors, "address", v, 1000, required=False),
        "vat_number": lambda v: parse_text(errors, "vat_number", v, 40, required=False),
        "iban": lambda v: clean_iban(errors, "iban", v, required=False),
        "bic": lambda v: clean_bic(errors, "bic", v),
    }
    for name, value in changes.items():
        if name not in cleaners:
            errors[name] = f"Unknown setting {name!r}."
            continue
        setattr(found, name, cleaners[name](value))
    if errors:
        raise ValidationError(errors)
    found.save()
    return found
