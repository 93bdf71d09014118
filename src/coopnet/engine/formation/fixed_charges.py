"""The fixed charges of a formation model: a binary per organisation taking part.

Without coordination costs or a cap on organisations the model is a transportation problem, an
LP. With them it is a fixed-charge MILP: a binary y[o] per organisation, x[p, r] <= upper y[o]
for its people's hours, the coordination cost on y[o] and the cap on the sum of the y.
"""

from __future__ import annotations

import highspy
import numpy as np
from numpy.typing import NDArray

from coopnet.engine.network import Network, Opportunity

#: Half a penny: a MILP reported optimal is optimal to the cent.
MIP_ABSOLUTE_GAP = 0.005


def needs_mip(network: Network, opportunity: Opportunity, orgs: NDArray[np.int64]) -> bool:
    """Whether these organisations' model needs the binaries (a cap or a coordination cost)."""
    return opportunity.max_organisations is not None or bool(np.any(network.coordination[orgs] > 0))


def add_fixed_charges(
    highs: highspy.Highs,
    owner: NDArray[np.int64],
    upper: NDArray[np.float64],
    orgs: NDArray[np.int64],
    coordination: NDArray[np.float64],
    cap: int | None,
) -> NDArray[np.int64]:
    """Add a binary y per organisation in `orgs` (costing its coordination), link every hours
    column k to its owner's y (x_k <= upper_k y), and cap the sum of y. The hours columns must
    be the model's first len(owner) columns. Returns the y column of each hours column."""
    n_x = len(owner)
    y_cols = add_organisation_binaries(highs, orgs, coordination, cap)
    y_of = y_cols[np.searchsorted(orgs, owner)].astype(np.int64)
    indices = np.empty(2 * n_x, dtype=np.int32)
    indices[0::2], indices[1::2] = np.arange(n_x), y_of
    values = np.empty(2 * n_x)
    values[0::2], values[1::2] = 1.0, -upper
    starts = np.arange(0, 2 * n_x, 2, dtype=np.int32)
    highs.addRows(
        n_x, np.full(n_x, -highspy.kHighsInf), np.zeros(n_x), 2 * n_x, starts, indices, values
    )
    return y_of


def add_organisation_binaries(
    highs: highspy.Highs,
    orgs: NDArray[np.int64],
    coordination: NDArray[np.float64],
    cap: int | None,
) -> NDArray[np.int32]:
    """Add a binary y per organisation in `orgs` (costing its coordination) and cap their sum;
    the links from the hours columns are the caller's. Returns the y columns."""
    n_y = len(orgs)
    first = highs.getNumCol()
    highs.addVars(n_y, np.zeros(n_y), np.ones(n_y))
    y_cols = np.arange(first, first + n_y, dtype=np.int32)
    highs.changeColsCost(n_y, y_cols, coordination)
    highs.changeColsIntegrality(n_y, y_cols, np.full(n_y, highspy.HighsVarType.kInteger))
    if cap is not None:
        highs.addRow(-highspy.kHighsInf, float(cap), n_y, y_cols, np.ones(n_y))
    return y_cols
