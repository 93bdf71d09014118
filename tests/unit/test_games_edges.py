"""Edge cases and the engine's refusals."""

import numpy as np
import pytest

from coopnet.engine.errors import BadInput, TooLarge, Undefined
from coopnet.engine.games import (
    BankruptcyGame,
    ExplicitGame,
    SolveOptions,
    WeightedVotingGame,
    banzhaf_sample,
    least_core_epsilon,
    nucleolus,
    prenucleolus,
    shapley_exact,
    shapley_sample,
    solve,
)


def names(n):
    return tuple(f"p{i}" for i in range(n))


def test_one_player_games():
    v = np.array([0, 7.0])
    assert shapley_exact(v) == pytest.approx([7])
    assert nucleolus(v) == pytest.approx([7])
    assert prenucleolus(v) == pytest.approx([7])
    assert least_core_epsilon(v) is None
    report = solve(ExplicitGame(("solo",), values=v))
    assert report.core_empty is False


def test_zero_game():
    v = np.zeros(16)
    assert shapley_exact(v) == pytest.approx([0] * 4)
    assert nucleolus(v) == pytest.approx([0] * 4, abs=1e-12)
    assert least_core_epsilon(v) == pytest.approx(0)


def test_nucleolus_is_undefined_without_imputations():
    with pytest.raises(Undefined, match="imputation"):
        nucleolus(np.array([0, 5, 5, 8.0]))
    assert prenucleolus(np.array([0, 5, 5, 8.0])) == pytest.approx([4, 4])


def test_dense_vectors_are_validated():
    with pytest.raises(BadInput):
        shapley_exact(np.array([0, 1, 2.0]))
    with pytest.raises(BadInput):
        shapley_exact(np.array([0, np.nan, 1, 2]))
    with pytest.raises(BadInput, match="empty coalition"):
        shapley_exact(np.array([1, 1, 1, 2.0]))


def test_enumeration_beyond_the_limit_is_refused():
    game = BankruptcyGame(names(30), estate=10, claims=(1.0,) * 30)
    with pytest.raises(TooLarge, match="--method sample"):
        game.dense()


def test_named_solutions_too_large_raise_but_defaults_become_null():
    game = WeightedVotingGame(names(100), quota=51, weights=(1,) * 100)
    with pytest.raises(TooLarge):
        solve(game, SolveOptions(solutions=("nucleolus",), explicit=True))
    report = solve(game)
    assert report.solutions["nucleolus"] is None
    assert "up to 26 players" in report.undefined["nucleolus"]
    assert report.solutions["shapley"] == pytest.approx([0.01] * 100)


def test_proportional_is_undefined_when_stand_alone_values_are_all_zero():
    report = solve(
        ExplicitGame(names(2), values=np.array([0, 0, 0, 1.0])),
        SolveOptions(solutions=("proportional",)),
    )
    assert report.solutions["proportional"] is None
    assert "stand-alone" in report.undefined["proportional"]


def test_sampling_needs_two_samples():
    game = ExplicitGame(names(2), values=np.array([0, 1, 1, 3.0]))
    with pytest.raises(BadInput):
        shapley_sample(game, 1)
    with pytest.raises(BadInput):
        banzhaf_sample(game, 1)


def test_sampling_is_reproducible_with_a_seed():
    game = BankruptcyGame(names(8), estate=50, claims=tuple(float(i + 1) * 5 for i in range(8)))
    first = shapley_sample(game, 500, seed=3)
    again = shapley_sample(game, 500, seed=3)
    assert np.array_equal(first.values, again.values)
    other = shapley_sample(game, 500, seed=4)
    assert not np.array_equal(first.values, other.values)


def test_unknown_solution_names_are_refused():
    with pytest.raises(BadInput, match="unknown 'kernel'"):
        solve(
            ExplicitGame(names(1), values=np.array([0, 1.0])), SolveOptions(solutions=("kernel",))
        )


def test_voting_game_with_a_huge_quota_falls_back_to_enumeration():
    weights = (10**9, 2 * 10**9, 3 * 10**9)
    report = solve(
        WeightedVotingGame(names(3), quota=4 * 10**9, weights=weights),
        SolveOptions(solutions=("shapley", "banzhaf")),
    )
    assert report.solutions["shapley"] == pytest.approx([1 / 6, 1 / 6, 2 / 3])
    assert report.solutions["banzhaf"] == pytest.approx([1 / 4, 1 / 4, 3 / 4])


def test_refusing_the_nucleolus_of_a_huge_game_does_not_suggest_sampling_it():
    game = WeightedVotingGame(names(40), quota=21, weights=(1,) * 40)
    with pytest.raises(TooLarge, match="exact only") as refused:
        solve(game, SolveOptions(solutions=("nucleolus",), explicit=True))
    assert "Shapley and Banzhaf values can be estimated" in str(refused.value)


def test_a_bankruptcy_generator_read_as_costs_is_not_given_the_talmud_rule():
    game = BankruptcyGame(names(3), estate=200, claims=(100, 200, 300), kind="cost")
    c = game.dense()
    singles = c[1 << np.arange(3)]
    savings = np.array([sum(singles[i] for i in range(3) if m >> i & 1) for m in range(8)]) - c
    report = solve(game, SolveOptions(solutions=("nucleolus", "prenucleolus")))
    # superadditive values read as costs: c(N) exceeds the stand-alone costs, no imputation
    assert report.solutions["nucleolus"] is None
    expected = singles - prenucleolus(savings)
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
