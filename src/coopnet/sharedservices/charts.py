"""The two charts of a service's page, drawn as inline SVG by the templates: the cost per
member by group size (its capacity steps show as jumps), and each member's fee beside what
going alone costs it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from coopnet.common.charts import bar_length, chart_height, row_y
from coopnet.engine.money import CENT
from coopnet.engine.pooling import MAX_POOL_MEMBERS, Service
from coopnet.sharedservices.pricing import Row


@dataclass
class SizeBar:
    size: int
    per_member: Decimal
    #: a new unit (a second specialist, say) is needed at this size
    step: bool
    current: bool
    x: int = 0
    y: int = 0
    height: int = 0


@dataclass
class CostCurve:
    """Cost per member for groups of 1 to `sizes` members; the current size is marked."""

    bars: list[SizeBar]
    width: int = 680
    height: int = 240
    left: int = 56
    top: int = 24
    plot_height: int = 170
    slot: int = 0
    bar_width: int = 0
    peak: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        self.slot = (self.width - self.left - 8) // max(1, len(self.bars))
        self.bar_width = max(6, self.slot - 6)
        self.peak = max((b.per_member for b in self.bars), default=Decimal(0))
        scale = Decimal(self.plot_height) / self.peak if self.peak > 0 else Decimal(0)
        for n, bar in enumerate(self.bars):
            bar.height = max(1, round(bar.per_member * scale))
            bar.x = self.left + n * self.slot + 3
            bar.y = self.top + self.plot_height - bar.height

    @property
    def baseline(self) -> int:
        return self.top + self.plot_height


def cost_curve(model: Service, current: int) -> CostCurve:
    upto = min(MAX_POOL_MEMBERS, max(8, 3 * model.members_per_unit, current + 3))
    bars = [
        SizeBar(
            size=k,
            per_member=(model.cost(k) / k).quantize(CENT),
            step=k > 1 and model.members_per_unit > 0 and (k - 1) % model.members_per_unit == 0,
            current=k == current,
        )
        for k in range(1, upto + 1)
    ]
    return CostCurve(bars)


@dataclass
class PairBar:
    label: str
    fee: Decimal
    alone_cost: Decimal
    y: int = 0
    fee_width: int = 0
    alone_width: int = 0


@dataclass
class FeeChart:
    """For each organisation, its fee (dark) over what going alone costs it (light)."""

    bars: list[PairBar]
    width: int = 680
    label_width: int = 190
    bar_area: int = 380
    row: int = 48
    bar_height: int = 18
    height: int = field(init=False)

    def __post_init__(self) -> None:
        self.height = chart_height(len(self.bars), self.row)
        top = max((max(b.fee, b.alone_cost) for b in self.bars), default=Decimal(0))
        for n, bar in enumerate(self.bars):
            bar.y = row_y(n, self.row)
            bar.fee_width = bar_length(bar.fee, top, self.bar_area)
            bar.alone_width = bar_length(bar.alone_cost, top, self.bar_area)


def fee_chart(rows: list[Row]) -> FeeChart | None:
    """The pool's members only: one better off alone is not charged, and goes alone."""
    bars = [PairBar(r.name, r.fee, r.alone_cost) for r in rows if not r.better_alone]
    return FeeChart(bars) if bars else None
