"""The allocation of the cheapest pool's cost: four solutions of the pool's game, the core,
fees to the cent, and the `coopnet pool --json` document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from coopnet.engine.games import ExplicitGame, GameReport, SolveOptions, recommend, solve
from coopnet.engine.games.subsets import FloatVector
from coopnet.engine.money import CENT, round_to_total
from coopnet.engine.numeric import unsigned_zero, unsigned_zero_decimal
from coopnet.engine.pooling.game import cheapest_pool, floats, game_in_cents, in_cost_core
from coopnet.engine.pooling.model import PoolProblem, Service

SOLUTION_NAMES = ("shapley", "nucleolus", "equal", "proportional")
NOBODY_POOLS = "no pool: every member is better off alone"
ZERO = Decimal("0.00")


@dataclass
class PoolResult:
    """The cheapest pool and its fees. Lists run over every member in input order (a member
    better off alone has fee 0.00: it is not charged); `solutions` run over the pool's members."""

    problem: PoolProblem
    #: for each member: is it in the cheapest pool T* (else it is better off alone)
    in_pool: tuple[bool, ...]
    #: pool(T*), to the cent: what the pool that is charged costs, the sum of the fees
    pooled_cost: Decimal
    fees: list[Decimal]
    solutions: dict[str, FloatVector | None]
    undefined: dict[str, str]
    core_empty: bool
    least_core_epsilon: float | None
    contains: dict[str, bool | None] = field(default_factory=dict)
    #: "shapley" or "nucleolus"; "" when nobody pools
    recommended: str = "shapley"

    @property
    def pool_ids(self) -> tuple[str, ...]:
        return tuple(
            m.id for m, inside in zip(self.problem.members, self.in_pool, strict=True) if inside
        )

    @property
    def better_alone(self) -> list[bool]:
        return [not inside for inside in self.in_pool]

    @property
    def everyone_cost(self) -> Decimal:
        """pool(N): what the pool would cost if every candidate joined."""
        return self.problem.service.cost(len(self.problem.members)).quantize(CENT)

    @property
    def cheapest_cost(self) -> Decimal:
        """c(N): the pool's cost plus what those better off alone pay going alone."""
        outside = [
            m.alone_cost
            for m, inside in zip(self.problem.members, self.in_pool, strict=True)
            if not inside
        ]
        return (self.pooled_cost + sum(outside, Decimal(0))).quantize(CENT)

    @property
    def joining_adds(self) -> Decimal | None:
        """How much one more member would add to the pool's cost (more than the going-alone cost
        of anyone better off alone); None when every candidate is in the pool."""
        size = sum(self.in_pool)
        if size == len(self.in_pool):
            return None
        service = self.problem.service
        return (service.cost(size + 1) - service.cost(size)).quantize(CENT)

    @property
    def savings(self) -> list[Decimal]:
        """Going alone less the fee for the pool's members; 0 for those going alone."""
        return [
            unsigned_zero_decimal(m.alone_cost - f) if inside else ZERO
            for m, f, inside in zip(self.problem.members, self.fees, self.in_pool, strict=True)
        ]

    @property
    def gains(self) -> list[bool]:
        return [s > 0 for s in self.savings]

    @property
    def hours_recovered(self) -> list[Decimal]:
        return [
            m.hours_alone if inside else Decimal(0)
            for m, inside in zip(self.problem.members, self.in_pool, strict=True)
        ]

    @property
    def stable(self) -> bool:
        """Are the fees in the core (nobody, alone or in any group, would pay less)?"""
        return bool(self.recommended) and self.contains.get(self.recommended) is True


# --- allocation --------------------------------------------------------------------------------


def _proportional(total: Decimal, alone: Sequence[Decimal]) -> FloatVector:
    """The pool's cost in proportion to going-alone costs (equal if they are all 0). The
    engine's own rule weighs c_T({i}) instead, which is not what members compare against."""
    weights = floats(alone)
    if weights.sum() > 0:
        shares: FloatVector = float(total) * weights / weights.sum()
        return shares
    return np.full(len(weights), float(total) / len(weights))


def _restricted_nucleolus(
    service: Service, ids: tuple[str, ...], inside: Sequence[Decimal]
) -> FloatVector | None:
    """The nucleolus of c restricted to the pool (in cents): the fallback when c_T has no
    imputation."""
    game = ExplicitGame(ids, values=game_in_cents(service, inside, []), kind="cost")
    return solve(game, SolveOptions(solutions=("nucleolus",), explicit=True)).solutions["nucleolus"]


def _nobody_pools(problem: PoolProblem) -> PoolResult:
    return PoolResult(
        problem=problem,
        in_pool=(False,) * len(problem.members),
        pooled_cost=ZERO,
        fees=[ZERO] * len(problem.members),
        solutions=dict.fromkeys(SOLUTION_NAMES),
        undefined=dict.fromkeys(SOLUTION_NAMES, NOBODY_POOLS),
        core_empty=False,
        least_core_epsilon=None,
        contains=dict.fromkeys(SOLUTION_NAMES),
        recommended="",
    )


def _solve_in_cents(
    service: Service, ids: tuple[str, ...], inside: list[Decimal], outside: list[Decimal]
) -> tuple[dict[str, FloatVector | None], dict[str, bool | None], GameReport]:
    """The four solutions of c_T (in cents) and whether each is in its core."""
    costs = game_in_cents(service, inside, outside)
    report = solve(ExplicitGame(ids, values=costs, kind="cost"), SolveOptions(SOLUTION_NAMES))
    solutions: dict[str, FloatVector | None] = dict(report.solutions)
    solutions["proportional"] = _proportional(service.cost(len(ids)) * 100, inside)
    if solutions["nucleolus"] is None:
        solutions["nucleolus"] = _restricted_nucleolus(service, ids, inside)
        report.undefined.pop("nucleolus", None)
    contains: dict[str, bool | None] = {
        name: None if x is None else in_cost_core(costs, x) for name, x in solutions.items()
    }
    return solutions, contains, report


def pool(problem: PoolProblem) -> PoolResult:
    """The cheapest pool and its exact allocation: four solutions, the core, fees to the cent."""
    service, members = problem.service, problem.members
    joined = cheapest_pool(service, [m.alone_cost for m in members])
    if not joined:
        return _nobody_pools(problem)
    in_pool = tuple(i in joined for i in range(len(members)))
    inside = [members[i].alone_cost for i in joined]
    outside = [m.alone_cost for m, j in zip(members, in_pool, strict=True) if not j]
    ids = tuple(members[i].id for i in joined)
    in_cents, contains, report = _solve_in_cents(service, ids, inside, outside)
    solutions = {k: None if x is None else x / 100 for k, x in in_cents.items()}
    recommended = recommend(solutions, contains)
    chosen = solutions[recommended]
    assert chosen is not None
    total = service.cost(len(joined)).quantize(CENT)
    shares = iter(round_to_total([float(a) for a in chosen], total, CENT))
    epsilon = report.least_core_epsilon
    return PoolResult(
        problem=problem,
        in_pool=in_pool,
        pooled_cost=total,
        fees=[next(shares) if joins else ZERO for joins in in_pool],
        solutions=solutions,
        undefined=report.undefined,
        core_empty=bool(report.core_empty),
        least_core_epsilon=None if epsilon is None else epsilon / 100,
        contains=contains,
        recommended=recommended,
    )


# --- the JSON document -------------------------------------------------------------------------


def _money(amount: Decimal) -> float:
    return unsigned_zero(float(amount))


def _member_json(result: PoolResult, k: int) -> dict[str, Any]:
    member = result.problem.members[k]
    row: dict[str, Any] = {
        "name": member.name,
        "fee": _money(result.fees[k]),
        "alone_cost": _money(member.alone_cost),
        "saving": _money(result.savings[k]),
        "hours_recovered": float(result.hours_recovered[k]),
        "gains": result.gains[k],
        "better_alone": not result.in_pool[k],
    }
    adds = result.joining_adds
    if not result.in_pool[k] and adds is not None:
        row["joining_adds"] = _money(adds)
    return row


def pool_json(result: PoolResult) -> dict[str, Any]:
    """The `coopnet pool --json` document (docs/pooling-format.md)."""
    ids = result.problem.ids
    pool_ids = result.pool_ids
    solutions = {
        name: None
        if x is None
        else {i: unsigned_zero(float(v)) for i, v in zip(pool_ids, x, strict=True)}
        for name, x in result.solutions.items()
    }
    out: dict[str, Any] = {
        "service": result.problem.service.name,
        "pooled_cost": _money(result.pooled_cost),
        "optimal_pool": list(pool_ids),
        "better_alone": [i for i, alone in zip(ids, result.better_alone, strict=True) if alone],
        "everyone_pooled_cost": _money(result.everyone_cost),
        "cheapest_cost": _money(result.cheapest_cost),
        "members": {m.id: _member_json(result, k) for k, m in enumerate(result.problem.members)},
        "solutions": solutions,
        "core": {
            "empty": result.core_empty,
            "least_core_epsilon": result.least_core_epsilon,
            "contains": result.contains,
        },
        "recommended": result.recommended or None,
        "stable": result.stable,
    }
    if result.undefined:
        out["undefined"] = result.undefined
    return out
