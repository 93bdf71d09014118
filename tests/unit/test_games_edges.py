"""Edge cases and the engine's refusals."""

import numpy as np
import pytest
from game_strategies import players

from coopnet.engine.errors import BadInput, TooLarge, Undefined
from coopnet.engine.games import (
    MAX_EXACT_PLAYERS,
    SOLUTIONS,
    AirportGame,
    BankruptcyGame,
    ExplicitGame,
    FunctionGame,
    SolveOptions,
    WeightedVotingGame,
    added_values,
    banzhaf_exact,
    banzhaf_sample,
    core_check,
    kohlberg_certified,
    least_core_epsilon,
    nucleolus,
    prenucleolus,
    shapley_exact,
    shapley_sample,
    solve,
)

ALL = SolveOptions(solutions=SOLUTIONS)


# --- One player.
@pytest.mark.parametrize("worth", [7.0, -3.0, 0.0])
def test_one_player_games(worth):
    v = np.array([0, worth])
    for solution in (shapley_exact, banzhaf_exact, nucleolus, prenucleolus, added_values):
        assert solution(v) == pytest.approx([worth], abs=1e-12)
    assert least_core_epsilon(v) is None  # no proper coalition to object
    assert core_check(v, np.array([worth])).in_core
    assert not core_check(v, np.array([worth + 1])).efficient
    assert kohlberg_certified(v, np.array([worth]), imputation=True)
    assert not kohlberg_certified(v, np.array([worth + 1]), imputation=False)


def test_one_player_game_through_solve():
    report = solve(ExplicitGame(("solo",), values=np.array([0, 7.0])), ALL)
    for name in ("shapley", "banzhaf", "nucleolus", "prenucleolus", "least_core", "equal"):
        assert report.solutions[name] == pytest.approx([7])
    assert report.solutions["proportional"] == pytest.approx([7])
    assert report.least_core_epsilon is None
    assert report.core_empty is False
    assert all(report.contains.values())
    assert report.added_value == pytest.approx([7])


@pytest.mark.parametrize("scheme", ["antithetic", "stratified", "plain"])
def test_sampling_a_one_player_game_is_exact(scheme):
    game = ExplicitGame(("solo",), values=np.array([0, 7.0]))
    estimate = shapley_sample(game, 10, seed=0, scheme=scheme)
    assert estimate.values == pytest.approx([7])
    assert estimate.standard_errors == pytest.approx([0])
    assert banzhaf_sample(game, 10, seed=0).values == pytest.approx([7])


# --- The zero game.
def test_zero_game():
    v = np.zeros(16)
    for solution in (shapley_exact, banzhaf_exact, nucleolus, prenucleolus, added_values):
        assert solution(v) == pytest.approx([0] * 4, abs=1e-12)
    assert least_core_epsilon(v) == pytest.approx(0, abs=1e-12)
    assert core_check(v, np.zeros(4)).in_core
    assert kohlberg_certified(v, np.zeros(4), imputation=True)
    assert not kohlberg_certified(v, np.array([1.0, -1, 0, 0]), imputation=False)


def test_zero_game_through_solve():
    report = solve(ExplicitGame(players(4), values=np.zeros(16)), ALL)
    assert report.grand_value == 0
    assert report.core_empty is False
    assert report.least_core_epsilon == pytest.approx(0, abs=1e-12)
    for name in ("shapley", "banzhaf", "nucleolus", "prenucleolus", "least_core", "equal"):
        assert report.solutions[name] == pytest.approx([0] * 4, abs=1e-12)
    assert report.solutions["proportional"] is None  # nothing to be proportional to
    assert "stand-alone" in report.undefined["proportional"]
    assert all(report.contains.values())


# --- The nucleolus without imputations.
def test_nucleolus_is_undefined_without_imputations():
    v = np.array([0, 5, 5, 8.0])  # stand-alone 5 + 5 > v(N) = 8
    with pytest.raises(Undefined, match="imputation"):
        nucleolus(v)
    assert prenucleolus(v) == pytest.approx([4, 4])  # the prenucleolus still exists
    assert least_core_epsilon(v) == pytest.approx(1)
    report = solve(ExplicitGame(players(2), values=v), SolveOptions(solutions=("nucleolus",)))
    assert report.solutions["nucleolus"] is None
    assert "imputation" in report.undefined["nucleolus"]
    assert report.core_empty is True


def test_nucleolus_is_undefined_even_when_imputations_are_missed_by_a_little():
    v = np.array([0, 1, 1, 2 - 1e-6])  # stand-alone 2 > v(N) = 1.999999, no imputation
    with pytest.raises(Undefined, match="imputation"):
        nucleolus(v)
    assert nucleolus(np.array([0, 1, 1, 2.0])) == pytest.approx([1, 1], abs=1e-12)


def test_nucleolus_of_a_single_imputation():
    v = np.array([0, 2, 3, 5.0, 1, 3, 4, 6])  # stand-alone 2 + 3 + 1 = v(N): one imputation
    assert nucleolus(v) == pytest.approx([2, 3, 1], abs=1e-9)


# --- Validation.
def test_dense_vectors_are_validated():
    with pytest.raises(BadInput):
        shapley_exact(np.array([0, 1, 2.0]))  # not 2^n
    with pytest.raises(BadInput):
        shapley_exact(np.array([0.0]))  # no player
    with pytest.raises(BadInput):
        nucleolus(np.array([0, np.nan, 1, 2]))
    with pytest.raises(BadInput):
        prenucleolus(np.array([0, np.inf, 1, 2]))
    with pytest.raises(BadInput, match="empty coalition"):
        banzhaf_exact(np.array([1, 1, 1, 2.0]))


def test_explicit_games_are_validated():
    with pytest.raises(BadInput, match="2\\^2"):
        ExplicitGame(players(2), values=np.zeros(8))
    with pytest.raises(BadInput, match="empty coalition"):
        ExplicitGame(players(2), values=np.array([1, 0, 0, 0.0]))
    with pytest.raises(BadInput, match="finite"):
        ExplicitGame(players(2), values=np.array([0, 0, np.nan, 0.0]))


# --- Size limits.
def test_enumeration_beyond_the_limit_is_refused():
    game = BankruptcyGame(players(30), estate=10, claims=(1.0,) * 30)
    with pytest.raises(TooLarge, match="--method sample"):
        game.dense()
    voting = WeightedVotingGame(players(MAX_EXACT_PLAYERS + 1), quota=3, weights=(1,) * 27)
    with pytest.raises(TooLarge):
        voting.dense()
    assert issubclass(TooLarge, BadInput)


def test_named_solutions_too_large_raise_but_unnamed_ones_become_null():
    game = WeightedVotingGame(players(100), quota=51, weights=(1,) * 100)
    with pytest.raises(TooLarge):
        solve(game, SolveOptions(solutions=("nucleolus",), explicit=True))
    report = solve(game, SolveOptions(solutions=("shapley", "nucleolus"), explicit=False))
    assert report.solutions["nucleolus"] is None
    assert "up to 26 players" in report.undefined["nucleolus"]
    assert report.solutions["shapley"] == pytest.approx([0.01] * 100)  # exact, by weights
    assert "shapley" not in report.undefined
    assert report.core_empty is True  # no veto player, from the weights
    assert report.contains == {"shapley": False}


def test_refusing_the_nucleolus_of_a_huge_game_does_not_suggest_sampling_it():
    game = WeightedVotingGame(players(40), quota=21, weights=(1,) * 40)
    with pytest.raises(TooLarge, match="exact only") as refused:
        solve(game, SolveOptions(solutions=("nucleolus",), explicit=True))
    assert "Shapley and Banzhaf values can be estimated" in str(refused.value)


def test_large_generator_games_get_their_core_from_their_structure():
    # a veto player (weight 10, quota 35 of 39) holds the whole core
    voting = WeightedVotingGame(players(30), quota=35, weights=(10,) + (1,) * 29)
    report = solve(voting, SolveOptions(solutions=("shapley", "equal")))
    assert report.core_empty is False
    assert report.contains == {"shapley": False, "equal": False}
    # claims 1..30, estate 100 below half the claims: equal awards on the half-claims; the
    # claims up to 7 get their half (14 in all), the other 23 share 86 equally.
    claims = tuple(float(i + 1) for i in range(30))
    report = solve(BankruptcyGame(players(30), estate=100, claims=claims))
    assert report.solutions["nucleolus"] == pytest.approx(
        [c / 2 for c in claims[:7]] + [86 / 23] * 23
    )
    assert report.solutions["shapley"] is None  # no structure for it: 2^30 coalitions
    assert report.core_empty is False
    assert report.contains == {"nucleolus": True}
    airport = AirportGame(players(30), costs=tuple(float(i % 7 + 1) for i in range(30)))
    report = solve(airport, SolveOptions(solutions=("shapley", "equal")))
    assert report.solutions["shapley"].sum() == pytest.approx(7)
    assert report.core_empty is False
    assert report.contains == {"shapley": True, "equal": False}


def test_sampling_a_game_too_large_to_enumerate():
    majority = FunctionGame(players(40), function=lambda m: (m.sum(axis=1) >= 21).astype(float))
    report = solve(
        majority,
        SolveOptions(solutions=("shapley", "banzhaf"), method="sample", samples=1000, seed=3),
    )
    assert report.solutions["shapley"].sum() == pytest.approx(1)  # one pivot per ordering
    assert report.standard_error["shapley"].shape == (40,)
    assert np.all(report.standard_error["banzhaf"] > 0)
    assert report.core_empty is None  # nothing known about its core without enumeration
    assert report.contains == {"shapley": None}


# --- Other refusals and undefined solutions.
def test_proportional_is_undefined_when_stand_alone_values_are_all_zero():
    report = solve(
        ExplicitGame(players(2), values=np.array([0, 0, 0, 1.0])),
        SolveOptions(solutions=("proportional", "equal")),
    )
    assert report.solutions["proportional"] is None
    assert "stand-alone" in report.undefined["proportional"]
    assert report.solutions["equal"] == pytest.approx([0.5, 0.5])
    assert "equal" not in report.undefined


def test_proportional_is_undefined_when_a_stand_alone_value_is_negative():
    report = solve(
        ExplicitGame(players(2), values=np.array([0, -1, 3, 4.0])),
        SolveOptions(solutions=("proportional",)),
    )
    assert report.solutions["proportional"] is None


@pytest.mark.parametrize("samples", [1, 0, -5])
def test_sampling_needs_two_samples(samples):
    game = ExplicitGame(players(2), values=np.array([0, 1, 1, 3.0]))
    for scheme in ("antithetic", "stratified", "plain"):
        with pytest.raises(BadInput, match="samples"):
            shapley_sample(game, samples, scheme=scheme)
    with pytest.raises(BadInput, match="samples"):
        banzhaf_sample(game, samples)
    with pytest.raises(BadInput):
        solve(game, SolveOptions(method="sample", samples=samples))


def test_sampling_is_reproducible_with_a_seed():
    game = BankruptcyGame(players(8), estate=50, claims=tuple(float(i + 1) * 5 for i in range(8)))
    for scheme in ("antithetic", "stratified", "plain"):
        first = shapley_sample(game, 500, seed=3, scheme=scheme)
        again = shapley_sample(game, 500, seed=3, scheme=scheme)
        assert np.array_equal(first.values, again.values)
        assert np.array_equal(first.standard_errors, again.standard_errors)
        other = shapley_sample(game, 500, seed=4, scheme=scheme)
        assert not np.array_equal(first.values, other.values)
    assert np.array_equal(banzhaf_sample(game, 500, 3).values, banzhaf_sample(game, 500, 3).values)


def test_unknown_solution_names_are_refused():
    with pytest.raises(BadInput, match="unknown 'kernel'"):
        solve(
            ExplicitGame(players(1), values=np.array([0, 1.0])), SolveOptions(solutions=("kernel",))
        )


def test_voting_game_with_a_huge_quota_falls_back_to_enumeration():
    weights = (10**9, 2 * 10**9, 3 * 10**9)
    report = solve(
        WeightedVotingGame(players(3), quota=4 * 10**9, weights=weights),
        SolveOptions(solutions=("shapley", "banzhaf")),
    )
    assert report.solutions["shapley"] == pytest.approx([1 / 6, 1 / 6, 2 / 3])
    assert report.solutions["banzhaf"] == pytest.approx([1 / 4, 1 / 4, 3 / 4])


def test_a_function_game_ignores_what_its_function_says_of_the_empty_coalition():
    game = FunctionGame(players(3), function=lambda m: 1.0 + m.sum(axis=1))
    v = game.dense()
    assert v[0] == 0
    assert v.tolist() == [0, 2, 2, 3, 2, 3, 3, 4]
    assert game.grand_value == 4
    assert shapley_exact(v) == pytest.approx([4 / 3] * 3)


def test_a_bankruptcy_generator_read_as_costs_is_not_given_the_talmud_rule():
    game = BankruptcyGame(players(3), estate=200, claims=(100, 200, 300), kind="cost")
    c = game.dense()
    alone = c[1 << np.arange(3)]
    savings = np.array([sum(alone[i] for i in range(3) if m >> i & 1) for m in range(8)]) - c
    report = solve(game, SolveOptions(solutions=("nucleolus", "prenucleolus")))
    # superadditive values read as costs: c(N) exceeds the stand-alone costs, no imputation
    assert report.solutions["nucleolus"] is None
    expected = alone - prenucleolus(savings)
    assert report.solutions["prenucleolus"] == pytest.approx(expected, abs=1e-9)
    assert report.solutions["prenucleolus"] != pytest.approx([50, 75, 75])  # not the Talmud


# A game on which HiGHS's primal simplex stopped undecided ("Unknown"); the LP wrapper must
# retry with the robust defaults. Expected allocation from coopgame-py.
HARD_FOR_PRIMAL_SIMPLEX = [
    0.0,
    -0.7781159376269777,
    1.2842338320908386,
    -0.935308980701393,
    0.12345429914595014,
    0.00018397284404464683,
    -0.5971436048568801,
    -0.4113102810532614,
    -0.2046686208614062,
    0.15085168094254123,
    0.2300474309429317,
    0.021859870617998264,
    -0.03827973272410068,
    -2.2533156767021416,
    1.3567083929203925,
    0.6598883731509613,
]


def test_nucleolus_survives_a_solver_stopping_undecided():
    x = nucleolus(np.array(HARD_FOR_PRIMAL_SIMPLEX))
    expected = [-0.5431311372244216, 1.2842338320908386, 0.1234542991459503, -0.20466862086140614]
    assert x == pytest.approx(expected, abs=1e-9)


# Found by the test suite: absolute LP tolerances below double precision at 1e6 made the
# sequential LP report infeasibility; the LPs are now solved on the game scaled to 1.
def test_nucleolus_of_a_game_in_millions():
    v = np.array(
        [
            0,
            851833,
            220958,
            1769784,
            833092,
            1531416,
            1540218,
            96594,
            143028,
            100398,
            1666952,
            988245,
            702494,
            2628009,
            830604,
            3803516,
        ],
        dtype=float,
    )
    expected = [1002379 + 1 / 3, 971455 + 5 / 6, 983638 + 1 / 3, 846042.5]
    assert nucleolus(v) == pytest.approx(expected, abs=1e-5)
    assert prenucleolus(v) == pytest.approx(expected, abs=1e-5)
    three = np.array([0, 1602000, 1922000, -16000, -937000, -591000, -95000, -1089000.0])
    assert prenucleolus(three) == pytest.approx([304000, 712000, -2105000], abs=1e-5)


@pytest.mark.parametrize("scale", [1e-4, 1e3, 1e6, 1e9])
def test_nucleolus_is_scale_invariant(scale):
    rng = np.random.default_rng(5)
    for _ in range(20):
        v = rng.normal(size=16)
        v[0] = 0
        assert prenucleolus(v * scale) == pytest.approx(
            prenucleolus(v) * scale, rel=1e-7, abs=1e-9 * scale
        )


def test_two_antithetic_samples_are_refused_rather_than_giving_nan():
    game = ExplicitGame(("a", "b", "c"), values=np.array([0, 1, 2, 4, 3, 5, 6, 10.0]))
    with pytest.raises(BadInput, match="at least 4"):
        shapley_sample(game, 2)
    with pytest.raises(BadInput, match="at least 4"):
        banzhaf_sample(game, 3)
    estimate = shapley_sample(game, 4)
    assert np.all(np.isfinite(estimate.standard_errors))
