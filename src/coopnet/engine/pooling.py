"""Shared-service cost pooling: who pays what for one pooled service (IT support, say).

A service costs, per period, `fixed_cost` (paid once if anyone joins) plus `per_member_cost`
for every member plus `unit_cost` for every specialist, one specialist serving up to
`members_per_unit` members. The pooled cost of a group S is

    c(S) = 0 if S is empty, else fixed_cost + per_member_cost·|S|
           + unit_cost·ceil(|S| / members_per_unit).

The cost game c is built densely over all 2^n groups (vectorised popcounts) and allocated
exactly: Shapley cost shares, the nucleolus, an equal split and a split proportional to the
members' going-alone costs; each is checked against the core {x : Σx = c(N), x(S) ≤ c(S)}.
Fees are the recommended shares (Shapley when it is in the core, else the nucleolus) rounded
to the cent so that they sum to c(N) exactly. A member gains when their going-alone cost
exceeds their fee.

>>> problem = parse_pool({"service": {"name": "IT", "fixed_cost": 300, "per_member_cost": 0,
...     "unit_cost": 600, "members_per_unit": 2},
...     "members": [{"id": "a", "alone_cost": 900, "hours_alone": 10},
...                 {"id": "b", "alone_cost": 900, "hours_alone": 10}]})
>>> [str(f) for f in pool(problem).fees]
['450.00', '450.00']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import BadInput, TooLarge
from coopnet.engine.formats import number
from coopnet.engine.games import ExplicitGame, SolveOptions, solve
from coopnet.engine.games.subsets import FloatVector, subset_sums
from coopnet.engine.money import CENT, round_to_total, to_decimal

#: Exact allocation enumerates 2^n groups; beyond this it is refused.
MAX_POOL_MEMBERS = 20
SOLUTION_NAMES = ("shapley", "nucleolus", "equal", "proportional")


@dataclass(frozen=True)
class Service:
    name: str
    fixed_cost: Decimal
    per_member_cost: Decimal
    unit_cost: Decimal
    members_per_unit: int

    def cost(self, size: int) -> Decimal:
        """The exact pooled cost of any group of `size` members."""
        if size <= 0:
            return Decimal(0)
        units = math.ceil(size / self.members_per_unit)
        return self.fixed_cost + self.per_member_cost * size + self.unit_cost * units


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    alone_cost: Decimal
    hours_alone: Decimal


@dataclass(frozen=True)
class PoolProblem:
    service: Service
    members: tuple[Member, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)


@dataclass
class PoolResult:
    problem: PoolProblem
    pooled_cost: Decimal
    fees: list[Decimal]
    solutions: dict[str, FloatVector | None]
    undefined: dict[str, str]
    core_empty: bool
    least_core_epsilon: float | None
    contains: dict[str, bool | None] = field(default_factory=dict)
    recommended: str = "shapley"

    @property
    def savings(self) -> list[Decimal]:
        return [m.alone_cost - f for m, f in zip(self.problem.members, self.fees, strict=True)]

    @property
    def gains(self) -> list[bool]:
        return [s > 0 for s in self.savings]


# --- parsing -----------------------------------------------------------------------------------


def _object(value: Any, field_name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(f"{field_name}: expected an object")
    return value


def _required(doc: dict[str, Any], key: str, field_name: str) -> Any:
    if key not in doc:
        raise BadInput(f"{field_name}.{key}: missing")
    return doc[key]


def _amount(value: Any, field_name: str) -> Decimal:
    """A finite, non-negative exact amount (JSON number or decimal string)."""
    number(value, field_name, minimum=0.0)
    return to_decimal(value, field_name)


def _text(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{field_name}: expected a non-empty string")
    return value


def _units(value: Any, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise BadInput(f"{field_name}: {value!r} is not an integer of at least 1")
    number(value, field_name)
    exact = to_decimal(value, field_name)
    if exact != exact.to_integral_value() or exact < 1:
        raise BadInput(f"{field_name}: {value} is not an integer of at least 1")
    return int(exact)


def parse_service(value: Any) -> Service:
    doc = _object(value, "service")
    name = doc.get("name", "service")
    return Service(
        name=_text(name, "service.name"),
        fixed_cost=_amount(_required(doc, "fixed_cost", "service"), "service.fixed_cost"),
        per_member_cost=_amount(doc.get("per_member_cost", 0), "service.per_member_cost"),
        unit_cost=_amount(doc.get("unit_cost", 0), "service.unit_cost"),
        members_per_unit=_units(doc.get("members_per_unit", 1), "service.members_per_unit"),
    )


def parse_pool(doc: Any) -> PoolProblem:
    """A PoolProblem from a pooling document (docs/pooling-format.md); BadInput names the field."""
    doc = _object(doc, "pool")
    service = parse_service(_required(doc, "service", "pool"))
    entries = _required(doc, "members", "pool")
    if not isinstance(entries, list):
        raise BadInput("members: expected a list")
    if not entries:
        raise BadInput("members: at least one member is needed")
    if len(entries) > MAX_POOL_MEMBERS:
        raise TooLarge(
            f"members: {len(entries)} members; exact allocation enumerates 2^n groups and "
            f"is limited to {MAX_POOL_MEMBERS} members"
        )
    members: list[Member] = []
    seen: set[str] = set()
    for i, raw in enumerate(entries):
        where = f"members[{i}]"
        entry = _object(raw, where)
        ident = _text(_required(entry, "id", where), f"{where}.id")
        if ident in seen:
            raise BadInput(f"{where}.id: {ident!r} appears twice")
        seen.add(ident)
        name = _text(entry.get("name", ident), f"{where}.name")
        alone = _amount(_required(entry, "alone_cost", where), f"{where}.alone_cost")
        hours = _amount(entry.get("hours_alone", 0), f"{where}.hours_alone")
        members.append(Member(ident, name, alone, hours))
    return PoolProblem(service, tuple(members))


# --- the game ----------------------------------------------------------------------------------


def group_sizes(n: int) -> NDArray[np.int64]:
    """sizes[m] = the number of set bits of m, for every mask m < 2^n (vectorised doubling)."""
    sizes = np.zeros(1 << n, dtype=np.int64)
    for i in range(n):
        sizes[1 << i : 1 << (i + 1)] = sizes[: 1 << i] + 1
    return sizes


def cost_vector(service: Service, n: int) -> FloatVector:
    """The dense cost game: entry m is c(S) for the group S whose members are the bits of m."""
    if n > MAX_POOL_MEMBERS:
        raise TooLarge(f"members: {n} members exceeds the exact limit of {MAX_POOL_MEMBERS}")
    by_size = np.array([float(service.cost(k)) for k in range(n + 1)], dtype=np.float64)
    values: FloatVector = by_size[group_sizes(n)]
    return values


def in_cost_core(costs: FloatVector, x: FloatVector) -> bool:
    """Is x efficient and no group charged more than its pooled cost c(S)?"""
    tol = 1e-9 * max(1.0, float(np.abs(costs).max()), float(np.abs(x).max()))
    charged = subset_sums(np.asarray(x, dtype=np.float64))
    if abs(charged[-1] - costs[-1]) > tol:
        return False
    return bool(np.all(charged[1:-1] <= costs[1:-1] + tol))


def pool(problem: PoolProblem) -> PoolResult:
    """Allocate the pooled cost exactly: four solutions, the core, and fees to the cent."""
    n = len(problem.members)
    costs = cost_vector(problem.service, n)
    game = ExplicitGame(problem.ids, values=costs, kind="cost")
    report = solve(game, SolveOptions(solutions=SOLUTION_NAMES, explicit=True))
    solutions: dict[str, FloatVector | None] = dict(report.solutions)
    total = problem.service.cost(n)
    alone = np.array([float(m.alone_cost) for m in problem.members], dtype=np.float64)
    # Proportional to what each member would pay alone (the engine's default weighs c({i}),
    # which is the same for every member of this symmetric game).
    if alone.sum() > 0:
        solutions["proportional"] = float(total) * alone / alone.sum()
    else:
        solutions["proportional"] = np.full(n, float(total) / n)
    contains: dict[str, bool | None] = {
        name: None if x is None else in_cost_core(costs, x) for name, x in solutions.items()
    }
    core_empty = (
        bool(report.core_empty) if report.core_empty is not None else not contains["shapley"]
    )
    recommended = "shapley"
    if not contains["shapley"] and solutions.get("nucleolus") is not None:
        recommended = "nucleolus"
    chosen = solutions[recommended]
    assert chosen is not None
    fees = round_to_total([float(a) for a in chosen], total.quantize(CENT), CENT)
    return PoolResult(
        problem=problem,
        pooled_cost=total.quantize(CENT),
        fees=fees,
        solutions=solutions,
        undefined=dict(report.undefined),
        core_empty=core_empty,
        least_core_epsilon=report.least_core_epsilon,
        contains=contains,
        recommended=recommended,
    )


def _money(amount: Decimal) -> float:
    return float(amount)


def pool_json(result: PoolResult) -> dict[str, Any]:
    """The `coopnet pool --json` document."""
    ids = result.problem.ids
    members = {
        m.id: {
            "name": m.name,
            "fee": _money(fee),
            "alone_cost": _money(m.alone_cost),
            "saving": _money(saving),
            "hours_recovered": float(m.hours_alone),
            "gains": gains,
        }
        for m, fee, saving, gains in zip(
            result.problem.members, result.fees, result.savings, result.gains, strict=True
        )
    }
    solutions = {
        name: None if x is None else {i: float(v) for i, v in zip(ids, x, strict=True)}
        for name, x in result.solutions.items()
    }
    out: dict[str, Any] = {
        "service": result.problem.service.name,
        "pooled_cost": _money(result.pooled_cost),
        "members": members,
        "solutions": solutions,
        "core": {
            "empty": result.core_empty,
            "least_core_epsilon": result.least_core_epsilon,
            "contains": result.contains,
        },
        "recommended": result.recommended,
    }
    if result.undefined:
        out["undefined"] = result.undefined
    return out
