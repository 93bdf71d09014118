"""Published and hand-computed results, with exact expected values."""

import itertools
from fractions import Fraction
from math import comb, factorial

import numpy as np
import pytest
from game_strategies import players

from coopnet.engine.games import (
    AirportGame,
    BankruptcyGame,
    ExplicitGame,
    SolveOptions,
    WeightedVotingGame,
    airport_shapley,
    banzhaf_exact,
    banzhaf_sample,
    check_allocation,
    core_check,
    kohlberg_certified,
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


def shapley_by_orderings(weights, quota):
    """Shapley–Shubik index by brute force over all n! orderings, in exact fractions."""
    n = len(weights)
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        total = 0
        for p in order:
            if total < quota <= total + weights[p]:
                pivots[p] += 1
                break
            total += weights[p]
    return [Fraction(k, factorial(n)) for k in pivots]


def banzhaf_swings(weights, quota):
    """For each player, the coalitions of the others it turns from losing to winning."""
    n = len(weights)
    swings = [0] * n
    for mask in range(1 << n):
        total = sum(w for i, w in enumerate(weights) if mask >> i & 1)
        for i in range(n):
            if not mask >> i & 1 and total < quota <= total + weights[i]:
                swings[i] += 1
    return swings


# --- Bankruptcy: Aumann and Maschler (1985), "Game theoretic analysis of a bankruptcy problem
# from the Talmud", J. Econ. Theory 36, 195-213: the three estates of Mishnah Ketubot 93a,
# claims 100, 200, 300; the Talmud's divisions are the nucleolus of the bankruptcy game.
TALMUD = [
    (100, [100 / 3, 100 / 3, 100 / 3]),
    (200, [50, 75, 75]),
    (300, [50, 100, 150]),
]


@pytest.mark.parametrize(("estate", "expected"), TALMUD)
def test_talmud_rule_matches_the_mishnah(estate, expected):
    assert talmud(estate, np.array([100.0, 200, 300])) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("estate", "expected"), TALMUD)
def test_talmud_rule_is_the_nucleolus_of_bankruptcy_games(estate, expected):
    game = BankruptcyGame(players(3), estate=estate, claims=(100, 200, 300))
    v = game.dense()
    # O'Neill's bankruptcy game: v(S) = max(0, E - claims outside S)
    assert v.tolist() == [
        max(0, estate - (600 - c)) for c in (0, 100, 200, 300, 300, 400, 500, 600)
    ]
    assert nucleolus(v) == pytest.approx(expected, abs=1e-9)
    assert prenucleolus(v) == pytest.approx(expected, abs=1e-9)  # convex: both in the core
    assert solve(game).solutions["nucleolus"] == pytest.approx(expected, abs=1e-12)


def test_talmud_rule_is_the_nucleolus_of_random_bankruptcy_games():
    rng = np.random.default_rng(3)
    for _ in range(30):
        claims = rng.integers(1, 100, size=int(rng.integers(2, 7))).astype(float)
        estate = float(rng.uniform(0, claims.sum()))
        game = BankruptcyGame(players(len(claims)), estate=estate, claims=tuple(claims))
        assert nucleolus(game.dense()) == pytest.approx(talmud(estate, claims), abs=1e-7)


def test_talmud_rule_at_the_extremes_of_the_estate():
    claims = np.array([10.0, 30, 60])
    assert talmud(0.0, claims) == pytest.approx([0, 0, 0])
    assert talmud(100.0, claims) == pytest.approx([10, 30, 60])  # everyone paid in full
    assert talmud(50.0, claims) == pytest.approx([5, 15, 30])  # exactly half: half of each claim


# --- Airport: Littlechild and Owen (1973), "A simple expression for the Shapley value in a
# special case", Management Science 20: each increment of the runway is shared equally by the
# planes that need it.
def test_littlechild_owen_rule_on_a_worked_example():
    # costs 1, 2, 4: the first unit is split 3 ways, the next 2, the last 2 paid by one plane
    # -> 1/3, 1/3 + 1/2 = 5/6, 5/6 + 2 = 17/6.
    shares = airport_shapley(np.array([1.0, 2.0, 4.0]))
    assert shares == pytest.approx([1 / 3, 5 / 6, 17 / 6], abs=1e-12)
    # the rule does not depend on the order the planes are listed in
    assert airport_shapley(np.array([4.0, 1.0, 2.0])) == pytest.approx([17 / 6, 1 / 3, 5 / 6])
    game = AirportGame(players(3), costs=(1, 2, 4))
    assert game.dense().tolist() == [0, 1, 2, 2, 4, 4, 4, 4]
    assert shapley_exact(game.dense()) == pytest.approx([1 / 3, 5 / 6, 17 / 6], abs=1e-12)


@pytest.mark.parametrize(
    "costs",
    [(5.0,), (3.0, 3.0), (1.0, 2.0, 3.0, 4.0), (7.0, 0.0, 7.0, 2.0, 2.0), (2.5, 9.25, 0.5, 4.0)],
)
def test_littlechild_owen_rule_is_the_shapley_value_of_the_airport_game(costs):
    game = AirportGame(players(len(costs)), costs=costs)
    assert airport_shapley(np.array(costs)) == pytest.approx(shapley_exact(game.dense()), abs=1e-12)


def test_littlechild_owen_rule_is_the_shapley_value_of_random_airport_games():
    rng = np.random.default_rng(4)
    for _ in range(30):
        costs = rng.integers(0, 50, size=int(rng.integers(1, 9))).astype(float)
        game = AirportGame(players(len(costs)), costs=tuple(costs))
        assert airport_shapley(costs) == pytest.approx(shapley_exact(game.dense()), abs=1e-9)


# --- Voting power.
def test_weighted_majority_game_4_3_2_1_1():
    # [4; 3, 2, 1, 1]: the big player is pivotal in 12 of the 24 orderings (Shapley–Shubik 1/2,
    # the other three 1/6 each); swings over the 8 coalitions of the others: 6, 2, 2, 2.
    weights, quota = (3, 2, 1, 1), 4
    assert shapley_by_orderings(weights, quota) == [Fraction(1, 2)] + [Fraction(1, 6)] * 3
    assert banzhaf_swings(weights, quota) == [6, 2, 2, 2]
    assert voting_shapley(weights, quota) == pytest.approx([1 / 2, 1 / 6, 1 / 6, 1 / 6])
    assert voting_banzhaf(weights, quota) == pytest.approx([6 / 8, 2 / 8, 2 / 8, 2 / 8])
    dense = WeightedVotingGame(players(4), quota=quota, weights=weights).dense()
    assert shapley_exact(dense) == pytest.approx([1 / 2, 1 / 6, 1 / 6, 1 / 6], abs=1e-12)
    assert banzhaf_exact(dense) == pytest.approx([6 / 8, 2 / 8, 2 / 8, 2 / 8], abs=1e-12)


# The Shapley–Shubik index (Shapley and Shubik 1954, "A method for evaluating the distribution
# of power in a committee system", APSR 48) of the Security Council since 1965 (5 permanent
# members with a veto, 10 others, 9 votes needed: [39; 7 x 5, 1 x 10]) is 421/2145 ~ 0.1963
# and 4/2145 ~ 0.00186 (e.g. Straffin, "Power indices in politics", 1983; Felsenthal and
# Machover, "The Measurement of Voting Power", 1998). Recounted below.
def test_shapley_shubik_index_of_the_un_security_council():
    # Check the published numbers by counting: a non-permanent member is pivotal when it joins
    # all 5 permanent members and exactly 3 of the 9 other non-permanent ones, in position 9.
    n = 15
    non_permanent = Fraction(comb(9, 3) * factorial(8) * factorial(n - 9), factorial(n))
    assert non_permanent == Fraction(4, 2145)
    assert (1 - 10 * non_permanent) / 5 == Fraction(421, 2145)

    weights, quota = (7,) * 5 + (1,) * 10, 39
    index = voting_shapley(weights, quota)
    assert index[:5] == pytest.approx([421 / 2145] * 5, rel=1e-12)
    assert index[5:] == pytest.approx([4 / 2145] * 10, rel=1e-12)
    game = WeightedVotingGame(players(15), quota=quota, weights=weights)
    assert shapley_exact(game.dense()) == pytest.approx(index, abs=1e-12)
    # Banzhaf: a permanent member swings in every winning coalition of the others that lacks
    # it, i.e. the other 4 permanent members and at least 4 of the 10 others.
    permanent_swings = sum(comb(10, k) for k in range(4, 11))
    assert voting_banzhaf(weights, quota)[0] == pytest.approx(permanent_swings / 2**14, rel=1e-12)


# The Council of the EEC, 1958 (France, Germany, Italy 4; Belgium, Netherlands 2; Luxembourg 1;
# qualified majority 12 of 17): Luxembourg is a dummy (Felsenthal and Machover 1998, above):
# Shapley–Shubik (14, 14, 14, 9, 9, 0)/60, Banzhaf swings (10, 10, 10, 6, 6, 0), both recounted
# by brute force here.
def test_power_indices_of_the_1958_eec_council():
    weights, quota = (4, 4, 4, 2, 2, 1), 12
    exact = [Fraction(k, 60) for k in (14, 14, 14, 9, 9, 0)]
    assert shapley_by_orderings(weights, quota) == exact  # the published numbers, recounted
    assert banzhaf_swings(weights, quota) == [10, 10, 10, 6, 6, 0]

    assert voting_shapley(weights, quota) == pytest.approx([float(f) for f in exact], abs=1e-15)
    assert voting_banzhaf(weights, quota) * 32 == pytest.approx([10, 10, 10, 6, 6, 0])
    dense = WeightedVotingGame(players(6), quota=quota, weights=weights).dense()
    assert shapley_exact(dense) == pytest.approx([float(f) for f in exact], abs=1e-12)
    assert banzhaf_exact(dense) * 32 == pytest.approx([10, 10, 10, 6, 6, 0])


def test_power_indices_through_solve_use_the_voting_structure():
    game = WeightedVotingGame(players(6), quota=12, weights=(4, 4, 4, 2, 2, 1))
    report = solve(game, SolveOptions(solutions=("shapley", "banzhaf")))
    assert report.solutions["shapley"] * 60 == pytest.approx([14, 14, 14, 9, 9, 0])
    assert report.solutions["banzhaf"] * 32 == pytest.approx([10, 10, 10, 6, 6, 0])
    assert report.core_empty is True  # no veto player
    assert report.added_value == pytest.approx([0] * 6)  # 17 - 4 = 13 still wins: no one is needed


def hundred_player_game():
    rng = np.random.default_rng(5)
    weights = tuple(int(w) for w in rng.integers(1, 30, size=100))
    quota = sum(weights) // 2 + 1
    return weights, quota


def test_hundred_player_voting_game_has_an_exact_index():
    weights, quota = hundred_player_game()
    index = voting_shapley(weights, quota)
    assert index.sum() == pytest.approx(1, abs=1e-12)  # efficiency: v(N) = 1
    assert np.all(index > 0)
    for w in set(weights):
        same = [i for i, x in enumerate(weights) if x == w]
        assert np.ptp(index[same]) == 0  # equal weights, equal power
    order = np.argsort(weights, kind="stable")
    assert np.all(np.diff(index[order]) >= -1e-15)  # more weight is never less power
    banzhaf = voting_banzhaf(weights, quota)
    assert np.all(np.diff(banzhaf[order]) >= -1e-15)


@pytest.mark.parametrize("scheme", ["plain", "antithetic"])
def test_hundred_player_voting_index_agrees_with_sampling(scheme):
    weights, quota = hundred_player_game()
    index = voting_shapley(weights, quota)
    game = WeightedVotingGame(players(100), quota=quota, weights=weights)
    # 10,000 orderings: even the weakest voter (index ~0.0007) is pivotal a few times
    estimate = shapley_sample(game, 10_000, seed=1, scheme=scheme)
    assert np.all(estimate.standard_errors > 0)
    assert np.all(np.abs(estimate.values - index) <= 4 * estimate.standard_errors)
    # every ordering has exactly one pivot, so the estimate is efficient too
    assert estimate.values.sum() == pytest.approx(1, abs=1e-9)


def test_hundred_player_voting_banzhaf_agrees_with_sampling():
    weights, quota = hundred_player_game()
    exact = voting_banzhaf(weights, quota)
    game = WeightedVotingGame(players(100), quota=quota, weights=weights)
    estimate = banzhaf_sample(game, 2000, seed=2)
    assert np.all(np.abs(estimate.values - exact) <= 4 * estimate.standard_errors)


# --- Classic small games.
# The glove game (a textbook example, e.g. Maschler, Solan and Zamir, "Game Theory", 2013;
# by hand below): player 0 holds a left glove, players 1 and 2 a right glove each; a pair is
# worth 1.
GLOVES = np.array([0, 0, 0, 1, 0, 1, 0, 1.0])


def test_glove_game():
    # Shapley: player 0 is pivotal unless it comes first: 2/3; the others 1/6 each.
    assert shapley_exact(GLOVES) == pytest.approx([2 / 3, 1 / 6, 1 / 6], abs=1e-12)
    # Banzhaf: player 0 swings in 3 of 4 coalitions of the others, each right glove in 1 of 4.
    assert banzhaf_exact(GLOVES) == pytest.approx([3 / 4, 1 / 4, 1 / 4], abs=1e-12)
    # The core is the single point (1, 0, 0): the scarce glove takes everything.
    assert nucleolus(GLOVES) == pytest.approx([1, 0, 0], abs=1e-9)
    assert prenucleolus(GLOVES) == pytest.approx([1, 0, 0], abs=1e-9)
    assert least_core_epsilon(GLOVES) == pytest.approx(0, abs=1e-12)
    assert core_check(GLOVES, np.array([1.0, 0, 0])).in_core
    # Shapley is not in the core: {0, 1} and {0, 2} each get 5/6 but are worth 1.
    check = core_check(GLOVES, shapley_exact(GLOVES))
    assert sorted(o.members for o in check.objections) == [(0, 1), (0, 2)]
    assert all(o.shortfall == pytest.approx(1 / 6) for o in check.objections)


# The standard example of a prenucleolus outside the imputations (the nucleolus over imputations
# is due to Schmeidler 1969, the prenucleolus studied by Maschler, Peleg and Shapley 1979):
# v({1,2}) = 10, v(N) = 2, all else 0. By hand: the prenucleolus balances e({1,2}) = 8 + x3
# against e({3}) = -x3, so x3 = -4 and x1 = x2 = 3; over imputations x3 >= 0 binds: (1, 1, 0).
# Shapley: player 3 adds -8 to {1,2}, with weight 1/3.
MPS = np.array([0, 0, 0, 10, 0, 0, 0, 2.0])


def test_prenucleolus_can_leave_the_imputations():
    assert prenucleolus(MPS) == pytest.approx([3, 3, -4], abs=1e-9)
    assert nucleolus(MPS) == pytest.approx([1, 1, 0], abs=1e-9)
    assert shapley_exact(MPS) == pytest.approx([7 / 3, 7 / 3, -8 / 3], abs=1e-12)
    assert least_core_epsilon(MPS) == pytest.approx(4, abs=1e-9)
    # each is certified for its own domain only
    assert kohlberg_certified(MPS, np.array([3.0, 3, -4]), imputation=False)
    assert not kohlberg_certified(MPS, np.array([3.0, 3, -4]), imputation=True)
    assert kohlberg_certified(MPS, np.array([1.0, 1, 0]), imputation=True)
    assert not kohlberg_certified(MPS, np.array([1.0, 1, 0]), imputation=False)


# The "three partners" example of this project (examples/three-partners.json), by hand:
# v(A) = 10, v(AB) = 50, v(AC) = 40, v(BC) = 30, v(ABC) = 90.
THREE_PARTNERS = np.array([0, 10, 0, 50, 0, 40, 30, 90.0])


def test_three_partners_by_hand():
    # Shapley, A: (10 + 60)/3 + (50 + 40)/6 = 115/3; B: 50/3 + (40 + 30)/6 = 85/3; C: rest.
    assert shapley_exact(THREE_PARTNERS) == pytest.approx([115 / 3, 85 / 3, 70 / 3], abs=1e-12)
    # Banzhaf: A (10 + 50 + 40 + 60)/4, B (0 + 40 + 30 + 50)/4, C (0 + 30 + 30 + 40)/4.
    assert banzhaf_exact(THREE_PARTNERS) == pytest.approx([40, 30, 25], abs=1e-12)
    # Complementary pairs bound the least core: e(C) + e(AB) = -40, so eps >= -20, and at
    # eps = -20 the constraints pin x = (40, 30, 20): the least core is a single point.
    assert least_core_epsilon(THREE_PARTNERS) == pytest.approx(-20, abs=1e-9)
    assert nucleolus(THREE_PARTNERS) == pytest.approx([40, 30, 20], abs=1e-9)
    assert prenucleolus(THREE_PARTNERS) == pytest.approx([40, 30, 20], abs=1e-9)
    report = solve(
        ExplicitGame(("A", "B", "C"), values=THREE_PARTNERS),
        SolveOptions(solutions=("shapley", "nucleolus", "equal", "proportional")),
    )
    assert report.core_empty is False
    assert report.least_core_epsilon == pytest.approx(-20, abs=1e-9)
    assert report.contains == {
        "shapley": True,
        "nucleolus": True,
        "equal": True,
        "proportional": False,
    }
    assert report.solutions["proportional"] == pytest.approx([90, 0, 0])  # only A stands alone
    assert report.added_value == pytest.approx([60, 50, 40])  # 90 - v(N minus i)


def test_three_player_majority_game_has_an_empty_core():
    # v(S) = 1 for |S| >= 2: the three pair constraints sum to 2 x(N) >= 3 (1 - eps), so
    # eps >= 1/3, reached at (1/3, 1/3, 1/3).
    majority = np.array([0, 0, 0, 1, 0, 1, 1, 1.0])
    assert least_core_epsilon(majority) == pytest.approx(1 / 3, abs=1e-12)
    assert nucleolus(majority) == pytest.approx([1 / 3] * 3, abs=1e-12)
    assert shapley_exact(majority) == pytest.approx([1 / 3] * 3, abs=1e-12)
    report = solve(ExplicitGame(players(3), values=majority))
    assert report.core_empty is True
    assert report.least_core_epsilon == pytest.approx(1 / 3, abs=1e-12)
    assert report.contains == {"shapley": False, "nucleolus": False}


def test_least_core_epsilon_of_two_player_games():
    # min eps with x1 >= v1 - eps, x2 >= v2 - eps, x1 + x2 = v12: eps = (v1 + v2 - v12) / 2
    for v1, v2, v12 in [(1, 2, 6), (3, 4, 5), (0, 0, 0), (-1, 5, 2)]:
        v = np.array([0, v1, v2, v12], dtype=float)
        assert least_core_epsilon(v) == pytest.approx((v1 + v2 - v12) / 2, abs=1e-12)
        # and the prenucleolus splits the surplus equally (standard solution)
        surplus = (v12 - v1 - v2) / 2
        assert prenucleolus(v) == pytest.approx([v1 + surplus, v2 + surplus], abs=1e-9)


def test_core_check_names_the_objecting_coalition_and_the_shortfall():
    # three partners, A given 5 (alone it makes 10) and A + C given 30 (together they make 40)
    check = core_check(THREE_PARTNERS, np.array([5.0, 60, 25]))
    assert check.efficient
    assert not check.in_core
    assert [o.members for o in check.objections] == [(0, 2), (0,)]  # the worst first
    first, second = check.objections
    assert (first.worth, first.allocated, first.shortfall) == pytest.approx((40, 30, 10))
    assert (second.worth, second.allocated, second.shortfall) == pytest.approx((10, 5, 5))


def test_core_check_of_an_inefficient_allocation():
    check = core_check(THREE_PARTNERS, np.array([40.0, 30, 25]))  # 95 > v(N)
    assert not check.efficient
    assert check.objections == ()
    assert not check.in_core
    check = core_check(THREE_PARTNERS, np.array([40.0, 30, 20]))
    assert check.efficient
    assert check.in_core


def test_check_allocation_of_a_cost_game_reports_overcharges():
    # airport costs 1, 2, 4 charged (2, 1, 1): the cessna pays 2 but would pay 1 alone, and
    # {cessna, 2nd plane} pays 3 for a runway costing 2.
    game = AirportGame(("a", "b", "c"), costs=(1, 2, 4))
    check = check_allocation(game, np.array([2.0, 1, 1]))
    assert check.efficient
    objections = {o.members: o.shortfall for o in check.objections}
    assert objections == pytest.approx({(0,): 1.0, (0, 1): 1.0})
    assert check_allocation(game, np.array([1 / 3, 5 / 6, 17 / 6])).in_core


def test_cost_game_shares_are_mapped_back_from_the_savings_game():
    # Savings of the airport game (1, 2, 4): s(ab) = 1, s(ac) = 1, s(bc) = 2, s(abc) = 3. Its
    # prenucleolus: e({a}) + e({b,c}) = -1 pins y_a = 1/2 at eps = -1/2, then y_b = y_c = 5/4;
    # as cost shares c_i - y_i: (1/2, 3/4, 11/4).
    report = solve(
        AirportGame(("a", "b", "c"), costs=(1, 2, 4)),
        SolveOptions(solutions=("shapley", "nucleolus", "prenucleolus", "proportional", "equal")),
    )
    assert report.kind == "cost"
    assert report.grand_value == 4
    assert report.solutions["shapley"] == pytest.approx([1 / 3, 5 / 6, 17 / 6])
    assert report.solutions["nucleolus"] == pytest.approx([0.5, 0.75, 2.75], abs=1e-9)
    assert report.solutions["prenucleolus"] == pytest.approx([0.5, 0.75, 2.75], abs=1e-9)
    assert report.solutions["proportional"] == pytest.approx(
        [4 / 7, 8 / 7, 16 / 7]
    )  # c(N) c_i / sum c
    assert report.solutions["equal"] == pytest.approx([4 / 3] * 3)
    assert report.least_core_epsilon == pytest.approx(-0.5, abs=1e-9)
    assert report.core_empty is False
    assert report.contains["shapley"] is True
    assert report.contains["nucleolus"] is True
    assert report.contains["equal"] is False  # the cessna would pay 4/3 > 1 alone
    assert report.added_value == pytest.approx([0, 0, 2])  # c(N) - c(N minus i)
