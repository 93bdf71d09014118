"""`{% load money %}`: `{{ amount|money }}` in the network's currency ("£1,234.50"),
`{{ amount|money:"whole" }}` to whole units ("£1,235"), `{{ rate|per_hour }}` ("£87.51/h"),
`{{ hours|hours }}` with their unit ("46.25 h", "75 h"), `{% currency_symbol %}` ("£")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from django import template

from coopnet.common.money import currency_symbol as symbol
from coopnet.common.money import network_currency, network_locale, network_money

register = template.Library()


@register.filter
def money(amount: Any, precision: str = "") -> str:
    """Empty for None or anything that is not a number (as Django's number filters do)."""
    if amount is None or amount == "":
        return ""
    try:
        Decimal(str(amount))
    except InvalidOperation:
        return ""
    return network_money(amount, whole=precision == "whole")


@register.filter
def per_hour(rate: Any) -> str:
    """A rate an hour in the network's currency: "£87.51/h"; empty as `money` is."""
    shown = money(rate)
    return f"{shown}/h" if shown else ""


@register.filter
def hours(value: Any) -> str:
    """Hours with their unit, in the network's locale, to the hundredth and no trailing
    zeros ("46.25 h", "75 h", "1,200 h", a no-break space before the unit); empty for None or
    anything that is not a number.

    >>> hours(Decimal("75.00")), hours(Decimal("2.50")), hours("1200.5"), hours(None)
    ('75\xa0h', '2.5\xa0h', '1,200.5\xa0h', '')
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return ""
    shown = format_decimal(amount, format="#,##0.##", locale=network_locale())
    return f"{shown}\N{NO-BREAK SPACE}h"


@register.simple_tag
def currency_symbol() -> str:
    return symbol(network_currency(), network_locale())
