"""`{% load money %}`: `{{ amount|money }}` in the network's currency ("£1,234.50"),
`{{ amount|money:"whole" }}` to whole units ("£1,235"), `{% currency_symbol %}` ("£")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

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


@register.simple_tag
def currency_symbol() -> str:
    return symbol(network_currency(), network_locale())
