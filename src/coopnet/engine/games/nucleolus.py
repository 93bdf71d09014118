"""Nucleolus, prenucleolus and least core of a dense game, each result certified.

The sequential LP of Maschler, Peleg and Shapley (1979): minimise the largest excess
e(S, x) = v(S) - x(S), fix the coalitions that are tight in every optimum (those with a positive
dual), and repeat on the rest until the fixed coalitions determine x. Each LP starts with 2n
coalitions and adds the most violated ones (constraint generation), so it stays small even when
there are 2^20 coalitions; warm starts make the re-solves cheap. The answer is then polished by
least squares on its fixed coalitions and checked with Kohlberg's criterion (1971) before it is
returned: every collection of coalitions with excess at least t must be balanced.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coopnet.engine.errors import SolverError, Undefined
from coopnet.engine.games.lp import INF, LinearProgram
from coopnet.engine.games.subsets import FloatVector, masks_to_matrix, subset_sums
from coopnet.engine.games.values import as_dense
from coopnet.engine.numeric import unsigned_zero

_DUAL_TOL = 1e-9
_SPAN_TOL = 1e-10


def prenucleolus(values: ArrayLike) -> FloatVector:
    """The prenucleolus: lexicographically smallest excesses over all efficient allocations.

    >>> prenucleolus([0, 0, 0, 10, 0, 0, 0, 2]).round(9).tolist()
    [3.0, 3.0, -4.0]
    """
    v, n = as_dense(values)
    unit = _unit(v)
    return unsigned_zero(_SequentialLP(v / unit, n, imputation=False).solve() * unit)


def nucleolus(values: ArrayLike) -> FloatVector:
    """The nucleolus: as the prenucleolus, over imputations (x_i >= v({i}), sum x = v(N)).

    Raises `Undefined` when there are no imputations (sum of v({i}) exceeds v(N)). When the
    stand-alone values use up v(N), to within rounding, the one imputation gives each player
    its stand-alone value.

    >>> nucleolus([0, 0, 0, 10, 0, 0, 0, 2]).round(9).tolist()
    [1.0, 1.0, 0.0]
    """
    v, n = as_dense(values)
    singles: FloatVector = v[1 << np.arange(n)]
    shortage = singles.sum() - v[-1]
    if shortage > 1e-9 * max(1.0, float(np.abs(v).max())):
        raise Undefined(
            "no imputation exists: the players' stand-alone values add up to more than v(N)"
        )
    if shortage >= 0:
        # a shortage within the tolerance is rounding, but too much for the LP's bounds
        return unsigned_zero(singles)
    unit = _unit(v)
    x = _SequentialLP(v / unit, n, imputation=True).solve() * unit
    # the players held at v({i}) in the LPs' units get v({i}) itself, not an ulp below it
    bounded: FloatVector = np.maximum(x, singles)
    return unsigned_zero(bounded)


def least_core_epsilon(values: ArrayLike) -> float | None:
    """The smallest eps such that some efficient x has x(S) >= v(S) - eps for every proper S.

    The core is empty exactly when eps > 0. None for one player (no proper coalition).
    """
    v, n = as_dense(values)
    if n == 1:
        return None
    unit = _unit(v)
    return unsigned_zero(_SequentialLP(v / unit, n, imputation=False).first_level() * unit)


def _unit(v: FloatVector) -> float:
    """The LPs are solved on the game divided by its largest value, so that the solver's
    absolute tolerances mean the same for a game in pennies as for one in millions."""
    largest = float(np.abs(v).max())
    return largest if largest > 0 else 1.0


class _SequentialLP:
    """One run of the sequential LP. Columns: x_0 .. x_{n-1}, then eps."""

    def __init__(self, v: FloatVector, n: int, imputation: bool):
        self.v, self.n, self.imputation = v, n, imputation
        self.full = (1 << n) - 1
        self.scale = max(1.0, float(np.abs(v).max()))
        self.tol = 1e-9 * self.scale
        self.singles = v[1 << np.arange(n)]
        lower = self.singles if imputation else np.full(n, -INF)
        self.lp = LinearProgram(
            costs=[0.0] * n + [1.0], lower=[*lower, -INF], upper=[INF] * (n + 1)
        )
        self.lp.add_rows(
            np.array([v[self.full]]),
            np.array([v[self.full]]),
            [(np.arange(n, dtype=np.int32), np.ones(n))],
        )
        self.row_masks: list[int] = [self.full]
        self.open_rows: list[int] = []
        self.fixed: list[tuple[int, float]] = [(self.full, 0.0)]
        self.in_lp = np.zeros(1 << n, dtype=bool)
        self.in_lp[self.full] = True
        self.free = np.ones(1 << n, dtype=bool)
        self.free[[0, self.full]] = False
        self.rank = 1
        self.rng = np.random.default_rng(0)

    def first_level(self) -> float:
        self._add_initial_rows()
        eps, _, _ = self._solve_level()
        return eps

    def solve(self) -> FloatVector:
        self._add_initial_rows()
        while self.rank < self.n:
            rank = self.rank
            eps, _, duals = self._solve_level()
            self._fix(eps, duals)
            if self.rank <= rank:  # each level fixes a coalition outside the span: never loop
                raise SolverError("the nucleolus LP fixed no new coalition at a level")
        x = self._polish()
        if not kohlberg_certified(self.v, x, self.imputation):
            raise SolverError("the nucleolus LP's answer failed Kohlberg's criterion")
        return x

    def _add_initial_rows(self) -> None:
        singles = [1 << i for i in range(self.n)]
        initial = {m for m in singles + [self.full ^ m for m in singles] if m != self.full}
        self._add_rows(np.array(sorted(initial), dtype=np.int64))

    def _add_rows(self, masks: NDArray[np.int64]) -> None:
        if len(masks) == 0:
            return
        n = self.n
        rows = []
        for mask in masks.tolist():
            members = [i for i in range(n) if mask >> i & 1] + [n]
            rows.append((np.array(members, dtype=np.int32), np.ones(len(members))))
            self.open_rows.append(self.lp.num_rows + len(rows) - 1)
            self.row_masks.append(mask)
        self.lp.add_rows(self.v[masks], np.full(len(masks), INF), rows)
        self.in_lp[masks] = True

    def _solve_level(self) -> tuple[float, FloatVector, FloatVector]:
        """Solve the current LP, adding violated coalitions until none is left."""
        batch = max(2 * self.n, 16)
        while True:
            eps, columns, duals = self.lp.solve()
            excess = self.v - subset_sums(columns[: self.n])
            violated = np.flatnonzero(self.free & ~self.in_lp & (excess > eps + self.tol))
            if len(violated) == 0:
                return eps, columns[: self.n], duals
            if len(violated) > batch:
                top = np.argpartition(excess[violated], -batch)[-batch:]
                violated = violated[top]
            self._add_rows(violated.astype(np.int64))

    def _fix(self, eps: float, duals: FloatVector) -> None:
        """Turn the open rows with a positive dual into equalities at level eps."""
        still_open = []
        for row in self.open_rows:
            mask = self.row_masks[row]
            if abs(duals[row]) > _DUAL_TOL:
                self.lp.set_coefficient(row, self.n, 0.0)
                self.lp.set_row_bounds(row, self.v[mask] - eps, self.v[mask] - eps)
                self.fixed.append((mask, eps))
            else:
                still_open.append(row)
        self._update_span()
        self.open_rows = []
        for row in still_open:
            if self.free[self.row_masks[row]]:
                self.open_rows.append(row)
            else:  # its excess is now determined by the fixed coalitions
                self.lp.set_row_bounds(row, -INF, INF)

    def _update_span(self) -> None:
        """Mark every coalition in the span of the fixed ones as no longer free.

        1_S is in the span iff z(S) = 0 for every z in the null space; two random vectors of the
        null space decide that for all 2^n coalitions at once with probability one.
        """
        fixed = masks_to_matrix(np.array([m for m, _ in self.fixed], dtype=np.int64), self.n)
        _, sigma, vt = np.linalg.svd(fixed)
        self.rank = int((sigma > 1e-9 * sigma[0]).sum())
        if self.rank >= self.n:
            self.free[:] = False
            return
        null = vt[self.rank :].T
        for _ in range(2):
            z = null @ self.rng.standard_normal(null.shape[1])
            z /= np.linalg.norm(z)
            self.free &= np.abs(subset_sums(z)) > _SPAN_TOL

    def _polish(self) -> FloatVector:
        """Solve the fixed equalities x(S) = v(S) - eps_S by least squares, to full precision.

        For the nucleolus, the players the LPs hold at their stand-alone value (within the
        LPs' accuracy) are held there exactly: least squares, which does not see the bounds
        x_i >= v({i}), would put them a rounding error below (-1e-17 for a bound of 0, which
        rounds to -0.0).
        """
        masks = np.array([m for m, _ in self.fixed], dtype=np.int64)
        levels = np.array([eps for _, eps in self.fixed])
        matrix, target = masks_to_matrix(masks, self.n), self.v[masks] - levels
        x: FloatVector = np.linalg.lstsq(matrix, target)[0]
        if not self.imputation:
            return x
        held = np.flatnonzero(x - self.singles <= self.tol)
        if len(held):
            rows = np.vstack([matrix, np.eye(self.n)[held]])
            x = np.linalg.lstsq(rows, np.r_[target, self.singles[held]])[0].astype(np.float64)
            x[held] = self.singles[held]
        return x


def kohlberg_certified(v: FloatVector, x: FloatVector, imputation: bool) -> bool:
    """Kohlberg's criterion, checked level by level until the levels span R^n.

    For the prenucleolus, every collection D(t) = {S : e(S, x) >= t} must be balanced; for the
    nucleolus, D(t) together with the singletons {i} with x_i = v({i}) must be weakly balanced
    (positive weights on D(t), non-negative on those singletons). Once D(t) and N span R^n, any
    other efficient allocation raises some excess of a coalition already checked, so the
    remaining levels need no check (Benedek, Fliege and Nguyen 2021).
    """
    n = len(x)
    full = (1 << n) - 1
    scale = max(1.0, float(np.abs(v).max()))
    group_tol = 1e-7 * scale
    excess = v - subset_sums(x)
    singles = v[1 << np.arange(n)]
    if abs(excess[full]) > group_tol or (imputation and np.any(x < singles - group_tol)):
        return False
    if n == 1:
        return True
    bound = np.flatnonzero(x - singles <= group_tol) if imputation else np.zeros(0, dtype=int)
    levels = _levels_until_spanning(excess, group_tol, n)
    cumulative = np.cumsum([len(level) for level in levels]).sum()
    if cumulative <= _ONE_LP_COLUMNS:
        return _all_balanced(levels, n, bound)
    check = _BalancedCheck(n, bound)
    return all(check.add_level(level) for level in levels)


#: Up to this many columns, every level's balancedness is decided by one LP (one solver run
#: instead of one per level); beyond, level by level in a growing LP.
_ONE_LP_COLUMNS = 20_000


def _levels_until_spanning(excess: FloatVector, tol: float, n: int) -> list[NDArray[np.int64]]:
    """The levels, highest excess first, up to the one where they and N span R^n."""
    tracker = _BalancedCheck.__new__(_BalancedCheck)
    tracker.n, tracker.basis, tracker.rank = n, np.ones((1, n)) / np.sqrt(n), 1
    levels = []
    for level in _levels(excess, tol):
        levels.append(level)
        tracker._extend_basis(masks_to_matrix(level, n))
        if tracker.rank == n:
            break
    return levels


def _all_balanced(levels: list[NDArray[np.int64]], n: int, bound: NDArray[np.int64]) -> bool:
    """One LP with a block per level k: weights lambda >= 1 on the coalitions of levels 1..k,
    mu >= 0 on the bound singletons, and t free, with sum lambda_S 1_S + sum mu_i e_i = t 1_N.
    Feasible exactly when every cumulative collection is (weakly) balanced."""
    program = LinearProgram(costs=[], lower=[], upper=[])
    rows = n * len(levels)
    empty = (np.zeros(0, dtype=np.int32), np.zeros(0))
    program.add_rows(np.zeros(rows), np.zeros(rows), [empty] * rows)
    lower: list[float] = []
    columns: list[tuple[NDArray[np.int32], NDArray[np.float64]]] = []
    collection = np.zeros(0, dtype=np.int64)
    for k, level in enumerate(levels):
        collection = np.concatenate([collection, level])
        offset = k * n
        members = masks_to_matrix(collection, n)
        for row in members:
            columns.append((np.flatnonzero(row).astype(np.int32) + offset, row[row != 0]))
            lower.append(1.0)
        for i in bound:
            columns.append((np.array([offset + i], dtype=np.int32), np.ones(1)))
            lower.append(0.0)
        columns.append((np.arange(offset, offset + n, dtype=np.int32), -np.ones(n)))
        lower.append(-INF)
    program.add_columns(np.array(lower), np.full(len(lower), INF), columns)
    return program.feasible()


def _levels(excess: FloatVector, tol: float) -> Iterator[NDArray[np.int64]]:
    """The proper coalitions grouped by excess, highest first (ties within tol).

    Sorts only as many of the highest excesses as are needed, doubling the window when a
    level reaches its end.
    """
    total = len(excess) - 2
    proper = excess[1:-1]
    window = min(total, 64 * len(excess).bit_length())
    start = 0
    while start < total:
        top = np.argpartition(-proper, window - 1)[:window] if window < total else np.arange(total)
        order = top[np.argsort(-proper[top], kind="stable")]
        while start < len(order):
            level = proper[order[start]]
            stop = start
            while stop < len(order) and proper[order[stop]] >= level - tol:
                stop += 1
            if stop == len(order) and window < total:
                break  # the level may go on beyond the window
            yield order[start:stop].astype(np.int64) + 1
            start = stop
        window = min(total, 2 * window)


class _BalancedCheck:
    """Is the growing collection weakly balanced: some lambda_S >= 1 and mu_i >= 0 (i bound)
    with sum lambda_S 1_S + sum mu_i e_i = t 1_N? One LP, columns added level by level."""

    def __init__(self, n: int, bound: NDArray[np.int64]):
        self.n = n
        self.lp = LinearProgram(costs=[0.0], lower=[-INF], upper=[INF])
        rows = [(np.array([0], dtype=np.int32), np.array([-1.0])) for _ in range(n)]
        self.lp.add_rows(np.zeros(n), np.zeros(n), rows)
        if len(bound):
            singles = [(np.array([i], dtype=np.int32), np.ones(1)) for i in bound]
            self.lp.add_columns(np.zeros(len(bound)), np.full(len(bound), INF), singles)
        self.basis = np.ones((1, n)) / np.sqrt(n)
        self.rank = 1

    def add_level(self, masks: NDArray[np.int64]) -> bool:
        members = masks_to_matrix(masks, self.n)
        columns = [(np.flatnonzero(row).astype(np.int32), row[row != 0]) for row in members]
        self.lp.add_columns(np.ones(len(masks)), np.full(len(masks), INF), columns)
        self._extend_basis(members)
        return self.lp.feasible()

    def _extend_basis(self, members: NDArray[np.float64]) -> None:
        for row in members:
            if self.rank == self.n:
                return
            residual = row - self.basis.T @ (self.basis @ row)
            norm = float(np.linalg.norm(residual))
            if norm > 1e-9:
                self.basis = np.vstack([self.basis, residual / norm])
                self.rank += 1
