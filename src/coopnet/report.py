"""Turning engine results into the JSON objects of spec/interfaces.md and into Rich tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
from rich.table import Table

from coopnet.common.explanations import payout_parts, why
from coopnet.common.money import DEFAULT_CURRENCY, format_money
from coopnet.engine.fairshare import Explanation, Split
from coopnet.engine.formation import Formation, SkillSharing
from coopnet.engine.games import CoreCheck, GameReport
from coopnet.engine.games.subsets import FloatVector
from coopnet.engine.numeric import unsigned_zero


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


def _micro(value: float) -> float:
    """An amount to the millionth (a tiny negative rounds to 0.0, never -0.0)."""
    return unsigned_zero(round(value, 6))


def _money(amount: Any) -> float:
    return float(amount)


def formation_json(formation: Formation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": formation.status,
        "cost": None if formation.cost is None else _micro(formation.cost),
        "organisations": list(formation.organisations),
        "assignments": [
            {"person": a.person, "org": a.org, "skill": a.skill, "hours": _num(a.hours)}
            for a in formation.assignments
        ],
        "solve_seconds": round(formation.solve_seconds, 4),
    }
    if formation.gap is not None:
        out["gap"] = _micro(formation.gap)
    if formation.status == "infeasible":
        out["uncovered"] = [
            {
                "skill": u.skill,
                "min_level": u.min_level,
                "hours": _num(u.hours),
                "available_hours": _num(u.available),
                "reason": u.reason,
            }
            for u in formation.uncovered
        ]
    return out


def split_json(result: Split) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": result.status,
        "organisations": list(result.organisations),
        "value": _money(result.value),
        "commission_amount": _money(result.commission_amount),
    }
    if result.status == "infeasible":
        out["uncovered"] = formation_json(result.formation)["uncovered"]
        return out
    out["cost"] = _micro(result.formation.cost or 0.0)
    if result.status == "unprofitable":
        out["shortfall"] = _money(result.shortfall)
        return out
    assert result.game is not None
    game = game_report_json(result.game)
    out["game"] = {
        "players": game["players"],
        "solutions": game["solutions"],
        **({"standard_error": game["standard_error"]} if "standard_error" in game else {}),
        **({"undefined": game["undefined"]} if "undefined" in game else {}),
        "core": {
            k: v for k, v in game["core"].items() if k != "least_core_epsilon" or v is not None
        },
        "added_value": game["added_value"],
    }
    out["payouts"] = {k: _money(v) for k, v in result.payouts.items()}
    if result.nucleolus_payouts is not None:
        out["nucleolus_payouts"] = {k: _money(v) for k, v in result.nucleolus_payouts.items()}
        out["recommended"] = result.recommended
    out["explanations"] = {e.org: explanation_text(e) for e in result.explanations}
    out["assignments"] = formation_json(result.formation)["assignments"]
    return out


def formation_table(formation: Formation) -> Table:
    title = (
        f"{formation.status}: cost {formation.cost:,.2f}"
        if formation.cost is not None
        else formation.status
    )
    table = Table(title=title, title_justify="left")
    for column in ("organisation", "person", "skill", "hours"):
        table.add_column(column, justify="right" if column == "hours" else "left")
    for a in formation.assignments:
        table.add_row(a.org, a.person, a.skill, f"{a.hours:,.2f}")
    return table


def split_table(result: Split) -> Table:
    assert result.game is not None
    table = Table(
        title=f"Split of {result.value:,.2f} (commission {result.commission_amount:,.2f})",
        title_justify="left",
    )
    for column in ("organisation", "added value", "Shapley share", "payout"):
        table.add_column(column, justify="left" if column == "organisation" else "right")
    if result.nucleolus_payouts is not None:
        table.add_column("nucleolus payout", justify="right")
    shapley = result.game.solutions["shapley"]
    added = result.game.added_value
    assert shapley is not None
    assert added is not None
    names = {e.org: e.name for e in result.explanations}
    for i, org in enumerate(result.organisations):
        label = f"{names[org]} ({org})" if names.get(org, org) != org else org
        row = [label, f"{added[i]:,.2f}", f"{shapley[i]:,.2f}", f"{result.payouts[org]:,.2f}"]
        if result.nucleolus_payouts is not None:
            row.append(f"{result.nucleolus_payouts[org]:,.2f}")
        table.add_row(*row)
    return table


def skill_sharing_json(result: SkillSharing) -> dict[str, Any]:
    out = formation_json(result.formation)
    for assignment, role in zip(out["assignments"], result.roles, strict=True):
        assignment["role"] = role
    out["learning_hours"] = _num(result.learning_hours)
    out["supervising_hours"] = _num(result.supervising_hours)
    out["extra_cost"] = None if result.extra_cost is None else _micro(result.extra_cost)
    return out


def explanation_text(e: Explanation, currency: str = DEFAULT_CURRENCY) -> str:
    """Why a partner gets its payout, and what the payout is made of, in `currency`."""

    def money(amount: Decimal) -> str:
        return format_money(amount, currency)

    skills = [(need.skill, need.min_level) for need in e.unique_skills]
    reason = why(e.name, e.added_value, e.reason, skills, money)
    parts = payout_parts(e.payout, e.own_cost, e.surplus_share, e.hours, e.solution, money)
    return f"{reason} {parts}"
