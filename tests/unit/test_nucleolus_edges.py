"""The nucleolus at its edges: imputations that barely exist, ties among excesses, and
Kohlberg's certificate checked both ways (one LP for all levels, or a growing LP level by level).
"""

from importlib import import_module

import numpy as np
import pytest
from game_strategies import random_dense_game

from coopnet.engine.errors import Undefined
from coopnet.engine.games import kohlberg_certified, least_core_epsilon, nucleolus, prenucleolus

# the package exports the function `nucleolus`, which hides the module of the same name
nucleolus_module = import_module("coopnet.engine.games.nucleolus")

NO_IMPUTATION = (
    r"^no imputation exists: the players' stand-alone values add up to more than v\(N\)$"
)


# --- When the stand-alone values use up v(N).
def test_stand_alone_values_that_exceed_v_n_leave_no_nucleolus():
    # 1 + 1 exceeds 2 - 3e-9 by 3e-9, beyond the tolerance 1e-9 * max(1, 2) = 2e-9
    with pytest.raises(Undefined, match=NO_IMPUTATION):
        nucleolus([0, 1, 1, 2 - 3e-9])
    # a game below 1 in size keeps the floor of 1: 0.5 + 0.5 - (1 - 1.5e-9) > 1e-9
    with pytest.raises(Undefined, match=NO_IMPUTATION):
        nucleolus([0, 0.5, 0.5, 1 - 1.5e-9])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # short by 1e-9, within the tolerance 2e-9: rounding, so the one imputation (1, 1);
        # the LPs, solved on the game scaled to 1, saw this as infeasible (a SolverError)
        ([0, 1, 1, 2 - 1e-9], [1, 1]),
        # short by exactly the tolerance, 1e-9 * max(1, 1e-9)
        ([0, 0, 0, -1e-9], [0, 0]),
        # a game in millions: short by 1e-3 of a tolerance of 2e-3
        ([0, 1e6, 1e6, 2e6 - 1e-3], [1e6, 1e6]),
        # 0.1 + 0.2 exceeds 0.3 by one rounding error
        ([0, 0.1, 0.2, 0.3], [0.1, 0.2]),
        # stand-alone values 2 + 3 + 1 = v(N) exactly
        ([0, 2, 3, 5, 1, 3, 4, 6], [2, 3, 1]),
    ],
)
def test_stand_alone_values_that_use_up_v_n_are_the_nucleolus(values, expected):
    assert nucleolus(values).tolist() == expected


def test_a_little_room_above_the_stand_alone_values_is_shared_by_the_lps():
    # v(N) exceeds 1 + 1 by 2e-6: the nucleolus splits the room equally
    assert nucleolus([0, 1, 1, 2 + 2e-6]) == pytest.approx([1 + 1e-6, 1 + 1e-6], abs=1e-12)


# --- The levels of excess, highest first, ties within the tolerance.
def reference_levels(excess, tol):
    """Group the proper coalitions by excess the slow way: sort, then cut where the excess
    falls more than tol below the first of the current level."""
    proper = np.arange(1, len(excess) - 1)
    order = proper[np.argsort(-excess[proper], kind="stable")]
    levels, start = [], 0
    while start < len(order):
        stop = start
        while stop < len(order) and excess[order[stop]] >= excess[order[start]] - tol:
            stop += 1
        levels.append(sorted(order[start:stop].tolist()))
        start = stop
    return levels


@pytest.mark.parametrize("n", [3, 6, 10, 11])
@pytest.mark.parametrize("seed", range(3))
def test_levels_group_every_proper_coalition_by_excess(n, seed):
    # excesses in quarters: many exact ties, and with a tolerance of a quarter, a level takes
    # in the next quarter down. From n = 10 the levels are sorted in windows of 64 (n + 1)
    # coalitions, which the ties straddle.
    rng = np.random.default_rng(seed)
    excess = rng.integers(-40, 40, 1 << n) / 4
    excess[0] = excess[-1] = 0.0
    for tol in (0.0, 0.1, 0.25):
        levels = [sorted(level.tolist()) for level in nucleolus_module._levels(excess, tol)]
        assert levels == reference_levels(excess, tol)
        assert sorted(m for level in levels for m in level) == list(range(1, (1 << n) - 1))


def test_a_level_takes_in_excesses_down_to_exactly_the_tolerance():
    # excesses 1, 0.75, 0.5 for masks 1, 2, 3 of (0, 1, 2, ..., 0): a tolerance of 0.25 puts
    # 1 and 0.75 together; 0.5 starts the next level
    excess = np.array([0, 1, 0.75, 0.5, 0.5, 0.25, 0.25, 0.0])
    levels = [level.tolist() for level in nucleolus_module._levels(excess, 0.25)]
    assert levels == [[1, 2], [3, 4, 5, 6]]


# --- Kohlberg's criterion, both ways of checking it.
@pytest.fixture(params=["one LP", "level by level"])
def certificate(request, monkeypatch):
    """Run a test with the one-LP check, and again with the growing LP used for large games."""
    if request.param == "level by level":
        monkeypatch.setattr(nucleolus_module, "_ONE_LP_COLUMNS", 0)
    return request.param


# v({1,2}) = 10, v(N) = 2, all else 0 (Maschler, Peleg and Shapley 1979): prenucleolus
# (3, 3, -4), nucleolus (1, 1, 0), worked by hand in test_games_known.
MPS = np.array([0, 0, 0, 10, 0, 0, 0, 2.0])
GLOVES = np.array([0, 0, 0, 1, 0, 1, 0, 1.0])


def test_each_nucleolus_is_certified_for_its_own_domain_only(certificate):
    assert kohlberg_certified(MPS, np.array([3.0, 3, -4]), imputation=False)
    assert not kohlberg_certified(MPS, np.array([3.0, 3, -4]), imputation=True)
    # at (1, 1, 0): e({0,1}) = 8 alone at the top, balanced only with player 2 held at v({2})
    assert kohlberg_certified(MPS, np.array([1.0, 1, 0]), imputation=True)
    assert not kohlberg_certified(MPS, np.array([1.0, 1, 0]), imputation=False)
    assert prenucleolus(MPS) == pytest.approx([3, 3, -4], abs=1e-9)
    assert nucleolus(MPS) == pytest.approx([1, 1, 0], abs=1e-9)


def test_the_glove_game_core_point_is_certified(certificate):
    # at (1, 0, 0) the excesses of {0,1}, {0,2}, {1}, {2} are all 0: balanced
    for imputation in (False, True):
        assert kohlberg_certified(GLOVES, np.array([1.0, 0, 0]), imputation)
        assert not kohlberg_certified(GLOVES, np.array([0.9, 0.1, 0]), imputation)
    assert nucleolus(GLOVES) == pytest.approx([1, 0, 0], abs=1e-9)


def test_an_allocation_off_v_n_or_below_a_stand_alone_value_is_not_certified(certificate):
    three = np.array([0, 10, 0, 50, 0, 40, 30, 90.0])  # nucleolus (40, 30, 20)
    assert kohlberg_certified(three, np.array([40.0, 30, 20]), imputation=True)
    assert not kohlberg_certified(three, np.array([40.0, 30, 21]), imputation=False)
    assert not kohlberg_certified(three, np.array([40.0, 30, 21]), imputation=True)
    # a one-player game: only efficiency and individual rationality to check
    assert kohlberg_certified(np.array([0, 5.0]), np.array([5.0]), imputation=True)
    assert not kohlberg_certified(np.array([0, 5.0]), np.array([4.0]), imputation=False)


@pytest.mark.parametrize("seed", range(8))
def test_random_nucleoli_are_certified_and_moved_ones_are_not(certificate, seed):
    rng = np.random.default_rng(seed)
    n = 3 + seed % 4
    v = random_dense_game(rng, n, ("ties", "signed", "real", "superadditive")[seed % 4])
    scale = max(1.0, float(np.abs(v).max()))
    x = prenucleolus(v)  # the solver checks its answer with the same criterion
    moved = x.copy()
    moved[0] += 1e-3 * scale
    moved[-1] -= 1e-3 * scale
    assert not kohlberg_certified(v, moved, imputation=False)
    try:
        y = nucleolus(v)
    except Undefined:
        return
    moved = y.copy()
    moved[np.argmax(y - v[1 << np.arange(n)])] -= 1e-3 * scale
    moved[np.argmin(y - v[1 << np.arange(n)])] += 1e-3 * scale
    assert not kohlberg_certified(v, moved, imputation=True)


def test_least_core_epsilon_of_a_one_player_game_is_none():
    assert least_core_epsilon([0, 5.0]) is None


def test_levels_are_checked_only_until_they_and_n_span_r_n():
    # three players; excesses by mask: {0} 5, {1} 2, {0,1} 3, {2} 1, {0,2} 0, {1,2} 5.
    # N and {0} span 2 dimensions, {1,2} = N - {0} adds none; {0,1} at excess 3 adds the third:
    # the check stops there, before {1}, {2} and {0,2}
    excess = np.array([0, 5, 2, 3, 1, 0, 5, 0.0])
    levels = nucleolus_module._levels_until_spanning(excess, 1e-9, 3)
    assert [level.tolist() for level in levels] == [[1, 6], [3]]
    # two players: {0} spans R^2 with N at once
    levels = nucleolus_module._levels_until_spanning(np.array([0, 1, 1, 0.0]), 1e-9, 2)
    assert [level.tolist() for level in levels] == [[1, 2]]
