"""Exact Shapley and raw Banzhaf values of a game given as a dense vector of 2^n values."""

from __future__ import annotations

from math import comb

import numpy as np
from numpy.typing import ArrayLike

from coopnet.engine.errors import BadInput
from coopnet.engine.games.subsets import FloatVector, popcounts, sums_containing
from coopnet.engine.numeric import unsigned_zero


def as_dense(values: ArrayLike) -> tuple[FloatVector, int]:
    """Validate a dense game vector (length 2^n, finite, v(empty) = 0) and return it with n."""
    v = np.ascontiguousarray(values, dtype=np.float64)
    n = len(v).bit_length() - 1
    if v.ndim != 1 or len(v) < 2 or len(v) != 1 << n:
        raise BadInput("values: a dense game needs 2^n entries for some n >= 1")
    if not np.all(np.isfinite(v)):
        raise BadInput("values: every value must be a finite number")
    if v[0] != 0:
        raise BadInput("values: the empty coalition must be worth 0")
    return v, n


def shapley_exact(values: ArrayLike) -> FloatVector:
    """The Shapley value of a dense game, in O(2^n) time.

    phi_i = sum over S containing i of v(S)(a_s + b_s) - sum over all S of v(S) b_s, where
    a_s = (s-1)!(n-s)!/n! weighs S as a coalition i joins last and b_s = s!(n-s-1)!/n! weighs S
    as one that i does not join; both reduce to one weighted vector and one folding pass.

    >>> shapley_exact([0, 1, 2, 6]).tolist()
    [2.5, 3.5]
    """
    v, n = as_dense(values)
    if n == 1:
        return unsigned_zero(np.array([v[1]]))
    sizes = np.arange(n + 1)
    without = np.array([1 / (n * comb(n - 1, s)) if s < n else 0.0 for s in sizes])
    inside = np.array([1 / ((n - 1) * comb(n - 2, s - 1)) if 0 < s < n else 0.0 for s in sizes])
    inside[n] = 1 / n
    s_of = popcounts(n)
    result: FloatVector = sums_containing(v * inside[s_of]) - float(v @ without[s_of])
    return unsigned_zero(result)


def banzhaf_exact(values: ArrayLike) -> FloatVector:
    """The raw Banzhaf value: each player's mean marginal contribution over 2^(n-1) coalitions.

    >>> banzhaf_exact([0, 1, 2, 6]).tolist()
    [2.5, 3.5]
    """
    v, n = as_dense(values)
    result: FloatVector = (2 * sums_containing(v) - v.sum()) / 2 ** (n - 1)
    return unsigned_zero(result)


def added_values(values: ArrayLike) -> FloatVector:
    """v(N) - v(N minus i) for every player i."""
    v, n = as_dense(values)
    full = (1 << n) - 1
    return unsigned_zero(np.array([v[full] - v[full ^ (1 << i)] for i in range(n)]))
