"""Exact money: `Decimal` amounts and allocations that add up to the cent.

Solvers work in floats; money never does. An allocation takes an exact total and any weights
(floats from a Shapley computation, say), computes each exact share as a fraction, and rounds
with the largest-remainder method so the parts sum to the total exactly. Ties go to the earlier
part, so the result is deterministic.

>>> allocate(Decimal("100.00"), [1, 1, 1])
[Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from coopnet.engine.errors import BadInput
from coopnet.engine.numeric import unsigned_zero_decimal

CENT = Decimal("0.01")
Number = Decimal | int | float | str | Fraction

#: a number as people write one: ASCII digits, one point, a sign; Python's Decimal also reads
#: "١٢٣", "１２３", "1e3", "1_000", "Infinity", which no one means as an amount
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def plain_number(text: str) -> bool:
    """Whether `text` (spaces around it aside) is a plain decimal number.

    >>> [plain_number(t) for t in ("12.50", " 7 ", "1e3", "1_000", "١٢٣", "NaN", "")]
    [True, True, False, False, False, False, False]
    """
    return _PLAIN.fullmatch(text.strip()) is not None


def to_money(value: Number, field: str = "amount", quantum: Decimal = CENT) -> Decimal:
    """The one way an amount becomes money: a Decimal rounded to the quantum (half-even).

    A float (a solver's answer) counts as the decimal it prints as, so 2.675 is 2.675 and not
    the binary 2.67499999...; a Fraction is rounded exactly. Never a negative zero. Bad values
    (not a number, not finite, too large for the quantum) raise BadInput naming `field`.

    >>> to_money(2.675), to_money(Fraction(1, 3)), to_money(-0.001)
    (Decimal('2.68'), Decimal('0.33'), Decimal('0.00'))
    """
    try:
        if isinstance(value, Fraction):
            money = (Decimal(round(value / Fraction(quantum))) * quantum).quantize(quantum)
        else:
            money = to_decimal(value, field).quantize(quantum)
    except InvalidOperation:
        raise BadInput(f"{field}: {value!r} is too large") from None
    return unsigned_zero_decimal(money)


def to_decimal(value: Number, field: str = "amount") -> Decimal:
    """A finite Decimal from an int, float, Decimal, Fraction or decimal string."""
    if isinstance(value, bool):
        raise BadInput(f"{field}: {value!r} is not a number")
    try:
        if isinstance(value, Fraction):
            result = Decimal(value.numerator) / Decimal(value.denominator)
        elif isinstance(value, float):
            result = Decimal(repr(float(value)))  # float(): numpy's floats repr as np.float64(...)
        else:
            result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise BadInput(f"{field}: {value!r} is not a number") from None
    if not result.is_finite():
        raise BadInput(f"{field}: {value!r} is not a finite number")
    if isinstance(value, str) and not plain_number(value):
        raise BadInput(f"{field}: {value!r} is not written plainly (digits 0-9, at most one point)")
    return result


def _exact(value: Number) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadInput(f"weight: {value!r} is not a finite number")
        return Fraction(value)
    return Fraction(to_decimal(value, "weight"))


def allocate(total: Number, weights: Sequence[Number], quantum: Decimal = CENT) -> list[Decimal]:
    """Split `total` in proportion to `weights`, to the quantum, summing to `total` exactly.

    Weights may be negative (a part may owe), but must not sum to zero.
    """
    if not weights:
        raise BadInput("allocate: no parts to allocate to")
    exact = [_exact(w) for w in weights]
    if sum(exact) == 0:
        raise BadInput("allocate: the weights sum to zero")
    total_exact = _exact(to_money(total, "total", quantum))
    return _largest_remainder(total_exact, [total_exact * w / sum(exact) for w in exact], quantum)


#: remainders (in quanta) equal to this many decimal places count as a tie
TIE_DIGITS = 9


def round_to_total(
    amounts: Sequence[Number], total: Number, quantum: Decimal = CENT
) -> list[Decimal]:
    """Round amounts that should sum to `total` (up to float error) so they do, exactly.

    The discrepancy between the amounts' sum and the total is spread equally first, then
    each part is rounded by largest remainder.
    """
    if not amounts:
        raise BadInput("round_to_total: no amounts")
    exact = [_exact(a) for a in amounts]
    total_exact = _exact(to_money(total, "total", quantum))
    spread = (total_exact - sum(exact)) / len(exact)
    return _largest_remainder(total_exact, [a + spread for a in exact], quantum)


def _largest_remainder(total: Fraction, shares: list[Fraction], quantum: Decimal) -> list[Decimal]:
    unit = Fraction(quantum)
    floors = [math.floor(s / unit) for s in shares]
    leftover = int(total / unit) - sum(floors)
    remainders = [s / unit - f for s, f in zip(shares, floors, strict=True)]
    # Remainders within float noise of each other tie (to the earlier part), so that amounts
    # a solver returns as "equal" up to 1e-12 are rounded alike.
    by_remainder = sorted(range(len(shares)), key=lambda i: (-round(remainders[i], TIE_DIGITS), i))
    for i in by_remainder[:leftover]:
        floors[i] += 1
    return [(Decimal(f) * quantum).quantize(quantum) for f in floors]
