"""Parsing amounts of money and hours from forms and JSON, the same way in every app."""

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
