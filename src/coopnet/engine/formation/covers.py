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
        cells = np.bincount(self._cell, weights=values[:n_x], minlength=n_orgs * n_r)
        given = np.asarray(cells, dtype=np.float64).reshape(n_orgs, n_r)
        inside = (given > 1e-9) | ((y > 1e-9)[:, None] & (self.most > 0))
        indices: list[NDArray[np.int64]] = []
        coefficients: list[NDArray[np.float64]] = []
        lams: list[float] = []
        previous: tuple[int, NDArray[np.bool_]] | None = None
        for r, lam, cover, counted in self._most_violated(inside, given, y):
            if previous is not None and previous[0] == r and np.array_equal(previous[1], cover):
                continue  # both orders found the same cover
            previous = (r, cover)
            columns = self._columns[r]
            hours = columns[~(cover | counted)[self.owner[columns]]]
            binaries = self.y_cols[counted]
            indices.append(np.concatenate([hours, binaries]))
            coefficients.append(np.concatenate([np.ones(len(hours)), np.full(len(binaries), lam)]))
            lams.append(lam)
        if lams:
            lengths = np.array([len(i) for i in indices])
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int32)
            highs.addRows(
                len(lams),
                np.array(lams),
                np.full(len(lams), highspy.kHighsInf),
                int(lengths.sum()),
                starts,
                np.concatenate(indices).astype(np.int32),
                np.concatenate(coefficients),
            )
        return len(lams)

    def _most_violated(
        self,
        inside: NDArray[np.bool_],
        given: NDArray[np.float64],
        y: NDArray[np.float64],
    ) -> list[tuple[int, float, NDArray[np.bool_], NDArray[np.bool_]]]:
        """Each requirement's most violated cuts among those whose cover is a prefix of the
        organisations the solution uses there (`inside`, an organisations x requirements
        mask, with their hours `given` there and binaries `y`) in two orders: the most open
        first (ties: the fullest, the share of what they could give that they give), and the
        fullest first (ties: the most open). Each cut: its requirement, λ, cover and counted
        binaries (masks over all organisations). All requirements at once: each one's
        organisations are packed at the front of a row (`support`), the rest padding."""
        active = np.flatnonzero(inside.any(axis=0))
        if not len(active):
            return []
        inside_t = inside.T[active]
        sizes = inside_t.sum(axis=1)
        n = int(sizes.max())
        support = np.argsort(~inside_t, axis=1, kind="stable")[:, :n]
        real = np.take_along_axis(inside_t, support, axis=1)
        given_s = np.where(real, np.take_along_axis(given.T[active], support, axis=1), 0.0)
        most_s = np.where(real, np.take_along_axis(self.most.T[active], support, axis=1), 0.0)
        y_s = np.where(real, y[support], 0.0)
        fullness = given_s / np.maximum(most_s, 1e-12)
        needed = self.needed[active]
        prefix = np.arange(n + 1)[None, :]
        later = np.arange(n)[None, None, :] >= np.arange(n + 1)[None, :, None]
        rows = np.arange(len(active))
        cuts = []
        for keys in ((-fullness, -y_s, ~real), (-y_s, -fullness, ~real)):
            order = np.lexsort(keys, axis=1)
            g, u, o = (np.take_along_axis(a, order, axis=1) for a in (given_s, most_s, y_s))
            # prefix k: the cover is the first k, λ_k = d - u(cover) (only while positive)
            lam = needed[:, None] - np.concatenate(
                [np.zeros((len(active), 1)), np.cumsum(u, axis=1)], axis=1
            )
            share = np.minimum(g[:, None, :], lam[:, :, None] * o[:, None, :])
            violation = lam - np.where(later, share, 0.0).sum(axis=2)
            violation[(lam <= 1e-9) | (prefix > sizes[:, None])] = -np.inf
            best = np.argmax(violation, axis=1)
            lam_best = lam[rows, best]
            found = violation[rows, best] > MIN_VIOLATION * lam_best
            for i in np.flatnonzero(found):
                members = support[i][order[i]][: sizes[i]]
                cover = np.zeros(len(self.most), dtype=bool)
                cover[members[: best[i]]] = True
                counted = np.zeros(len(self.most), dtype=bool)
                s_i = support[i][: sizes[i]]
                counted[s_i] = lam_best[i] * y[s_i] < given[s_i, active[i]] - 1e-12
                counted &= ~cover
                cuts.append((int(active[i]), float(lam_best[i]), cover, counted))
        cuts.sort(key=lambda cut: cut[0])  # stable: per requirement, the first order's first
        return cuts
