"""A thin, typed wrapper over HiGHS for the small LPs of the game engine."""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import SolverError

INF = highspy.kHighsInf


_FAST_OPTIONS = {"presolve": "off", "solver": "simplex", "simplex_strategy": 4}
_ROBUST_OPTIONS = {"presolve": "choose", "solver": "choose", "simplex_strategy": 1}

_DECIDED = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible)

Sparse = list[tuple[NDArray[np.int32], NDArray[np.float64]]]


def _pack(vectors: Sparse) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    """Sparse (indices, values) vectors as HiGHS wants them: starts, indices, values."""
    starts = np.zeros(len(vectors), dtype=np.int32)
    starts[1:] = np.cumsum([len(indices) for indices, _ in vectors])[:-1]
    indices = np.concatenate([i for i, _ in vectors]).astype(np.int32)
    values = np.concatenate([v for _, v in vectors]).astype(np.float64)
    return starts, indices, values


class LinearProgram:
    """min c.x subject to row bounds and column bounds, rows added and changed in place.

    Re-solves start from the previous basis, which is what makes sequential LPs cheap.
    """

    def __init__(self, costs: Sequence[float], lower: Sequence[float], upper: Sequence[float]):
        self._highs = highspy.Highs()
        self._highs.setOptionValue("output_flag", False)
        # The engine's LPs are small and re-solved many times: presolve costs more than it
        # saves, and primal simplex re-solves fastest from the previous basis (measured).
        # If that fails on a hard instance, `solve` retries once with HiGHS's defaults.
        for option, value in _FAST_OPTIONS.items():
            self._highs.setOptionValue(option, value)
        self._highs.setOptionValue("primal_feasibility_tolerance", 1e-10)
        self._highs.setOptionValue("dual_feasibility_tolerance", 1e-10)
        n = len(costs)
        self._highs.addCols(
            n,
            np.asarray(costs, dtype=np.float64),
            np.asarray(lower, dtype=np.float64),
            np.asarray(upper, dtype=np.float64),
            0,
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        self.num_rows = 0

    def add_rows(
        self, lower: NDArray[np.float64], upper: NDArray[np.float64], rows: Sparse
    ) -> None:
        starts, indices, values = _pack(rows)
        self._highs.addRows(len(rows), lower, upper, len(indices), starts, indices, values)
        self.num_rows += len(rows)

    def add_columns(
        self, lower: NDArray[np.float64], upper: NDArray[np.float64], columns: Sparse
    ) -> None:
        starts, indices, values = _pack(columns)
        costs = np.zeros(len(columns))
        self._highs.addCols(
            len(columns), costs, lower, upper, len(indices), starts, indices, values
        )

    def feasible(self) -> bool:
        """Whether the constraints can be met (for LPs used as feasibility checks)."""
        status = self._run()
        if status not in _DECIDED:
            reason = self._highs.modelStatusToString(status)
            raise SolverError(f"the LP solver could not decide feasibility ({reason})")
        return bool(status == highspy.HighsModelStatus.kOptimal)

    def _run(self) -> highspy.HighsModelStatus:
        """Run with the fast options; if that ends undecided, once more with HiGHS's defaults."""
        self._highs.run()
        status = self._highs.getModelStatus()
        if status not in _DECIDED:
            for option, value in _ROBUST_OPTIONS.items():
                self._highs.setOptionValue(option, value)
            self._highs.run()
            status = self._highs.getModelStatus()
            for option, value in _FAST_OPTIONS.items():
                self._highs.setOptionValue(option, value)
        return status

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        self._highs.changeRowBounds(row, lower, upper)

    def set_coefficient(self, row: int, column: int, value: float) -> None:
        self._highs.changeCoeff(row, column, value)

    def solve(self) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
        """Solve; return the objective, the column values and the row duals."""
        status = self._run()
        if status != highspy.HighsModelStatus.kOptimal:
            reason = self._highs.modelStatusToString(status)
            raise SolverError(f"the LP solver stopped with status {reason}")
        solution = self._highs.getSolution()
        objective = float(self._highs.getInfo().objective_function_value)
        return objective, np.array(solution.col_value), np.array(solution.row_dual)
