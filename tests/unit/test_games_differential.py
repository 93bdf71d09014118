"""Differential tests against coopgame-py, an independent implementation (Rust).

coopgame takes a game as the values of coalitions 1 .. 2^n - 1 in bitmask order (the empty
coalition left out), raises ValueError for the nucleolus when there are no imputations, and
its least core is over imputations: our least core (over all efficient allocations) is the
first level of its prenucleolus.
"""

import coopgame
import numpy as np
import pytest
from game_strategies import STYLES, players, random_dense_game, scale

from coopnet.engine.errors import Undefined
from coopnet.engine.games import (
    AirportGame,
    BankruptcyGame,
    ExplicitGame,
    SolveOptions,
    airport_shapley,
    banzhaf_exact,
    core_check,
    kohlberg_certified,
    least_core_epsilon,
    nucleolus,
    prenucleolus,
    shapley_exact,
    solve,
    talmud,
    voting_banzhaf,
    voting_shapley,
)

SEEDS = range(300)


def random_game(seed):
    """n in 2..9, one of the conftest styles or money-like values (cents, up to ~1000)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 10))
    style = (*STYLES, "money")[seed % (len(STYLES) + 1)]
    if style == "money":
        sizes = np.bitwise_count(np.arange(1 << n)).astype(float)
        v = np.round(rng.random(1 << n) * sizes * 250, 2)
        v[0] = 0.0
        return v
    return random_dense_game(rng, n, style)


def peer(v):
    return coopgame.Game(v[1:].tolist())


@pytest.mark.parametrize("seed", SEEDS)
def test_shapley_and_banzhaf_agree_with_coopgame(seed):
    v = random_game(seed)
    tol = 1e-6 * scale(v)
    assert shapley_exact(v) == pytest.approx(coopgame.shapley(peer(v)), abs=tol)
    assert banzhaf_exact(v) == pytest.approx(coopgame.banzhaf(peer(v)), abs=tol)


@pytest.mark.parametrize("seed", SEEDS)
def test_prenucleolus_and_least_core_agree_with_coopgame(seed):
    v = random_game(seed)
    tol = 1e-6 * scale(v)
    expected = coopgame.prenucleolus(peer(v))
    assert prenucleolus(v) == pytest.approx(expected["allocation"], abs=tol)
    assert least_core_epsilon(v) == pytest.approx(expected["levels"][0], abs=tol)


@pytest.mark.parametrize("seed", SEEDS)
def test_nucleolus_agrees_with_coopgame_also_on_when_it_is_undefined(seed):
    v = random_game(seed)
    try:
        expected = coopgame.nucleolus(peer(v))["allocation"]
    except ValueError:  # coopgame: no imputations
        with pytest.raises(Undefined, match="imputation"):
            nucleolus(v)
    else:
        assert nucleolus(v) == pytest.approx(expected, abs=1e-6 * scale(v))


def test_the_random_games_exercise_both_sides_of_the_nucleolus():
    undefined = 0
    for seed in SEEDS:
        v = random_game(seed)
        n = len(v).bit_length() - 1
        undefined += v[1 << np.arange(n)].sum() > v[-1]
    assert 20 <= undefined <= len(SEEDS) - 100


@pytest.mark.parametrize("seed", range(0, 300, 3))
def test_core_emptiness_and_membership_agree_with_coopgame(seed):
    v = random_game(seed)
    n = len(v).bit_length() - 1
    game = peer(v)
    report = solve(ExplicitGame(players(n), values=v), SolveOptions(solutions=("shapley",)))
    assert report.core_empty == (not game.has_nonempty_core())
    x = shapley_exact(v)
    tol = 1e-9 * max(scale(v), float(np.abs(x).max()))
    assert core_check(v, x).in_core == game.is_in_core(x.tolist(), tolerance=tol)
    assert report.contains["shapley"] == game.is_in_core(x.tolist(), tolerance=tol)


@pytest.mark.parametrize("seed", range(40))
def test_voting_indices_agree_with_coopgame(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 13))
    weights = tuple(int(w) for w in rng.integers(0, 10, n))
    quota = int(rng.integers(1, sum(weights) + 2))
    game = coopgame.Game.weighted_voting(list(weights), quota)
    assert voting_shapley(weights, quota) == pytest.approx(coopgame.shapley(game), abs=1e-12)
    assert voting_banzhaf(weights, quota) == pytest.approx(coopgame.banzhaf(game), abs=1e-12)


@pytest.mark.parametrize("seed", range(40))
def test_talmud_rule_agrees_with_coopgame(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    claims = rng.integers(0, 1000, n).astype(float)
    estate = float(rng.integers(0, int(claims.sum()) + 1))
    expected = [float(f) for f in coopgame.talmud(estate, claims.tolist(), exact=True)]
    assert talmud(estate, claims) == pytest.approx(expected, abs=1e-9)
    if 10 < n <= 26:
        return  # solve would enumerate 2^n coalitions for the core: slow, and tested elsewhere
    report = solve(BankruptcyGame(players(n), estate=estate, claims=tuple(claims)))
    assert report.solutions["nucleolus"] == pytest.approx(expected, abs=1e-9)
    assert report.core_empty is False
    assert report.contains["nucleolus"] is True


@pytest.mark.parametrize("seed", range(40))
def test_airport_shapley_and_nucleolus_agree_with_coopgame(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 9))
    costs = rng.integers(0, 20, n).astype(float)
    expected = coopgame.airport(costs.tolist())
    assert airport_shapley(costs) == pytest.approx(expected["shapley"], abs=1e-9)
    report = solve(
        AirportGame(players(n), costs=tuple(costs)),
        SolveOptions(solutions=("shapley", "nucleolus")),
    )
    assert report.solutions["shapley"] == pytest.approx(expected["shapley"], abs=1e-9)
    assert report.solutions["nucleolus"] == pytest.approx(expected["nucleolus"], abs=1e-6)


@pytest.mark.parametrize("seed", range(12))
def test_nucleolus_of_larger_games_agrees_with_coopgame(seed):
    # n = 10..12: past 64 (n + 1) coalitions, Kohlberg's check sorts excesses in windows
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(10, 13))
    v = random_dense_game(rng, n, STYLES[seed % len(STYLES)])
    tol = 1e-6 * scale(v)
    x = prenucleolus(v)
    assert x == pytest.approx(coopgame.prenucleolus(peer(v))["allocation"], abs=tol)
    moved = x.copy()
    moved[0] += 1e-3 * scale(v)
    moved[-1] -= 1e-3 * scale(v)
    assert not kohlberg_certified(v, moved, imputation=False)
    try:
        expected = coopgame.nucleolus(peer(v))["allocation"]
    except ValueError:
        with pytest.raises(Undefined):
            nucleolus(v)
    else:
        assert nucleolus(v) == pytest.approx(expected, abs=tol)
