"""Turning engine results into the JSON objects of spec/interfaces.md and into Rich tables."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.table import Table

from coopnet.engine.games import CoreCheck, GameReport
from coopnet.engine.games.subsets import FloatVector


def _num(value: float) -> float:
    """A JSON number to 12 significant digits (solvers' float noise removed; never -0.0)."""
    return float(f"{float(value):.12g}") + 0.0


def _by_player(players: tuple[str, ...], values: FloatVector | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {p: _num(v) for p, v in zip(players, np.asarray(values).tolist(), strict=True)}


def game_report_json(report: GameReport) -> dict[str, Any]:
    players = report.players
    out: dict[str, Any] = {
        "players": list(players),
        "kind": report.kind,
        "grand_value": _num(report.grand_value),
        "solutions": {k: _by_player(players, v) for k, v in report.solutions.items()},
    }
    if report.undefined:
        out["undefined"] = dict(report.undefined)
    if report.standard_error:
        out["standard_error"] = {
            k: _by_player(players, v) for k, v in report.standard_error.items()
        }
    eps = report.least_core_epsilon
    out["core"] = {
        "empty": report.core_empty,
        "least_core_epsilon": None if eps is None else _num(eps),
        "contains": dict(report.contains),
    }
    out["added_value"] = _by_player(players, report.added_value)
    return out


def allocation_check_json(
    players: tuple[str, ...], check: CoreCheck, worth: Any, x: FloatVector, kind: str
) -> dict[str, Any]:
    """Which coalitions object to an allocation, and by how much (worst first).

    `worth(members)` gives v(S) or c(S); `x` is the allocation in the game's own terms.
    """
    objections = []
    for objection in check.objections:
        coalition = [players[i] for i in objection.members]
        given = float(np.asarray(x)[list(objection.members)].sum())
        label = ("could_earn", "allocated") if kind == "profit" else ("would_pay", "charged")
        objections.append(
            {
                "coalition": coalition,
                label[0]: _num(worth(coalition)),
                label[1]: _num(given),
                "by": _num(objection.shortfall),
            }
        )
    return {
        "in_core": check.in_core,
        "efficient": check.efficient,
        "total": _num(float(np.asarray(x).sum())),
        "objections": objections,
    }


def game_report_table(report: GameReport) -> Table:
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
            cell = f"{_num(value[i]) + 0.0:,.4f}".replace("-0.0000", "0.0000")
            if name in report.standard_error:
                cell += f" ± {report.standard_error[name][i]:.4f}"
            row.append(cell)
        if report.added_value is not None:
            row.append(f"{report.added_value[i]:,.4f}")
        table.add_row(*row)
    return table
