"""`coopnet resilience`: who the demanded skills rest on (bus factors, the at-risk share of
demand) and the mentoring plan that widens them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from coopnet.cli.options import JsonOption, NetworkOption, emit_json, err, out, positive
from coopnet.engine.errors import BadInput
from coopnet.engine.formats import parse_network, parse_opportunity, read_json
from coopnet.engine.resilience import (
    MentoringPlan,
    Resilience,
    parse_mentoring,
    resilience,
    resilience_json,
)

#: pairings printed before "… and N more"
SHOWN_PAIRINGS = 20

OpportunitiesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--opportunities",
        "--opportunity",
        help="Opportunity files (spec §2) whose hours make the demand: "
        "--opportunities A.json B.json, or the option repeated.",
    ),
]
MoreOpportunities = Annotated[
    list[Path] | None,
    typer.Argument(hidden=True, help="More opportunity files, after --opportunities."),
]
SessionHours = Annotated[
    float, typer.Option(help="Mentor hours one pairing takes.", callback=positive)
]


def resilience_command(
    network: NetworkOption,
    opportunities: OpportunitiesOption = None,
    more: MoreOpportunities = None,
    session_hours: SessionHours = 10.0,
    as_json: JsonOption = False,
) -> None:
    """Skills resilience: bus factors, the at-risk share of demand and a mentoring plan."""
    if more and not opportunities:
        raise BadInput(
            f"unexpected argument {str(more[0])!r}: opportunity files follow --opportunities"
        )
    raw = read_json(network)
    net = parse_network(raw)
    options = parse_mentoring(raw, net)
    opps = [
        parse_opportunity(read_json(path), net.org_index)
        for path in [*(opportunities or []), *(more or [])]
    ]
    with err.status(f"Mapping the skills of {len(net.people):,} people…"):
        result = resilience(net, opps, options, session_hours=session_hours)
    if as_json:
        emit_json(resilience_json(result))
        return
    out.print(demand_table(result))
    out.print(f"at-risk share of demand (bus factor ≤ 1): {result.map.score:.1%}")
    if result.map.at_risk:
        out.print("at risk: " + ", ".join(s.skill for s in result.map.at_risk))
    for line in plan_lines(result.plan):
        out.print(line)


def demand_table(result: Resilience) -> Table:
    """Each demanded skill, most demanded first: its bus factor, free hours and demand."""
    table = Table(title="Demanded skills")
    for column in ("skill", "bus factor", "free hours", "demand"):
        table.add_column(column, justify="left" if column == "skill" else "right")
    for s in sorted(result.map.skills, key=lambda s: (-s.demand, s.skill)):
        if s.demand > 0:
            table.add_row(s.skill, str(s.bus_factor), f"{s.free_hours:,.0f}", f"{s.demand:,.0f}")
    return table


def plan_lines(plan: MentoringPlan) -> list[str]:
    """The mentoring plan: its effect on the at-risk share, and its first pairings."""
    lines = [
        f"mentoring plan: {len(plan.pairings)} pairings, at-risk share "
        f"{plan.score_before:.1%} → {plan.score_after:.1%} (coverage gain {plan.gain:,.1f})"
    ]
    for p in plan.pairings[:SHOWN_PAIRINGS]:
        lines.append(f"  {p.mentor} mentors {p.learner} in {p.skill} ({p.hours:g} hours)")
    if len(plan.pairings) > SHOWN_PAIRINGS:
        lines.append(f"  … and {len(plan.pairings) - SHOWN_PAIRINGS} more (use --json for all)")
    return lines
