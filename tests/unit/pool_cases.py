"""Pooling documents for the engine and CLI tests, and the issue's known case."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "it-support-pool.json"
ACCOUNTS = EXAMPLES / "accounts-pool.json"
CENT = Decimal("0.01")
#: the issue's known case: 150 a month, 120 a member, 900 a specialist for up to 6 members
KNOWN_ALONE = ["520.00", "640.00", "345.00", "590.00"]
KNOWN_FEES = [Decimal("380.00"), Decimal("460.00"), Decimal("263.33"), Decimal("426.67")]


def doc(
    alone: list[Any],
    fixed: Any = 300,
    per_member: Any = 0,
    unit: Any = 600,
    per_unit: Any = 2,
) -> dict[str, Any]:
    return {
        "service": {
            "name": "IT",
            "fixed_cost": fixed,
            "per_member_cost": per_member,
            "unit_cost": unit,
            "members_per_unit": per_unit,
        },
        "members": [
            {"id": f"m{i}", "name": f"Member {i}", "alone_cost": a, "hours_alone": 10 + i}
            for i, a in enumerate(alone)
        ],
    }
