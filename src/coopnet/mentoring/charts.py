"""The charts of the skills pages, as numbers for inline SVG templates: no scripts, nothing
loaded from elsewhere. A chart is a dataclass laid out in Python; the template only draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from coopnet.common.charts import bar_length, chart_height, row_y
from coopnet.mentoring.models import ScoreSnapshot
from coopnet.mentoring.selectors import OrganisationScore, ScorePoint, SkillRow


@dataclass
class Bar:
    label: str
    value: float
    note: str
    highlight: bool = False
    y: int = 0
    width: int = 0


@dataclass
class BarChart:
    """Horizontal bars scaled to the largest value (or to `top` when given)."""

    title: str
    bars: list[Bar]
    top: float | None = None
    width: int = 680
    label_width: int = 200
    bar_area: int = 330
    row: int = 26
    bar_height: int = 18
    height: int = field(init=False)

    def __post_init__(self) -> None:
        self.height = chart_height(len(self.bars), self.row)
        top = self.top or max((bar.value for bar in self.bars), default=0)
        for n, bar in enumerate(self.bars):
            bar.width = bar_length(bar.value, top, self.bar_area)
            bar.y = row_y(n, self.row)


def percent(score: float) -> str:
    return f"{score * 100:.0f}%"


def demand_chart(skills: Sequence[SkillRow], count: int = 12) -> BarChart:
    """The most demanded skills, those resting on one person or none highlighted; skills whose
    demand does not count (`selectors.demand`) have none and are left out."""
    demanded = islice((s for s in skills if s.demand is not None and s.demand > 0), count)
    bars = [
        Bar(
            s.name,
            float(s.demand),
            f"{s.demand:.0f} h · bus factor {s.bus_factor}",
            highlight=s.bus_factor <= 1,
        )
        for s in demanded
        if s.demand is not None
    ]
    return BarChart("The most demanded skills and their bus factor", bars)


#: an organisation's score from which its bar is red
EXPOSED = 0.5


def organisation_chart(
    scores: Sequence[OrganisationScore], mine: Collection[str] = (), count: int = 20
) -> BarChart:
    """Each organisation's score when there are at most `count`; else the most exposed ones
    and the viewer's own (slugs `mine`), `count` bars in all, best first as the whole."""
    chosen = list(scores)
    if len(chosen) > count:
        own = [o for o in chosen if o.slug in mine][:count]
        exposed = [o for o in reversed(chosen) if o.slug not in mine][: count - len(own)]
        kept = {o.slug for o in own + exposed}
        chosen = [o for o in chosen if o.slug in kept]
    bars = [Bar(o.name, o.score, percent(o.score), highlight=o.score >= EXPOSED) for o in chosen]
    return BarChart("Each organisation's score: lower is better", bars, top=1.0)


def months_chart(months: Sequence[tuple[dt.date, Decimal]]) -> BarChart:
    bars = [Bar(m.strftime("%b %Y"), float(h), f"{h:.1f} h") for m, h in months]
    return BarChart("Skill-sharing hours per month", bars)


@dataclass
class Point:
    x: float
    y: float
    label: str


@dataclass
class LineChart:
    """A score (0 to 1) over time: the polyline of the snapshots, oldest on the left."""

    title: str
    points: list[Point]
    first: str = ""
    last: str = ""
    width: int = 680
    height: int = 220
    left: int = 48
    right: int = 16
    top: int = 12
    bottom: int = 32
    gridlines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def axis_y(self) -> int:
        return self.height - self.bottom

    @property
    def axis_end(self) -> int:
        return self.width - self.right


def score_chart(
    snapshots: Sequence[ScoreSnapshot | ScorePoint],
    title: str,
    now: tuple[dt.datetime, float] | None = None,
) -> LineChart:
    """The snapshots' scores over time and, with `now`, today's score as the last point: the
    line then ends at the score the page shows, whatever changed since the last snapshot."""
    chart = LineChart(title, [])
    plot_w = chart.width - chart.left - chart.right
    plot_h = chart.height - chart.top - chart.bottom
    chart.gridlines = [(round(chart.top + plot_h * (1 - v)), f"{v:.0%}") for v in (0, 0.5, 1)]
    scores = [(s.taken_at, s.score, f"{s.taken_at:%d %b %Y}") for s in snapshots]
    if scores and now is not None:
        scores.append((now[0], now[1], "Now"))
    if not scores:
        return chart
    start, end = scores[0][0], scores[-1][0]
    span = (end - start).total_seconds() or 1.0
    for when, score, label in scores:
        x = chart.left + plot_w * ((when - start).total_seconds() / span)
        if len(scores) == 1:
            x = chart.left + plot_w / 2
        y = chart.top + plot_h * (1 - score)
        chart.points.append(Point(x, y, f"{label}: {percent(score)}"))
    chart.first, chart.last = f"{start:%d %b %Y}", f"{end:%d %b %Y}"
    return chart
