"""`coopnet pool`: a shared service's cheapest pool, each member's fee to the cent, its saving
and hours recovered, and whether the fees are stable (docs/pooling-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from coopnet.cli.currency import Currency, CurrencyOption, network_currency
from coopnet.cli.options import JsonOption, emit_json, err, out
from coopnet.engine.formats import read_json
from coopnet.engine.pooling import PoolResult, parse_pool, pool, pool_json


def pool_command(
    file: Annotated[Path, typer.Argument(help="A pooling file (docs/pooling-format.md).")],
    currency: CurrencyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pool a shared service: who should join, fees to the cent, savings, hours, the core."""
    money = network_currency(currency)
    problem = parse_pool(read_json(file))
    with err.status(f"Allocating a pool of {len(problem.members)} members…"):
        result = pool(problem)
    if as_json:
        emit_json(pool_json(result))
        return
    out.print(pool_table(result, money))
    for line in pool_verdict(result, money):
        out.print(line)


def pool_table(result: PoolResult, money: Currency) -> Table:
    """One row per member: what going alone costs it, its fee, saving and hours recovered."""
    title = f"{result.problem.service.name}: pooled cost {money(result.pooled_cost)}"
    if result.recommended:
        title += f" (fees from {result.recommended})"
    table = Table(title=title, title_justify="left")
    adds = result.joining_adds  # None when everyone pools: no note column then
    columns = ("member", "alone cost", "fee", "saving", "hours recovered")
    for column in (*columns, "note") if adds is not None else columns:
        left = column in ("member", "note")
        table.add_column(column, justify="left" if left else "right", no_wrap=column == "member")
    rows = zip(result.problem.members, result.fees, result.savings, result.in_pool, strict=True)
    for k, (member, fee, saving, inside) in enumerate(rows):
        label = f"{member.name} ({member.id})" if member.name != member.id else member.id
        cells = [label, money(member.alone_cost), money(fee) if inside else "—"]
        cells += [money(saving), f"{result.hours_recovered[k]:,}"]
        if adds is not None:
            cells.append("" if inside else f"better off alone: joining adds {money(adds)}")
        table.add_row(*cells)
    return table


def pool_verdict(result: PoolResult, money: Currency) -> list[str]:
    """The cheapest pool, whether the fees are stable, and the core verdict on each solution."""
    if not result.recommended:
        return ["Nobody pools: every member is better off alone."]
    pooled, n = len(result.pool_ids), len(result.in_pool)
    lines = [
        f"Cheapest: {pooled} of {n} pool ({money(result.pooled_cost)}), the others go alone; "
        f"{money(result.cheapest_cost)} in all against {money(result.everyone_cost)} "
        "if everyone pooled."
        if pooled < n
        else f"Cheapest: all {n} pool ({money(result.pooled_cost)})."
    ]
    lines.append(
        f"Stable: the {result.recommended} fees are in the core; no group, alone or "
        "together, would pay less."
        if result.stable
        else "Not stable: no split is in the core; the fees are the nucleolus, which keeps the "
        "largest over-charge of any group as small as it can be."
    )
    eps = result.least_core_epsilon
    verdict = "empty" if result.core_empty else "non-empty"
    lines.append(f"core: {verdict}" + (f" (least-core ε = {eps:,.4f})" if eps is not None else ""))
    for name, x in result.solutions.items():
        if x is None:
            lines.append(f"  {name}: not available ({result.undefined.get(name, 'undefined')})")
            continue
        inside = "in the core" if result.contains.get(name) else "NOT in the core"
        shares = ", ".join(f"{p} {money(v)}" for p, v in zip(result.pool_ids, x, strict=True))
        lines.append(f"  {name}: {inside} — {shares}")
    return lines
