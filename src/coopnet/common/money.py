"""Money as people read it: in the network's currency (an ISO 4217 code, the setting
`COOPNET_CURRENCY`, GBP by default), written the way the network's locale writes it (Babel's
CLDR data: "£1,234.50" in en_GB, "1 234,50 €" in fr_FR). No currency sign is written anywhere
else: templates use the `money` filter, Python calls `format_money`.

It imports no Django at module level, so that the command line can use it too.

>>> format_money(Decimal("-37.5"), "GBP", "en_GB")
'-£37.50'
>>> format_money(Decimal("1234.5"), "EUR", "fr_FR", whole=True)
'1\u202f235\xa0€'
>>> format_money(Decimal("1234.5"), "GBP", "en_GB", whole=True)
'£1,235'
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency, get_currency_symbol, list_currencies

from coopnet.engine.numeric import unsigned_zero_decimal

DEFAULT_CURRENCY = "GBP"
DEFAULT_LOCALE = "en_GB"
NOT_A_CURRENCY = "{setting}: {value!r} is not an ISO 4217 currency code (e.g. GBP, EUR, USD)"


def currency_code(value: str, setting: str = "COOPNET_CURRENCY") -> str:
    """`value` as an ISO 4217 code (upper case); ValueError naming `setting` otherwise."""
    code = value.strip().upper()
    if code not in list_currencies():
        raise ValueError(NOT_A_CURRENCY.format(setting=setting, value=value))
    return code


def babel_locale(language_code: str) -> str:
    """Django's language code ("en-gb") as a Babel locale ("en_GB"); en_GB if unknown."""
    try:
        return str(Locale.parse(language_code.replace("-", "_")))
    except (ValueError, TypeError):
        return DEFAULT_LOCALE


def format_money(
    amount: Decimal | int | float | str,
    currency: str = DEFAULT_CURRENCY,
    locale: str = DEFAULT_LOCALE,
    *,
    whole: bool = False,
) -> str:
    """`amount` in `currency`, to the currency's minor unit (or to whole units, half up, as
    the locale writes a sum of money without its minor unit)."""
    value = unsigned_zero_decimal(Decimal(str(amount)))
    if whole:
        units = unsigned_zero_decimal(value.quantize(Decimal(1), ROUND_HALF_UP))
        pattern = _WITHOUT_MINOR_UNIT.sub("", _standard_pattern(locale))
        return format_currency(
            units, currency, locale=locale, format=pattern, currency_digits=False
        )
    return format_currency(value, currency, locale=locale)


#: the fraction digits of a number pattern ("#,##0.00 ¤" -> "#,##0 ¤")
_WITHOUT_MINOR_UNIT = re.compile(r"\.[0#]+")


def _standard_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return str(pattern)


def currency_symbol(currency: str = DEFAULT_CURRENCY, locale: str = DEFAULT_LOCALE) -> str:
    return get_currency_symbol(currency, locale=locale)


def network_currency() -> str:
    """The deployment's currency (Django settings)."""
    from django.conf import settings

    return str(getattr(settings, "COOPNET_CURRENCY", DEFAULT_CURRENCY))


def network_locale() -> str:
    from django.conf import settings

    return babel_locale(str(getattr(settings, "LANGUAGE_CODE", "en-gb")))


def network_money(amount: Decimal | int | float | str, *, whole: bool = False) -> str:
    """`amount` in the network's currency and locale."""
    return format_money(amount, network_currency(), network_locale(), whole=whole)
