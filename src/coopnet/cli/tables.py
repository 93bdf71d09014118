"""Engine results as Rich tables for people: a game's solutions, a consortium's work, a split.

Money is written in the network's currency (`Currency`); a game's values are not money and stay
plain numbers.
"""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table

from coopnet.cli.currency import Currency
from coopnet.cli.report import number
from coopnet.engine.fairshare import Split
from coopnet.engine.formation import Formation
from coopnet.engine.games import GameReport


def game_report_table(report: GameReport) -> Table:
    """One row per player: each solution (± its standard error when sampled), the added value."""
    unit = "cost share" if report.kind == "cost" else "share"
    table = Table(
        title=f"{report.kind} game, v(N) = {report.grand_value:,.4g}", title_justify="left"
    )
    table.add_column("player")
    names = [k for k, v in report.solutions.items() if v is not None]
    for name in names:
        table.add_column(f"{name} {unit}" if name != "banzhaf" else "banzhaf", justify="right")
    if report.added_value is not None:
        table.add_column("added value", justify="right")
    for i, player in enumerate(report.players):
        row = [player]
        for name in names:
            value = report.solutions[name]
            assert value is not None
            cell = f"{number(value[i]) + 0.0:,.4f}".replace("-0.0000", "0.0000")
            if name in report.standard_error:
                cell += f" ± {report.standard_error[name][i]:.4f}"
            row.append(cell)
        if report.added_value is not None:
            row.append(f"{report.added_value[i]:,.4f}")
        table.add_row(*row)
    return table


def formation_table(formation: Formation, money: Currency) -> Table:
    """Who works how many hours on which skill, under the consortium's total cost."""
    title = (
        f"{formation.status}: cost {money(formation.cost)}"
        if formation.cost is not None
        else formation.status
    )
    table = Table(title=title, title_justify="left")
    for column in ("organisation", "person", "skill", "hours"):
        table.add_column(column, justify="right" if column == "hours" else "left")
    for a in formation.assignments:
        table.add_row(a.org, a.person, a.skill, f"{a.hours:,.2f}")
    return table


SPLIT_COLUMNS = ("partner", "hours", "own cost", "+ surplus share", "= payout")
SOLUTION_NAMES = {"shapley": "Shapley", "nucleolus": "nucleolus"}


def split_table(result: Split, money: Currency) -> Table:
    """Each partner's payout in the recommended split as the cost of its own work (its people's
    hours and its coordination) plus its share of the surplus, to the cent; beside it, the other
    split's payout when the Shapley split is not in the core."""
    solution = result.explanations[0].solution if result.explanations else result.recommended
    finder = "" if result.finder is None else f", finder's fee {money(result.finder_amount)}"
    table = Table(
        title=f"Split of {money(result.value)} (commission {money(result.commission_amount)}"
        f"{finder}): the {SOLUTION_NAMES.get(solution, solution)} split",
        title_justify="left",
    )
    other = _other_payouts(result, solution)
    for column in (*SPLIT_COLUMNS, *other):
        left = column == "partner"
        table.add_column(column, justify="left" if left else "right", no_wrap=not left)
    for e in result.explanations:
        label = f"{e.name} ({e.org})" if e.name != e.org else e.org
        amounts = (e.own_cost, e.surplus_share, e.payout, *(p[e.org] for p in other.values()))
        table.add_row(label, f"{e.hours:,.2f}", *(money(amount) for amount in amounts))
    return table


def _other_payouts(result: Split, solution: str) -> dict[str, dict[str, Decimal]]:
    """The payouts of the split not followed, by column title: the Shapley payouts (`payouts`
    in JSON) when the nucleolus is recommended, the nucleolus's when it is offered but not."""
    if solution == "nucleolus":
        return {"Shapley payout": result.payouts}
    if result.nucleolus_payouts is not None:
        return {"nucleolus payout": result.nucleolus_payouts}
    return {}
