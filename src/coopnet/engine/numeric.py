"""Floats and decimals as the engine hands them out: never a negative zero.

Solvers and subtractions produce -0.0 (and `Decimal` quantizing produces `Decimal('-0.00')`),
which prints as "-0.0" or "-0.00" although the amount is nothing. Every engine output passes
through `unsigned_zero` (floats and arrays) or `unsigned_zero_decimal` on its way out.

>>> unsigned_zero(-0.0), unsigned_zero(-1.5)
(0.0, -1.5)
>>> unsigned_zero_decimal(Decimal("-0.00"))
Decimal('0.00')
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar, cast, overload

import numpy as np
from numpy.typing import NDArray

Array = TypeVar("Array", bound=NDArray[np.floating])


@overload
def unsigned_zero(value: float) -> float: ...
@overload
def unsigned_zero(value: Array) -> Array: ...
def unsigned_zero(value: float | Array) -> float | Array:
    """`value` with every -0.0 turned into 0.0 (adding +0.0 does exactly that in IEEE 754)."""
    if isinstance(value, np.ndarray):
        return cast(Array, value + 0.0)
    return float(value) + 0.0


def unsigned_zero_decimal(value: Decimal) -> Decimal:
    """`value` with a negative zero (Decimal('-0.00')) made positive; the exponent is kept."""
    return value.copy_abs() if value.is_zero() else value
