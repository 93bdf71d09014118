"""The geometry the pages' inline SVG charts share (their templates draw them): horizontal bars,
one to a row, scaled so that the largest value fills the bar area.

>>> bar_length(Decimal("50"), Decimal("200"), 400), bar_length(0, 200, 400), bar_length(1, 0, 400)
(100, 0, 0)
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

#: amounts of money, or counts and hours: one kind per chart
Amount = TypeVar("Amount", Decimal, float)

#: the space above the first row and below the last
MARGIN = 4


def row_y(n: int, row: int) -> int:
    """Where the bar of row `n` (from 0) starts, from the chart's top."""
    return MARGIN + n * row


def chart_height(rows: int, row: int) -> int:
    return row * rows + 2 * MARGIN


def bar_length(value: Amount, top: Amount, area: int, *, least: int = 1) -> int:
    """How long the bar of `value` is when `top` fills `area`: at least `least` for any value
    above nothing, so that it shows; nothing when there is nothing to scale by."""
    if top <= 0 or value <= 0:
        return 0
    return max(least, round(value * area / top))
