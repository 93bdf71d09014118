"""Engine results as the JSON objects of spec/interfaces.md, and a split's explanations as
facts and words. Money stays a JSON number here; only the words are in the network's currency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from coopnet.cli.currency import Currency
from coopnet.common.explanations import off_the_top, payout_parts, why
from coopnet.engine.fairshare import Explanation, Split
from coopnet.engine.formation import Formation, SkillSharing
from coopnet.engine.games import CoreCheck, GameReport
from coopnet.engine.games.subsets import FloatVector
from coopnet.engine.numeric import unsigned_zero


def number(value: float) -> float:
    """A JSON number to 12 significant digits (solvers' float noise removed; never -0.0)."""
    return float(f"{float(value):.12g}") + 0.0


def _by_player(players: tuple[str, ...], values: FloatVector | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {p: number(v) for p, v in zip(players, np.asarray(values).tolist(), strict=True)}


def game_report_json(report: GameReport) -> dict[str, Any]:
    players = report.players
    out: dict[str, Any] = {
        "players": list(players),
        "kind": report.kind,
        "grand_value": number(report.grand_value),
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
        "least_core_epsilon": None if eps is None else number(eps),
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
                label[0]: number(worth(coalition)),
                label[1]: number(given),
                "by": number(objection.shortfall),
            }
        )
    return {
        "in_core": check.in_core,
        "efficient": check.efficient,
        "total": number(float(np.asarray(x).sum())),
        "objections": objections,
    }


def _micro(value: float) -> float:
    """An amount to the millionth (a tiny negative rounds to 0.0, never -0.0)."""
    return unsigned_zero(round(value, 6))


def _decimal(amount: Decimal) -> float:
    """Money (or hours) as a JSON number: the engine's Decimals have two places."""
    return float(amount)


def formation_json(formation: Formation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": formation.status,
        "cost": None if formation.cost is None else _micro(formation.cost),
        "organisations": list(formation.organisations),
        "assignments": [
            {"person": a.person, "org": a.org, "skill": a.skill, "hours": number(a.hours)}
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
                "hours": number(u.hours),
                "available_hours": number(u.available),
                "reason": u.reason,
            }
            for u in formation.uncovered
        ]
    return out


def split_json(result: Split, money: Currency, finder_name: str | None = None) -> dict[str, Any]:
    """`coopnet split --json` (spec §2, §4): what is taken off the top, the payouts, the game,
    and each partner's explanation (facts, and the words in `money`'s currency)."""
    out: dict[str, Any] = {
        "status": result.status,
        "organisations": list(result.organisations),
        "value": _decimal(result.value),
        "commission_amount": _decimal(result.commission_amount),
    }
    if result.finder is not None:
        out["finder"] = result.finder
        out["finder_amount"] = _decimal(result.finder_amount)
    out["off_the_top"] = off_the_top_text(result, money, finder_name)
    if result.status == "infeasible":
        out["uncovered"] = formation_json(result.formation)["uncovered"]
        return out
    out["cost"] = _micro(result.formation.cost or 0.0)
    if result.status == "unprofitable":
        assert result.shortfall is not None
        out["shortfall"] = _decimal(result.shortfall)
        return out
    assert result.game is not None
    out["game"] = _split_game_json(result.game)
    out["payouts"] = {k: _decimal(v) for k, v in result.payouts.items()}
    if result.nucleolus_payouts is not None:
        out["nucleolus_payouts"] = {k: _decimal(v) for k, v in result.nucleolus_payouts.items()}
        out["recommended"] = result.recommended
    out["explanations"] = {e.org: explanation_json(e, money) for e in result.explanations}
    out["assignments"] = formation_json(result.formation)["assignments"]
    return out


def _split_game_json(report: GameReport) -> dict[str, Any]:
    """The consortium game as `split` shows it: the least-core epsilon only when there is one."""
    game = game_report_json(report)
    return {
        "players": game["players"],
        "solutions": game["solutions"],
        **({"standard_error": game["standard_error"]} if "standard_error" in game else {}),
        **({"undefined": game["undefined"]} if "undefined" in game else {}),
        "core": {
            k: v for k, v in game["core"].items() if k != "least_core_epsilon" or v is not None
        },
        "added_value": game["added_value"],
    }


def off_the_top_text(result: Split, money: Currency, finder_name: str | None = None) -> str:
    """The commission and the finder's fee (named `finder_name`, else by its id) in words."""
    finder = None if result.finder is None else finder_name or result.finder
    return off_the_top(result.value, result.commission_amount, result.finder_amount, finder, money)


def explanation_json(e: Explanation, money: Currency) -> dict[str, Any]:
    """One partner's payout as facts (`payout` = `own_cost` + `surplus_share`) and in words."""
    return {
        "reason": e.reason.value,
        "added_value": _decimal(e.added_value),
        "unique_skills": [{"skill": s.skill, "min_level": s.min_level} for s in e.unique_skills],
        "hours": _decimal(e.hours),
        "own_cost": _decimal(e.own_cost),
        "surplus_share": _decimal(e.surplus_share),
        "payout": _decimal(e.payout),
        "solution": e.solution,
        "text": explanation_text(e, money),
    }


def explanation_text(e: Explanation, money: Currency) -> str:
    """Why a partner gets its payout, and what the payout is made of, in `money`'s currency."""
    skills = [(need.skill, need.min_level) for need in e.unique_skills]
    reason = why(e.name, e.added_value, e.reason, skills, money)
    parts = payout_parts(e.payout, e.own_cost, e.surplus_share, e.hours, e.solution, money)
    return f"{reason} {parts}"


def skill_sharing_json(result: SkillSharing) -> dict[str, Any]:
    out = formation_json(result.formation)
    for assignment, role in zip(out["assignments"], result.roles, strict=True):
        assignment["role"] = role
    out["learning_hours"] = number(result.learning_hours)
    out["supervising_hours"] = number(result.supervising_hours)
    out["extra_cost"] = None if result.extra_cost is None else _micro(result.extra_cost)
    return out
