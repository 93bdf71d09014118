"""Flow-cover cuts of the requirements: valid inequalities that tighten the formation MILP's
relaxation where it shares organisations' coordination costs.

The relaxation's weakness is an organisation with many people taking part a fraction y < 1 of
the way, paying that fraction of its coordination for a little of several requirements. For a
requirement r of d hours, let X[o] be organisation o's hours on it (the sum of its pairs'
columns) and u[o] the most it can give there (at most d, and at most its people's hours on r),
so that X[o] <= u[o] y[o]. If the organisations of a set C can give only u(C) = d - λ < d
between them, then for any set L of the others

    sum over o outside C and L of X[o]  +  λ sum over o in L of y[o]  >=  λ

holds for every consortium: either some organisation of L takes part (its term alone is λ), or
none does and the others outside C give at least d - u(C) = λ hours. These are the flow-cover
inequalities of the requirement's demand (Van Roy and Wolsey, 1986), with C the cover and L the
organisations counted by their binaries. A relaxation's solution violates one when C holds the
organisations it opens fully and L those it opens a little for many hours (λ y[o] < X[o]).
"""

from __future__ import annotations

import highspy
import numpy as np
from numpy.typing import NDArray

#: A cut is added when the relaxation's solution violates it by more than this share of λ.
MIN_VIOLATION = 1e-3


class FlowCovers:
    """The requirements' flow-cover cuts for a model whose first columns are the hours of the
    pairs and whose organisations' binaries follow (`y_cols`)."""

    def __init__(
        self,
        requirement: NDArray[np.int64],
        owner: NDArray[np.int64],
        upper: NDArray[np.float64],
        needed: NDArray[np.float64],
        y_cols: NDArray[np.int32],
    ):
        n_orgs, n_r = len(y_cols), len(needed)
        self.requirement, self.owner, self.needed, self.y_cols = requirement, owner, needed, y_cols
        self._cell = owner * n_r + requirement
        most = np.bincount(self._cell, weights=upper, minlength=n_orgs * n_r)
        #: most[o, r]: the most hours organisation o can give requirement r
        self.most = np.minimum(most.reshape(n_orgs, n_r), needed[None, :])
        self._columns = [np.flatnonzero(requirement == r) for r in range(n_r)]

    def add_violated(self, highs: highspy.Highs, values: NDArray[np.float64]) -> int:
        """Add to `highs` each requirement's most violated cuts at these column values (of the
        whole model), one per way of ordering the covers (`_most_violated`); how many."""
        n_x, n_orgs, n_r = len(self.requirement), len(self.y_cols), len(self.needed)
        y = values[self.y_cols]
        given = np.bincount(self._cell, weights=values[:n_x], minlength=n_orgs * n_r)
        given = given.reshape(n_orgs, n_r)
        inside = (given > 1e-9) | ((y > 1e-9)[:, None] & (self.most > 0))
        added = 0
        for r in np.flatnonzero(inside.any(axis=0)):
            support = np.flatnonzero(inside[:, r])
            covers: list[NDArray[np.bool_]] = []
            for cut in self._most_violated(int(r), support, given[support, r], y[support]):
                lam, cover, counted = cut
                if any(np.array_equal(cover, c) for c in covers):
                    continue
                covers.append(cover)
                columns = self._columns[r]
                hours = columns[~(cover | counted)[self.owner[columns]]]
                binaries = self.y_cols[counted]
                indices = np.r_[hours, binaries].astype(np.int32)
                coefficients = np.r_[np.ones(len(hours)), np.full(len(binaries), lam)]
                highs.addRow(lam, highspy.kHighsInf, len(indices), indices, coefficients)
                added += 1
        return added

    def _most_violated(
        self,
        r: int,
        support: NDArray[np.int64],
        given: NDArray[np.float64],
        y: NDArray[np.float64],
    ) -> list[tuple[float, NDArray[np.bool_], NDArray[np.bool_]]]:
        """Requirement r's most violated cuts among those whose cover is a prefix of the
        organisations the solution uses (`support`, with their hours `given` and binaries `y`)
        in two orders: the most open first (ties: the fullest, the share of what they could
        give that they give), and the fullest first (ties: the most open). Each cut: its λ,
        cover and counted binaries (masks over all organisations)."""
        most = self.most[support, r]
        fullness = given / np.maximum(most, 1e-12)
        cuts = []
        for keys in ((-fullness, -y), (-y, -fullness)):
            order = np.lexsort(keys)
            # prefix k: the cover is order[:k], λ_k = d - u(order[:k]) (only while positive)
            lam = self.needed[r] - np.r_[0.0, np.cumsum(most[order])]
            lam = lam[lam > 1e-9]
            outside = np.arange(len(order))[None, :] >= np.arange(len(lam))[:, None]
            share = np.minimum(given[order][None, :], lam[:, None] * y[order][None, :])
            violation = lam - np.where(outside, share, 0.0).sum(axis=1)
            best = int(np.argmax(violation))
            if violation[best] <= MIN_VIOLATION * lam[best]:
                continue
            cover = np.zeros(len(self.most), dtype=bool)
            cover[support[order[:best]]] = True
            counted = np.zeros(len(self.most), dtype=bool)
            counted[support] = lam[best] * y < given - 1e-12
            counted &= ~cover
            cuts.append((float(lam[best]), cover, counted))
        return cuts
