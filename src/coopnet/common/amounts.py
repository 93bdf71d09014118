"""Parsing what people type (amounts of money and hours, short texts) from forms and JSON, the
same way in every app."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from coopnet.engine.money import CENT

#: the largest amounts the database's money and hours columns hold (12 and 8 digits, 2 places)
MAX_MONEY = Decimal("9999999999.99")
MAX_HOURS = Decimal("999999.99")


def parse_amount(value: Any, high: Decimal, *, zero: bool = True) -> Decimal | None:
    """`value` (a number or a numeric string) as a Decimal in hundredths, from 0 (or more than
    0 when `zero` is false) to `high`; None for anything else: text, NaN, infinity, booleans,
    negatives, more than two decimal places."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount > high or (amount == 0 and not zero):
        return None
    if amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


REQUIRED = "This field is required."
TOO_LONG = "At most {limit} characters."


def parse_text(errors: dict[str, str], field: str, value: Any, limit: int, required: bool) -> str:
    """`value` stripped; an error under `field` in `errors` if it is required and empty, or
    longer than `limit` characters."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors[field] = REQUIRED
    elif len(text) > limit:
        errors[field] = TOO_LONG.format(limit=limit)
    return text
