"""Bitmask arithmetic over all 2^n coalitions: bit i of a mask is player i."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

FloatVector = NDArray[np.float64]


@lru_cache(maxsize=4)
def popcounts(n: int) -> NDArray[np.uint8]:
    """|S| for every mask S in 0 .. 2^n - 1 (cached: read-only)."""
    sizes = np.bitwise_count(np.arange(1 << n, dtype=np.uint32)).astype(np.uint8)
    sizes.flags.writeable = False
    return sizes


def subset_sums(x: FloatVector) -> FloatVector:
    """x(S) = sum of x_i over i in S, for every mask S (2^n additions)."""
    n = len(x)
    out = np.empty(1 << n)
    out[0] = 0.0
    for i in range(n):
        half = 1 << i
        np.add(out[:half], x[i], out=out[half : 2 * half])
    return out


def subset_maxima(c: FloatVector) -> FloatVector:
    """max of c_i over i in S for every mask S, with 0 for the empty set (c >= 0)."""
    n = len(c)
    out = np.empty(1 << n)
    out[0] = 0.0
    for i in range(n):
        half = 1 << i
        np.maximum(out[:half], c[i], out=out[half : 2 * half])
    return out


def sums_containing(w: FloatVector) -> FloatVector:
    """T_i = sum of w(S) over the masks S that contain i, for every player i.

    Folding the top half onto the bottom half halves the array at each player, so all n
    sums cost about 2 * 2^n additions instead of n * 2^(n-1).
    """
    n = len(w).bit_length() - 1
    totals = np.empty(n)
    current = w
    for i in reversed(range(n)):
        half = 1 << i
        totals[i] = current[half:].sum()
        current = current[:half] + current[half:]
    return totals


def mask_of(indices: list[int]) -> int:
    mask = 0
    for i in indices:
        mask |= 1 << i
    return mask


def members_of(mask: int, n: int) -> list[int]:
    return [i for i in range(n) if mask >> i & 1]


def masks_to_matrix(masks: NDArray[np.int64], n: int) -> NDArray[np.float64]:
    """Rows of 0/1 indicator vectors, one per mask."""
    bits = (masks[:, None] >> np.arange(n, dtype=np.int64)) & 1
    return bits.astype(np.float64)
