"""Exact solutions that use a generator game's structure instead of enumerating 2^n coalitions.

- Weighted voting: Shapley–Shubik and Banzhaf indices by dynamic programming over the weights
  (the generating-function method of Mann and Shapley 1962, Brams and Affuso 1976).
- Airport: the Littlechild–Owen (1973) rule, the Shapley value of the airport cost game.
- Bankruptcy: the Talmud rule, which is the nucleolus of the bankruptcy game
  (Aumann and Maschler 1985).
"""

from __future__ import annotations

from math import comb

import numpy as np

from coopnet.engine.errors import TooLarge
from coopnet.engine.games.subsets import FloatVector
from coopnet.engine.numeric import unsigned_zero

#: The voting dynamic programme keeps a table of (players, total weight) counts; beyond this many
#: cells it is refused rather than left to exhaust memory.
MAX_VOTING_CELLS = 400_000_000


def _add_players(table: np.ndarray, weights: list[int], quota: int) -> np.ndarray:
    """A copy of the table counts[k, w] (coalitions of size k and weight w < quota) with more
    players added. Only additions of non-negative counts: accurate to rounding."""
    counts = table.copy()
    for w in weights:
        if w < quota:
            counts[1:, w:] += counts[:-1, : quota - w].copy()
    return counts


def _swings_by_weight(weights: tuple[int, ...], quota: int) -> dict[int, np.ndarray]:
    """For each distinct weight w, swings[k]: coalitions S of size k of the others (a player of
    weight w left out) that lose alone and win with that player. Equal weights, equal swings.

    Divide and conquer over the distinct weights: a table holding everyone but one player of
    each weight in a group is extended by the other half of the group before recursing, so each
    level of the recursion adds every distinct weight once (no subtraction, no cancellation).
    """
    distinct = sorted(set(weights))
    rest = list(weights)
    for w in distinct:
        rest.remove(w)
    empty = np.zeros((len(weights), quota))
    empty[0, 0] = 1.0
    result: dict[int, np.ndarray] = {}

    def descend(group: list[int], table: np.ndarray) -> None:
        if len(group) == 1:
            result[group[0]] = table[:, max(0, quota - group[0]) : quota].sum(axis=1)
            return
        left, right = group[: len(group) // 2], group[len(group) // 2 :]
        descend(left, _add_players(table, right, quota))
        descend(right, _add_players(table, left, quota))

    descend(distinct, _add_players(empty, rest, quota))
    return result


def _check_voting_size(weights: tuple[int, ...], quota: int) -> None:
    n, distinct = len(weights), len(set(weights))
    cells = (n + distinct * max(1, distinct.bit_length())) * n * max(quota, 1)
    if cells > MAX_VOTING_CELLS:
        raise TooLarge(
            f"weighted_voting: the quota {quota} is too large for the exact dynamic programme "
            f"with {len(weights)} players; use --method sample"
        )


def voting_shapley(weights: tuple[int, ...], quota: int) -> FloatVector:
    """Shapley–Shubik index: the share of orderings in which each player is pivotal."""
    _check_voting_size(weights, quota)
    n = len(weights)
    factor = np.array([1 / (n * comb(n - 1, k)) for k in range(n)])
    swings = _swings_by_weight(weights, quota)
    return unsigned_zero(np.array([float(swings[w] @ factor) for w in weights]))


def voting_banzhaf(weights: tuple[int, ...], quota: int) -> FloatVector:
    """Raw Banzhaf value: swings of each player over the 2^(n-1) coalitions of the others."""
    _check_voting_size(weights, quota)
    n = len(weights)
    swings = _swings_by_weight(weights, quota)
    return unsigned_zero(np.array([swings[w].sum() / 2 ** (n - 1) for w in weights]))


def airport_shapley(costs: FloatVector) -> FloatVector:
    """Littlechild–Owen: each cost increment is shared equally by everyone who needs it."""
    order = np.argsort(costs, kind="stable")
    sorted_costs = np.concatenate([[0.0], costs[order]])
    n = len(costs)
    increments = np.diff(sorted_costs) / (n - np.arange(n))
    shares = np.empty(n)
    shares[order] = np.cumsum(increments)
    return unsigned_zero(shares)


def _constrained_equal_awards(amount: float, claims: FloatVector) -> FloatVector:
    """min(c_i, lam) for the lam that spends `amount` exactly (0 <= amount <= sum of claims)."""
    order = np.sort(claims)
    spent = 0.0
    for k, c in enumerate(order):
        remaining = len(order) - k
        if spent + c * remaining >= amount:
            lam = (amount - spent) / remaining
            return np.minimum(claims, lam)
        spent += c
    return claims.copy()


def talmud(estate: float, claims: FloatVector) -> FloatVector:
    """The Talmud rule (Aumann–Maschler 1985) for 0 <= estate <= sum of claims.

    Up to half the claims the estate is divided by constrained equal awards on the half-claims;
    beyond it each claimant gets half its claim plus equal-awards on the half-losses.
    """
    half = claims / 2
    if estate <= half.sum():
        return unsigned_zero(_constrained_equal_awards(estate, half))
    return unsigned_zero(claims - _constrained_equal_awards(claims.sum() - estate, half))


def voting_core(weights: tuple[int, ...], quota: int) -> tuple[bool, np.ndarray]:
    """(core is empty, veto players). A winning grand coalition has a non-empty core exactly
    when some player belongs to every winning coalition; the core then gives all to them."""
    total = sum(weights)
    if total < quota:
        return False, np.zeros(len(weights), dtype=bool)
    veto = np.array([total - w < quota for w in weights])
    return not veto.any(), veto


def voting_in_core(weights: tuple[int, ...], quota: int, x: FloatVector, tol: float) -> bool:
    empty, veto = voting_core(weights, quota)
    if empty:
        return False
    grand = 1.0 if sum(weights) >= quota else 0.0
    return bool(
        abs(x.sum() - grand) <= tol and np.all(x >= -tol) and np.all(np.abs(x[~veto]) <= tol)
    )


def bankruptcy_in_core(estate: float, claims: FloatVector, x: FloatVector, tol: float) -> bool:
    """x(S) >= max(0, E - C + c(S)) for every proper S: x >= 0 and the least value of
    (x - c)(S) over proper S is at least E - C (O(n))."""
    grand = max(0.0, estate)
    if abs(x.sum() - grand) > tol or np.any(x < -tol):
        return False
    gaps = x - claims
    negative = gaps[gaps < 0]
    least = negative.sum() if len(negative) < len(x) else negative.sum() - negative.max()
    return bool(least >= estate - claims.sum() - tol)


def airport_in_core(costs: FloatVector, x: FloatVector, tol: float) -> bool:
    """x(S) <= max cost in S for every S: for each player j, j with every player no costlier
    whose share is positive is the most demanding coalition whose largest cost is c_j."""
    if abs(x.sum() - costs.max()) > tol:
        return False
    positive = np.maximum(x, 0.0)
    for j, cost in enumerate(costs):
        cheaper = costs <= cost
        cheaper[j] = False
        if x[j] + positive[cheaper].sum() > cost + tol:
            return False
    return True
