"""Axioms and invariants, on random games (hypothesis)."""

import numpy as np
import pytest
from conftest import dense_games
from hypothesis import given, settings
from hypothesis import strategies as st

from coopnet.engine.errors import Undefined
from coopnet.engine.games import (
    AirportGame,
    ExplicitGame,
    SolveOptions,
    banzhaf_exact,
    core_check,
    kohlberg_certified,
    least_core_epsilon,
    nucleolus,
    prenucleolus,
    shapley_exact,
    shapley_sample,
    solve,
)
from coopnet.engine.games.subsets import subset_sums

FAST = settings(max_examples=80, deadline=None)


def scale(v):
    return max(1.0, float(np.abs(v).max()))


@FAST
@given(dense_games())
def test_shapley_is_efficient(v):
    assert shapley_exact(v).sum() == pytest.approx(v[-1], abs=1e-9 * scale(v))


@FAST
@given(dense_games(min_players=2), st.data())
def test_shapley_treats_symmetric_players_alike(v, data):
    n = len(v).bit_length() - 1
    i, j = data.draw(st.sampled_from([(a, b) for a in range(n) for b in range(a + 1, n)]))
    masks = np.arange(len(v))
    swapped = masks.copy()
    bit_i, bit_j = (masks >> i) & 1, (masks >> j) & 1
    swapped ^= (bit_i ^ bit_j) * ((1 << i) | (1 << j))
    symmetric = (v + v[swapped]) / 2  # i and j are now interchangeable
    phi = shapley_exact(symmetric)
    assert phi[i] == pytest.approx(phi[j], abs=1e-9 * scale(v))


@FAST
@given(dense_games(min_players=2), st.data())
def test_null_player_gets_nothing(v, data):
    n = len(v).bit_length() - 1
    i = data.draw(st.integers(0, n - 1))
    masks = np.arange(len(v))
    v = v[masks & ~(1 << i)]  # v(S + i) = v(S): i adds nothing
    assert shapley_exact(v)[i] == pytest.approx(0, abs=1e-9 * scale(v))
    assert banzhaf_exact(v)[i] == pytest.approx(0, abs=1e-9 * scale(v))


@FAST
@given(st.integers(1, 7), st.integers(0, 2**32 - 1), st.floats(-5, 5))
def test_shapley_is_linear(n, seed, factor):
    rng = np.random.default_rng(seed)
    v, w = rng.normal(size=(2, 1 << n))
    v[0] = w[0] = 0
    assert shapley_exact(v + factor * w) == pytest.approx(
        shapley_exact(v) + factor * shapley_exact(w), abs=1e-9
    )


@FAST
@given(dense_games())
def test_additive_games_give_everyone_their_stand_alone_value(v):
    n = len(v).bit_length() - 1
    singles = v[1 << np.arange(n)]
    additive = subset_sums(singles)
    for solution in (shapley_exact, banzhaf_exact, nucleolus, prenucleolus):
        assert solution(additive) == pytest.approx(singles, abs=1e-7 * scale(v))


@FAST
@given(dense_games())
def test_nucleolus_is_a_certified_imputation_in_the_core_when_there_is_one(v):
    try:
        x = nucleolus(v)
    except Undefined:
        n = len(v).bit_length() - 1
        assert v[1 << np.arange(n)].sum() > v[-1]
        return
    tol = 1e-7 * scale(v)
    n = len(x)
    assert x.sum() == pytest.approx(v[-1], abs=tol)
    assert np.all(x >= v[1 << np.arange(n)] - tol)
    assert kohlberg_certified(v, x, imputation=True)
    epsilon = least_core_epsilon(v)
    if epsilon is not None and epsilon <= -tol:
        assert core_check(v, x).in_core


@FAST
@given(dense_games(min_players=2))
def test_prenucleolus_is_in_the_least_core(v):
    x = prenucleolus(v)
    epsilon = least_core_epsilon(v)
    excess = v - subset_sums(x)
    assert x.sum() == pytest.approx(v[-1], abs=1e-7 * scale(v))
    assert excess[1:-1].max() == pytest.approx(epsilon, abs=1e-7 * scale(v))
    assert kohlberg_certified(v, x, imputation=False)


@FAST
@given(dense_games(min_players=2))
def test_a_perturbed_nucleolus_fails_the_certificate(v):
    x = prenucleolus(v)
    moved = x.copy()
    moved[0] += 0.01 * scale(v)
    moved[1] -= 0.01 * scale(v)
    assert not kohlberg_certified(v, moved, imputation=False)


@FAST
@given(st.lists(st.integers(0, 40), min_size=1, max_size=7))
def test_cost_game_solutions_are_the_savings_game_solutions_mapped_back(costs):
    game = AirportGame(tuple(f"p{i}" for i in range(len(costs))), costs=tuple(map(float, costs)))
    c = game.dense()
    singles = c[1 << np.arange(len(costs))]
    savings = subset_sums(singles) - c
    report = solve(game, SolveOptions(solutions=("shapley", "nucleolus", "prenucleolus")))
    assert report.solutions["shapley"] == pytest.approx(singles - shapley_exact(savings), abs=1e-7)
    assert report.solutions["nucleolus"] == pytest.approx(singles - nucleolus(savings), abs=1e-7)
    assert report.solutions["prenucleolus"] == pytest.approx(
        singles - prenucleolus(savings), abs=1e-7
    )
    assert report.core_empty is False  # airport games are concave
    assert report.contains["shapley"] is True


@settings(max_examples=15, deadline=None)
@given(
    dense_games(min_players=2, max_players=6),
    st.sampled_from(["antithetic", "stratified", "plain"]),
    st.integers(0, 1000),
)
def test_sampled_shapley_is_within_its_stated_error(v, scheme, seed):
    n = len(v).bit_length() - 1
    game = ExplicitGame(tuple(f"p{i}" for i in range(n)), values=v)
    estimate = shapley_sample(game, 3000, seed=seed, scheme=scheme)
    exact = shapley_exact(v)
    # five standard errors, plus float slack for players whose contribution never varies
    assert np.all(np.abs(estimate.values - exact) <= 5 * estimate.standard_errors + 1e-9 * scale(v))
