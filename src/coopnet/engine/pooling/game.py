"""The cost game of a pooled service, over all 2^n groups of candidates, and the cheapest pool."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from coopnet.engine.errors import TooLarge
from coopnet.engine.games.subsets import FloatVector, subset_sums
from coopnet.engine.pooling.model import MAX_POOL_MEMBERS, Service


def floats(amounts: Sequence[Decimal], scale: int = 1) -> FloatVector:
    """Amounts as floats, multiplied by `scale` first (100: in cents)."""
    return np.array([float(a * scale) for a in amounts], dtype=np.float64)


def _best_pooling(by_size: FloatVector, alone: FloatVector, always: FloatVector) -> FloatVector:
    """For every group A of the players (bit i of the mask is player i, whose going-alone cost
    is alone[i]), joined by members present in every group (going-alone costs `always`):
    min over k of pool(k) − (the k largest going-alone costs in the group), pool(k) = by_size[k].

    Members are visited in falling order of going-alone cost; each visit adds one to the rank
    and its cost to the running top-k sum of every group holding it, and offers pool(rank) −
    top to the minimum (k = 0 offers 0). A player's groups are the [:, 1, :] half of a
    (-1, 2, 2^i) view, so each visit is a few vectorised passes and no mask is ever decoded."""
    n = len(alone)
    if n > MAX_POOL_MEMBERS:
        raise TooLarge(f"members: {n} members exceeds the exact limit of {MAX_POOL_MEMBERS}")
    best = np.zeros(1 << n)
    rank = np.zeros(1 << n, dtype=np.int64)
    top = np.zeros(1 << n)
    visits = [(float(a), i) for i, a in enumerate(alone)] + [(float(a), -1) for a in always]
    for cost, player in sorted(visits, key=lambda visit: -visit[0]):
        b, t, r = best, top, rank
        if player >= 0:
            b, t = (v.reshape(-1, 2, 1 << player)[:, 1, :] for v in (best, top))
            r = rank.reshape(-1, 2, 1 << player)[:, 1, :]
        r += 1
        t += cost
        np.minimum(b, by_size[r] - t, out=b)
    return best


def cost_vector(service: Service, alone: Sequence[float] | FloatVector) -> FloatVector:
    """The dense game c: entry m is c(S) for the group S whose members are the bits of m."""
    costs = np.asarray(alone, dtype=np.float64)
    by_size = floats([service.cost(k) for k in range(len(costs) + 1)])
    values: FloatVector = subset_sums(costs) + _best_pooling(by_size, costs, np.zeros(0))
    return values


def game_in_cents(
    service: Service, inside: Sequence[Decimal], outside: Sequence[Decimal]
) -> FloatVector:
    """The pool's game c_T(A) = c(A ∪ O) − a(O) over the groups A of `inside`, O = `outside`,
    in cents: amounts in whole pence are then whole numbers, which floats add exactly, so the
    solvers see no rounding noise (an additive game stays exactly additive)."""
    size = len(inside) + len(outside)
    by_size = floats([service.cost(k) for k in range(size + 1)], 100)
    members = floats(inside, 100)
    values: FloatVector = subset_sums(members) + _best_pooling(
        by_size, members, floats(outside, 100)
    )
    return values


def cheapest_pool(service: Service, alone: Sequence[Decimal]) -> tuple[int, ...]:
    """T*: the members (indices, in input order) whose pooling makes c(N) cheapest, exactly.

    The best pool of k is the k highest going-alone costs; ties go to the larger pool, and
    between equal going-alone costs to the earlier member."""
    order = sorted(range(len(alone)), key=lambda i: (-alone[i], i))
    rest = sum(alone, Decimal(0))
    best_size, best = 0, rest
    for size, i in enumerate(order, start=1):
        rest -= alone[i]
        total = service.cost(size) + rest
        if total <= best:
            best_size, best = size, total
    return tuple(sorted(order[:best_size]))


def in_cost_core(costs: FloatVector, x: FloatVector) -> bool:
    """Is x efficient and no group charged more than its cost c(S)?"""
    tol = 1e-9 * max(1.0, float(np.abs(costs).max()), float(np.abs(x).max()))
    charged = subset_sums(np.asarray(x, dtype=np.float64))
    if abs(charged[-1] - costs[-1]) > tol:
        return False
    return bool(np.all(charged[1:-1] <= costs[1:-1] + tol))
