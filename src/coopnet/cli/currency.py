"""The network's currency on the command line: `--currency CODE`, else the `COOPNET_CURRENCY`
setting the web app reads, else GBP; written the way `COOPNET_LANGUAGE` writes money (en-gb by
default), by Babel (`common.money`). JSON output keeps amounts as plain numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

import typer
from babel.numbers import get_currency_precision

from coopnet.common.money import (
    DEFAULT_CURRENCY,
    DEFAULT_LOCALE,
    babel_locale,
    currency_code,
    format_money,
)
from coopnet.engine.errors import BadInput

SETTING = "COOPNET_CURRENCY"
LANGUAGE_SETTING = "COOPNET_LANGUAGE"

CurrencyOption = Annotated[
    str | None,
    typer.Option(
        "--currency",
        metavar="CODE",
        help=f"The currency amounts are written in: an ISO 4217 code. \\[default: ${SETTING}, "
        f"else {DEFAULT_CURRENCY}]",
    ),
]


@dataclass(frozen=True)
class Currency:
    """Writes amounts in one currency and locale: `money(amount)`, `money.whole(amount)`."""

    code: str = DEFAULT_CURRENCY
    locale: str = DEFAULT_LOCALE

    def __call__(self, amount: Decimal | float | int) -> str:
        """`amount` to the currency's minor unit (pence for GBP, whole yen for JPY)."""
        return format_money(amount, self.code, self.locale)

    @property
    def exactly(self) -> str:
        """How "exact to the minor unit" reads: to the penny, to the cent, or exactly."""
        if self.code == "GBP":
            return "to the penny"
        return "to the cent" if get_currency_precision(self.code) == 2 else "exactly"

    def whole(self, amount: Decimal | float | int) -> str:
        """`amount` rounded to whole units."""
        return format_money(amount, self.code, self.locale, whole=True)


def network_currency(option: str | None) -> Currency:
    """The currency named by `--currency` (`option`), else by `COOPNET_CURRENCY`, else GBP.

    A code that is not ISO 4217 is bad input, named by where it came from."""
    if option is not None:
        code = _checked(option, "--currency")
    elif (setting := os.environ.get(SETTING)) is not None:
        code = _checked(setting, SETTING)
    else:
        code = DEFAULT_CURRENCY
    return Currency(code, babel_locale(os.environ.get(LANGUAGE_SETTING, "en-gb")))


def _checked(value: str, source: str) -> str:
    try:
        return currency_code(value, source)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
