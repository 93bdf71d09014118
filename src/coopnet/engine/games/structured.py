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

#: The voting dynamic programme keeps a table of (players, total weight) counts; beyond this many
#: cells it is refused rather than left to exhaust memory.
MAX_VOTING_CELLS = 400_000_000


def _losing_counts(weights: list[int], quota: int) -> np.ndarray:
    """counts[k, w] = number of coalitions of size k with total weight w, for w < quota only.

    Only additions of non-negative counts, so the float64 table is exact up to 2^53 and
    accurate to rounding beyond; heavier coalitions are dropped since they already win.
    """
    counts = np.zeros((len(weights) + 1, quota))
    counts[0, 0] = 1.0
    for w in weights:
        if w < quota:
            counts[1:, w:] += counts[:-1, : quota - w].copy()
    return counts


def _swings_by_weight(weights: tuple[int, ...], quota: int) -> dict[int, np.ndarray]:
    """For each distinct weight w, swings[k]: coalitions S of size k of the others (a player of
    weight w left out) that lose alone and win with that player. Equal weights, equal swings."""
    result: dict[int, np.ndarray] = {}
    for w in set(weights):
        others = list(weights)
        others.remove(w)
        low = max(0, quota - w)
        counts = _losing_counts(others, quota)
        result[w] = counts[:, low:quota].sum(axis=1)
    return result


def _check_voting_size(weights: tuple[int, ...], quota: int) -> None:
    cells = len(set(weights)) * len(weights) ** 2 * max(quota, 1)
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
    return np.array([float(swings[w] @ factor) for w in weights])


def voting_banzhaf(weights: tuple[int, ...], quota: int) -> FloatVector:
    """Raw Banzhaf value: swings of each player over the 2^(n-1) coalitions of the others."""
    _check_voting_size(weights, quota)
    n = len(weights)
    swings = _swings_by_weight(weights, quota)
    return np.array([swings[w].sum() / 2 ** (n - 1) for w in weights])


def airport_shapley(costs: FloatVector) -> FloatVector:
    """Littlechild–Owen: each cost increment is shared equally by everyone who needs it."""
    order = np.argsort(costs, kind="stable")
    sorted_costs = np.concatenate([[0.0], costs[order]])
    n = len(costs)
    increments = np.diff(sorted_costs) / (n - np.arange(n))
    shares = np.empty(n)
    shares[order] = np.cumsum(increments)
    return shares


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
        return _constrained_equal_awards(estate, half)
    return claims - _constrained_equal_awards(claims.sum() - estate, half)
