"""The engine demo (`coopnet demo --engine`): four organisations bid together for a booking
system, and share the value.

It shows a newcomer where coalition worths come from, the Shapley and nucleolus splits, the
core check, and payouts exact to the cent, in the network's currency.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import numpy as np
from rich.console import Console
from rich.table import Table

from coopnet.cli.currency import Currency
from coopnet.engine.games import ExplicitGame, GameReport, SolveOptions, solve
from coopnet.engine.money import allocate, round_to_total

ORGS = ("Outlier Co-op", "Agile Collective", "Animorph", "Dtc Innov")
VALUE = Decimal("45000")
COMMISSION = Decimal("0.05")
COORDINATION = 500.0
#: What each organisation's own people would cost for each part of the work (None: cannot do it).
COSTS: dict[str, tuple[float | None, ...]] = {
    "Elixir back end": (14_000, 19_000, None, None),
    "UX and front end": (8_500, 6_000, None, None),
    "DevOps": (6_500, None, 4_000, None),
    "Security audit": (None, None, 7_000, 5_000),
}


def cheapest_plan(members: tuple[int, ...]) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest way for these organisations to deliver, and who does each part."""
    best: tuple[float, tuple[int, ...]] | None = None
    options = [[i for i in members if costs[i] is not None] for costs in COSTS.values()]
    for plan in product(*options):
        work = sum(float(c[i] or 0) for c, i in zip(COSTS.values(), plan, strict=True))
        cost = work + COORDINATION * len(set(plan))
        if best is None or cost < best[0]:
            best = (cost, plan)
    return best


def consortium_game() -> tuple[ExplicitGame, float, tuple[int, ...]]:
    """v(S) = value after commission minus S's cheapest delivery cost (0 if S cannot deliver)."""
    n = len(ORGS)
    net = float(VALUE * (1 - COMMISSION))
    values = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        plan = cheapest_plan(tuple(i for i in range(n) if mask >> i & 1))
        values[mask] = max(0.0, net - plan[0]) if plan else 0.0
    grand = cheapest_plan(tuple(range(n)))
    assert grand is not None
    return ExplicitGame(ORGS, values=values), grand[0], grand[1]


def run_demo(console: Console, money: Currency) -> None:
    """The whole demo, amounts in `money`'s currency."""
    game, cost, plan = consortium_game()
    _introduce(console, money)
    console.print(_work_table(plan, money))
    console.print(f"Total cost {money.whole(cost)}; surplus to share {money(game.grand_value)}.\n")
    report = solve(game, SolveOptions(solutions=("shapley", "nucleolus", "equal")))
    table, payouts = _split_table(report, game.grand_value, plan, money)
    console.print(table)
    _conclude(console, report, sum(payouts, Decimal(0)), money)


def _introduce(console: Console, money: Currency) -> None:
    console.rule(
        f"[bold]coopnet engine demo: a booking system for a client, worth {money.whole(VALUE)}"
    )
    console.print(
        "Four organisations could bid together. A coalition's worth is what it would earn "
        f"delivering the whole job alone: {money.whole(VALUE * (1 - COMMISSION))} after the "
        f"network's {COMMISSION:.0%} commission, less its cheapest delivery cost (people plus "
        f"{money.whole(COORDINATION)} coordination per organisation).\n"
    )


def _work_table(plan: tuple[int, ...], money: Currency) -> Table:
    work = Table(title="The optimal consortium", title_justify="left")
    work.add_column("work package")
    work.add_column("done by")
    work.add_column("cost", justify="right")
    for (package, costs), i in zip(COSTS.items(), plan, strict=True):
        work.add_row(package, ORGS[i], money.whole(costs[i] or 0))
    return work


def _split_table(
    report: GameReport, grand: float, plan: tuple[int, ...], money: Currency
) -> tuple[Table, list[Decimal]]:
    """The split (added value, Shapley, nucleolus, equal, payout) as a table; the payouts."""
    shapley, nucleolus = report.solutions["shapley"], report.solutions["nucleolus"]
    assert shapley is not None
    assert nucleolus is not None
    assert report.added_value is not None
    surplus = round_to_total(shapley.tolist(), f"{grand:.2f}")
    payouts = [s + _own_cost(i, plan) for i, s in enumerate(surplus)]
    equal = allocate(f"{grand:.2f}", [1] * len(ORGS))
    table = Table(title="The fair split of the surplus", title_justify="left")
    for column in ("organisation", "added value", "Shapley", "nucleolus", "equal", "payout"):
        table.add_column(column, justify="left" if column == "organisation" else "right")
    for i, org in enumerate(ORGS):
        amounts = (report.added_value[i], surplus[i], nucleolus[i], equal[i], payouts[i])
        table.add_row(org, *(money(amount) for amount in amounts))
    return table, payouts


def _conclude(console: Console, report: GameReport, paid: Decimal, money: Currency) -> None:
    """The payouts and the commission add up to the value; the core; why."""
    assert report.added_value is not None
    commission = VALUE * COMMISSION
    console.print(
        f"Payouts (Shapley share plus each organisation's own delivery cost) {money(paid)}"
        f" + commission {money(commission)} = {money(paid + commission)}, {money.exactly}."
    )
    verdict = (
        "in the core: no group of organisations would earn more alone"
        if report.contains.get("shapley")
        else "NOT in the core: some group would earn more alone, so the nucleolus is offered"
    )
    core = "empty" if report.core_empty else "non-empty"
    console.print(f"Stability: the core is {core}; the Shapley split is {verdict}.\n")
    best = int(np.argmax(report.added_value))
    console.print(
        f"Why: without {ORGS[best]} the consortium earns {money(report.added_value[best])} less. "
        "The Shapley value averages what each organisation adds over every order of joining.\n"
    )
    console.print(
        "Try it on your own games: [bold]coopnet game solve examples/un-security-council.json"
        "[/bold] (see the README for the file format)."
    )


def _own_cost(org: int, plan: tuple[int, ...]) -> Decimal:
    work = sum(
        (Decimal(str(costs[i])) for costs, i in zip(COSTS.values(), plan, strict=True) if i == org),
        Decimal(0),
    )
    return work + (Decimal(str(COORDINATION)) if org in plan else Decimal(0))
