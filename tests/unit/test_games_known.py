"""Published results, with exact expected values."""

import numpy as np
import pytest

from coopnet.engine.games import (
    AirportGame,
    BankruptcyGame,
    ExplicitGame,
    SolveOptions,
    WeightedVotingGame,
    airport_shapley,
    banzhaf_exact,
    core_check,
    least_core_epsilon,
    nucleolus,
    prenucleolus,
    shapley_exact,
    shapley_sample,
    solve,
    talmud,
    voting_banzhaf,
    voting_shapley,
)


def names(n):
    return tuple(f"p{i}" for i in range(n))


# Aumann and Maschler (1985), "Game theoretic analysis of a bankruptcy problem from the
# Talmud", J. Econ. Theory 36: the three estates of the Mishnah, claims 100, 200, 300.
TALMUD = [
    (100, [100 / 3, 100 / 3, 100 / 3]),
    (200, [50, 75, 75]),
    (300, [50, 100, 150]),
]


@pytest.mark.parametrize(("estate", "expected"), TALMUD)
def test_talmud_rule_matches_the_mishnah(estate, expected):
    assert talmud(estate, np.array([100.0, 200, 300])) == pytest.approx(expected)


@pytest.mark.parametrize(("estate", "expected"), TALMUD)
def test_nucleolus_of_the_bankruptcy_game_is_the_talmud_rule(estate, expected):
    game = BankruptcyGame(names(3), estate=estate, claims=(100, 200, 300))
    assert nucleolus(game.dense()) == pytest.approx(expected, abs=1e-9)
    assert solve(game).solutions["nucleolus"] == pytest.approx(expected)


def test_talmud_rule_is_the_nucleolus_of_random_bankruptcy_games():
    rng = np.random.default_rng(3)
    for _ in range(30):
        claims = rng.integers(1, 100, size=int(rng.integers(2, 7))).astype(float)
        estate = float(rng.uniform(0, claims.sum()))
        game = BankruptcyGame(names(len(claims)), estate=estate, claims=tuple(claims))
        assert nucleolus(game.dense()) == pytest.approx(talmud(estate, claims), abs=1e-7)


# Littlechild and Owen (1973), "A simple expression for the Shapley value in a special case":
# each increment of the runway is shared by the planes that need it.
def test_littlechild_owen_rule_on_a_worked_example():
    assert airport_shapley(np.array([1.0, 2.0, 4.0])) == pytest.approx([1 / 3, 5 / 6, 17 / 6])


def test_littlechild_owen_rule_is_the_shapley_value_of_the_airport_game():
    rng = np.random.default_rng(4)
    for _ in range(30):
        costs = rng.integers(0, 50, size=int(rng.integers(1, 9))).astype(float)
        game = AirportGame(names(len(costs)), costs=tuple(costs))
        assert airport_shapley(costs) == pytest.approx(shapley_exact(game.dense()), abs=1e-9)


# Shapley and Shubik (1954) and later analyses of the UN Security Council (5 permanent members
# with a veto, 10 others; 9 votes needed): 421/2145 and 4/2145.
def test_shapley_shubik_index_of_the_un_security_council():
    weights, quota = (7,) * 5 + (1,) * 10, 39
    index = voting_shapley(weights, quota)
    assert index[:5] == pytest.approx([421 / 2145] * 5, rel=1e-12)
    assert index[5:] == pytest.approx([4 / 2145] * 10, rel=1e-12)
    game = WeightedVotingGame(names(15), quota=quota, weights=weights)
    assert shapley_exact(game.dense()) == pytest.approx(index, abs=1e-12)


# Council of the EEC, 1958 (France, Germany, Italy 4; Belgium, Netherlands 2; Luxembourg 1;
# quota 12): Luxembourg is a dummy. Shapley–Shubik (14, 14, 14, 9, 9, 0)/60; Banzhaf swings
# (10, 10, 10, 6, 6, 0) over 32 coalitions of the others.
def test_power_indices_of_the_1958_eec_council():
    weights, quota = (4, 4, 4, 2, 2, 1), 12
    assert voting_shapley(weights, quota) * 60 == pytest.approx([14, 14, 14, 9, 9, 0])
    assert voting_banzhaf(weights, quota) * 32 == pytest.approx([10, 10, 10, 6, 6, 0])
    dense = WeightedVotingGame(names(6), quota=quota, weights=weights).dense()
    assert banzhaf_exact(dense) * 32 == pytest.approx([10, 10, 10, 6, 6, 0])


def test_weighted_majority_game_4_3_2_1_1():
    # [4; 3, 2, 1, 1]: the big player is pivotal in half of the orderings.
    assert voting_shapley((3, 2, 1, 1), 4) == pytest.approx([1 / 2, 1 / 6, 1 / 6, 1 / 6])
    assert voting_banzhaf((3, 2, 1, 1), 4) == pytest.approx([6 / 8, 2 / 8, 2 / 8, 2 / 8])


def test_hundred_player_voting_game_is_exact_and_agrees_with_sampling():
    rng = np.random.default_rng(5)
    weights = tuple(int(w) for w in rng.integers(1, 30, size=100))
    quota = sum(weights) // 2 + 1
    index = voting_shapley(weights, quota)
    assert index.sum() == pytest.approx(1, abs=1e-12)
    for w in set(weights):
        same = [i for i, x in enumerate(weights) if x == w]
        assert np.ptp(index[same]) < 1e-15
    game = WeightedVotingGame(names(100), quota=quota, weights=weights)
    estimate = shapley_sample(game, 4000, seed=1, scheme="plain")
    assert np.all(np.abs(estimate.values - index) <= 5 * estimate.standard_errors + 1e-12)


# The glove game: one left glove (player 0), two right gloves; a pair is worth 1.
GLOVES = np.array([0, 0, 0, 1, 0, 1, 0, 1.0])


def test_glove_game():
    assert shapley_exact(GLOVES) == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    assert nucleolus(GLOVES) == pytest.approx([1, 0, 0], abs=1e-12)
    assert least_core_epsilon(GLOVES) == pytest.approx(0, abs=1e-12)


# Maschler, Peleg and Shapley (1979): v({1,2}) = 10, v(N) = 2, all else 0.
def test_prenucleolus_can_leave_the_imputations():
    v = np.array([0, 0, 0, 10, 0, 0, 0, 2.0])
    assert prenucleolus(v) == pytest.approx([3, 3, -4], abs=1e-9)
    assert nucleolus(v) == pytest.approx([1, 1, 0], abs=1e-9)
    assert shapley_exact(v) == pytest.approx([7 / 3, 7 / 3, -8 / 3])


def test_three_player_majority_game_has_an_empty_core():
    majority = np.array([0, 0, 0, 1, 0, 1, 1, 1.0])
    assert least_core_epsilon(majority) == pytest.approx(1 / 3)
    assert nucleolus(majority) == pytest.approx([1 / 3] * 3)
    report = solve(ExplicitGame(names(3), values=majority))
    assert report.core_empty is True
    assert report.contains == {"shapley": False, "nucleolus": False}


def test_core_check_names_the_objecting_coalition_and_the_shortfall():
    v = np.zeros(8)
    v[0b011], v[0b101], v[0b110], v[0b111] = 50, 40, 30, 90
    check = core_check(v, np.array([10.0, 60, 20]))
    assert check.efficient
    assert not check.in_core
    assert check.objections[0].members == (0, 2)
    assert check.objections[0].shortfall == pytest.approx(10)


def test_cost_game_shares_are_mapped_back_from_the_savings_game():
    report = solve(
        AirportGame(("a", "b", "c"), costs=(1, 2, 4)),
        SolveOptions(solutions=("shapley", "nucleolus", "proportional", "equal")),
    )
    assert report.solutions["shapley"] == pytest.approx([1 / 3, 5 / 6, 17 / 6])
    assert report.solutions["nucleolus"] == pytest.approx([0.5, 0.75, 2.75])
    assert report.solutions["proportional"] == pytest.approx([4 / 7, 8 / 7, 16 / 7])
    assert report.solutions["equal"] == pytest.approx([4 / 3] * 3)
    assert report.least_core_epsilon == pytest.approx(-0.5)
    assert report.contains["shapley"] is True
    assert report.contains["equal"] is False  # the cessna would pay 4/3 > 1 alone
