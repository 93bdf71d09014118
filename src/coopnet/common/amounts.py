"""Parsing what people type (amounts of money and hours, short texts) from forms and JSON, the
same way in every app."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypedDict

from django.core.exceptions import ValidationError
from pydantic import BeforeValidator

from coopnet.common.text import text_problem
from coopnet.engine.money import CENT, plain_number


class Digits(TypedDict):
    max_digits: int
    decimal_places: int


#: the database's money and hours columns (`models.DecimalField(**MONEY)`)
MONEY: Digits = {"max_digits": 12, "decimal_places": 2}
HOURS: Digits = {"max_digits": 8, "decimal_places": 2}


def _largest(digits: Digits) -> Decimal:
    whole = digits["max_digits"] - digits["decimal_places"]
    return Decimal(10) ** whole - Decimal(10) ** -digits["decimal_places"]


#: the largest amounts those columns hold
MAX_MONEY = _largest(MONEY)
MAX_HOURS = _largest(HOURS)


NOT_PLAIN = "A number written with the digits 0-9 and at most one point, such as 1250.50."


def _plain_or_refused(value: Any) -> Any:
    if isinstance(value, str) and not plain_number(value):
        raise ValueError(NOT_PLAIN)
    return value


#: a decimal the API takes (money, hours, rates): a JSON number or a plain decimal string
Number = Annotated[Decimal, BeforeValidator(_plain_or_refused)]


def parse_amount(value: Any, high: Decimal, *, zero: bool = True) -> Decimal | None:
    """`value` (a number or a plain numeric string, `plain_number`) as a Decimal in
    hundredths, from 0 (or more than 0 when `zero` is false) to `high`; None for anything else:
    text, NaN, infinity, booleans, negatives, more than two decimal places, digits other than
    ASCII's, exponents, underscores."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    if isinstance(value, str) and not plain_number(value):
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
    """`value` stripped; an error under `field` in `errors` if it is required and blank, longer
    than `limit` characters, or holds a character no column can store (`text.text_problem`)."""
    text = value.strip() if isinstance(value, str) else ""
    problem = text_problem(text)
    if problem:
        errors[field] = problem
    elif required and not text:
        errors[field] = REQUIRED
    elif len(text) > limit:
        errors[field] = TOO_LONG.format(limit=limit)
    return text


def check_text(field: str, value: Any, limit: int, *, required: bool = True) -> str:
    """`parse_text` for one field: the text stripped, or a ValidationError naming `field`.
    Names are required: blank (or only spaces) is no name."""
    errors: dict[str, str] = {}
    text = parse_text(errors, field, value, limit, required)
    if errors:
        raise ValidationError(errors)
    return text
