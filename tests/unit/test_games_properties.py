"""Axioms and invariants, on random games (hypothesis)."""

import numpy as np
import pytest
from game_strategies import dense_games, n_of, players, scale
from hypothesis import given, settings
from hypothesis import strategies as st

from coopnet.engine.errors import Undefined
from coopnet.engine.games import (
    AirportGame,
    BankruptcyGame,
    ExplicitGame,
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
    voting_banzhaf,
    voting_shapley,
)
from coopnet.engine.games.structured import airport_in_core, bankruptcy_in_core, voting_in_core
from coopnet.engine.games.subsets import subset_sums

FAST = settings(max_examples=80, deadline=None)
LP = settings(max_examples=60, deadline=None)  # each example solves a few LPs

SEEDS = st.integers(0, 2**32 - 1)


def singles(v):
    return v[1 << np.arange(n_of(v))]


def swap_players(v, i, j):
    """The game with players i and j exchanged."""
    masks = np.arange(len(v))
    differ = ((masks >> i) & 1) ^ ((masks >> j) & 1)
    return v[masks ^ (differ * ((1 << i) | (1 << j)))]


def relabel(v, perm):
    """The game in which old player i is called perm[i]."""
    n = n_of(v)
    old_of_new = np.zeros(len(v), dtype=np.int64)
    for i in range(n):
        old_of_new |= ((np.arange(len(v)) >> perm[i]) & 1) << i
    return v[old_of_new]


# --- Shapley and Banzhaf axioms.
@FAST
@given(dense_games())
def test_shapley_is_efficient(v):
    assert shapley_exact(v).sum() == pytest.approx(v[-1], abs=1e-9 * scale(v))


@FAST
@given(dense_games(min_players=2), st.data())
def test_symmetric_players_get_the_same_value(v, data):
    n = n_of(v)
    i, j = data.draw(st.sampled_from([(a, b) for a in range(n) for b in range(a + 1, n)]))
    symmetric = (v + swap_players(v, i, j)) / 2  # i and j are now interchangeable
    tol = 1e-9 * scale(v)
    for solution in (shapley_exact, banzhaf_exact):
        phi = solution(symmetric)
        assert phi[i] == pytest.approx(phi[j], abs=tol)


@FAST
@given(dense_games(min_players=2), st.data())
def test_values_follow_the_players_when_they_are_relabelled(v, data):
    n = n_of(v)
    perm = data.draw(st.permutations(range(n)))
    renamed = relabel(v, perm)
    for solution in (shapley_exact, banzhaf_exact):
        assert solution(renamed)[list(perm)] == pytest.approx(solution(v), abs=1e-9 * scale(v))


@FAST
@given(dense_games(min_players=2), st.data())
def test_null_player_gets_nothing(v, data):
    i = data.draw(st.integers(0, n_of(v) - 1))
    v = v[np.arange(len(v)) & ~(1 << i)]  # v(S + i) = v(S): i adds nothing
    assert shapley_exact(v)[i] == pytest.approx(0, abs=1e-9 * scale(v))
    assert banzhaf_exact(v)[i] == pytest.approx(0, abs=1e-9 * scale(v))


@FAST
@given(dense_games(min_players=2), st.data(), st.floats(-10, 10))
def test_dummy_player_gets_its_stand_alone_value(v, data, alone):
    i = data.draw(st.integers(0, n_of(v) - 1))
    masks = np.arange(len(v))
    v = v[masks & ~(1 << i)] + alone * ((masks >> i) & 1)  # v(S + i) = v(S) + v({i})
    assert v[1 << i] == alone
    tol = 1e-9 * scale(v)
    assert banzhaf_exact(v)[i] == pytest.approx(alone, abs=tol)
    assert shapley_exact(v)[i] == pytest.approx(alone, abs=tol)
    others = [k for k in range(n_of(v)) if k != i]
    without = v[masks & ~(1 << i)]  # the others' values do not depend on the dummy
    assert shapley_exact(v)[others] == pytest.approx(shapley_exact(without)[others], abs=tol)


@FAST
@given(st.integers(1, 8), SEEDS, SEEDS)
def test_shapley_and_banzhaf_are_additive(n, seed_v, seed_w):
    v = np.random.default_rng(seed_v).normal(0, 5, 1 << n)
    w = np.random.default_rng(seed_w).integers(-3, 4, 1 << n).astype(float)
    v[0] = w[0] = 0
    for solution in (shapley_exact, banzhaf_exact):
        assert solution(v + w) == pytest.approx(solution(v) + solution(w), abs=1e-9 * scale(v))


@FAST
@given(dense_games(), st.floats(-5, 5))
def test_shapley_and_banzhaf_are_linear(v, factor):
    for solution in (shapley_exact, banzhaf_exact):
        assert solution(factor * v) == pytest.approx(factor * solution(v), abs=1e-9 * scale(v))


@FAST
@given(dense_games())
def test_additive_games_give_everyone_their_stand_alone_value(v):
    alone = singles(v)
    additive = subset_sums(alone)
    if n_of(v) > 1:  # every excess is 0 at the stand-alone values
        assert least_core_epsilon(additive) == pytest.approx(0, abs=1e-9 * scale(v))
    for solution in (shapley_exact, banzhaf_exact, nucleolus, prenucleolus):
        assert solution(additive) == pytest.approx(alone, abs=1e-7 * scale(v))


@FAST
@given(dense_games())
def test_added_value_is_what_the_others_lose_without_a_player(v):
    n = n_of(v)
    full = len(v) - 1
    expected = [v[full] - v[full & ~(1 << i)] for i in range(n)]
    assert added_values(v).tolist() == expected


# --- Nucleolus, prenucleolus, least core.
@LP
@given(dense_games())
def test_nucleolus_is_a_certified_imputation_in_the_core_when_there_is_one(v):
    n = n_of(v)
    tol = 1e-7 * scale(v)
    try:
        x = nucleolus(v)
    except Undefined:
        assert singles(v).sum() > v[-1]
        return
    assert x.sum() == pytest.approx(v[-1], abs=tol)
    assert np.all(x >= singles(v) - tol)
    assert kohlberg_certified(v, x, imputation=True)
    epsilon = least_core_epsilon(v)
    if n > 1 and epsilon <= 0:
        assert core_check(v, x).in_core


@LP
@given(dense_games(min_players=2))
def test_prenucleolus_is_in_the_least_core(v):
    x = prenucleolus(v)
    epsilon = least_core_epsilon(v)
    excess = v - subset_sums(x)
    tol = 1e-7 * scale(v)
    assert x.sum() == pytest.approx(v[-1], abs=tol)
    assert excess[1:-1].max() == pytest.approx(epsilon, abs=tol)
    assert kohlberg_certified(v, x, imputation=False)
    assert (epsilon > 1e-9 * scale(v)) == (not core_check(v, x).in_core)


@LP
@given(dense_games(min_players=2))
def test_nucleolus_and_prenucleolus_are_each_unique(v):
    pre = prenucleolus(v)
    try:
        nuc = nucleolus(v)
    except Undefined:
        return
    if np.all(pre >= singles(v) - 1e-9 * scale(v)):
        # a prenucleolus among the imputations is the nucleolus
        assert nuc == pytest.approx(pre, abs=1e-7 * scale(v))
    elif np.abs(nuc - pre).max() > 1e-3 * scale(v):
        # and otherwise the nucleolus does not pass as the prenucleolus
        assert not kohlberg_certified(v, nuc, imputation=False)
        assert not kohlberg_certified(v, pre, imputation=True)


@LP
@given(dense_games(min_players=2))
def test_a_moved_prenucleolus_fails_the_certificate(v):
    x = prenucleolus(v)
    moved = x.copy()
    moved[0] += 0.01 * scale(v)
    moved[1] -= 0.01 * scale(v)
    assert not kohlberg_certified(v, moved, imputation=False)
    assert not kohlberg_certified(v, x + 0.01 * scale(v), imputation=False)  # not efficient


@LP
@given(
    dense_games(min_players=2, max_players=7),
    st.floats(0.1, 20),
    st.lists(st.integers(-20, 20), min_size=7, max_size=7),
)
def test_nucleolus_moves_with_the_game_under_strategic_equivalence(v, factor, shift):
    # w = a v + b (b additive, a > 0) is strategically equivalent: solutions map the same way
    b = np.array(shift[: n_of(v)], dtype=float)
    w = factor * v + subset_sums(b)
    tol = 1e-7 * scale(w)
    for solution in (shapley_exact, prenucleolus):
        assert solution(w) == pytest.approx(factor * solution(v) + b, abs=tol)
    assert least_core_epsilon(w) == pytest.approx(factor * least_core_epsilon(v), abs=tol)
    try:
        x = nucleolus(v)
    except Undefined:
        return
    assert nucleolus(w) == pytest.approx(factor * x + b, abs=tol)


@LP
@given(dense_games(min_players=2, max_players=7), st.data())
def test_nucleolus_follows_the_players_when_they_are_relabelled(v, data):
    perm = list(data.draw(st.permutations(range(n_of(v)))))
    renamed = relabel(v, perm)
    tol = 1e-7 * scale(v)
    assert prenucleolus(renamed)[perm] == pytest.approx(prenucleolus(v), abs=tol)
    assert least_core_epsilon(renamed) == pytest.approx(least_core_epsilon(v), abs=tol)
    try:
        x = nucleolus(v)
    except Undefined:
        return
    assert nucleolus(renamed)[perm] == pytest.approx(x, abs=tol)


@LP
@given(dense_games(min_players=2), st.data())
def test_core_check_objections_are_the_coalitions_given_less_than_their_worth(v, data):
    n = n_of(v)
    x = shapley_exact(v) + np.array(data.draw(st.lists(st.floats(-1, 1), min_size=n, max_size=n)))
    check = core_check(v, x, limit=len(v))
    tol = 1e-9 * max(scale(v), float(np.abs(x).max()))
    shortfall = v - subset_sums(x)
    proper = np.arange(1, len(v) - 1)
    expected = {m for m in proper if shortfall[m] > tol}
    found = {sum(1 << i for i in o.members) for o in check.objections}
    assert found == expected
    for objection in check.objections:
        mask = sum(1 << i for i in objection.members)
        assert objection.worth == v[mask]
        assert objection.shortfall == pytest.approx(shortfall[mask], abs=tol)
    shortfalls = [o.shortfall for o in check.objections]
    assert shortfalls == sorted(shortfalls, reverse=True)
    assert check.efficient == (abs(x.sum() - v[-1]) <= tol)
    assert len(core_check(v, x, limit=2).objections) == min(2, len(expected))


# --- Cost games.
@LP
@given(st.lists(st.integers(0, 40), min_size=1, max_size=7))
def test_cost_game_solutions_are_the_savings_game_solutions_mapped_back(costs):
    n = len(costs)
    game = AirportGame(players(n), costs=tuple(map(float, costs)))
    c = game.dense()
    alone = c[1 << np.arange(n)]
    savings = subset_sums(alone) - c
    names = ("shapley", "banzhaf", "nucleolus", "prenucleolus", "least_core", "equal")
    report = solve(game, SolveOptions(solutions=names))
    as_profit = solve(ExplicitGame(game.players, values=savings), SolveOptions(solutions=names))
    for name in names:
        if name == "banzhaf":  # linear, but not efficient: computed on c directly
            assert report.solutions[name] == pytest.approx(banzhaf_exact(c), abs=1e-9)
        elif name == "equal":
            assert report.solutions[name] == pytest.approx([c[-1] / n] * n)
        else:
            shares = alone - as_profit.solutions[name]
            assert report.solutions[name] == pytest.approx(shares, abs=1e-7)
    assert report.least_core_epsilon == pytest.approx(as_profit.least_core_epsilon, abs=1e-9)
    assert report.core_empty is False  # airport games are concave
    assert report.contains["shapley"] is True
    assert report.contains["nucleolus"] is True
    assert report.contains == {
        k: core_check(savings, alone - report.solutions[k]).in_core for k in report.contains
    }


@LP
@given(dense_games(min_players=2, max_players=6, styles=("ties", "superadditive", "real")))
def test_explicit_cost_games_are_solved_through_their_savings_game(c):
    n = n_of(c)
    game = ExplicitGame(players(n), values=c, kind="cost")
    alone = singles(c)
    savings = subset_sums(alone) - c
    names = ("shapley", "nucleolus", "prenucleolus", "proportional")
    report = solve(game, SolveOptions(solutions=names))
    tol = 1e-7 * scale(c)
    assert report.solutions["shapley"] == pytest.approx(shapley_exact(c), abs=tol)
    assert report.solutions["shapley"] == pytest.approx(alone - shapley_exact(savings), abs=tol)
    expected = alone - prenucleolus(savings)
    assert report.solutions["prenucleolus"] == pytest.approx(expected, abs=tol)
    try:
        expected = alone - nucleolus(savings)
    except Undefined:
        assert report.solutions["nucleolus"] is None
        assert "imputation" in report.undefined["nucleolus"]
    else:
        assert report.solutions["nucleolus"] == pytest.approx(expected, abs=tol)
    if np.all(alone >= 0) and alone.sum() > 0:
        proportional = c[-1] * alone / alone.sum()
        assert report.solutions["proportional"] == pytest.approx(proportional)
    else:
        assert report.solutions["proportional"] is None


# --- Structured algorithms against enumeration.
@FAST
@given(st.lists(st.integers(0, 9), min_size=1, max_size=8), st.data())
def test_voting_indices_by_weights_equal_enumeration(weights, data):
    quota = data.draw(st.integers(1, sum(weights) + 2))
    dense = WeightedVotingGame(players(len(weights)), quota=quota, weights=tuple(weights)).dense()
    assert voting_shapley(tuple(weights), quota) == pytest.approx(shapley_exact(dense), abs=1e-12)
    assert voting_banzhaf(tuple(weights), quota) == pytest.approx(banzhaf_exact(dense), abs=1e-12)


@FAST
@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=7),
    st.floats(0, 1),
    st.sampled_from(["voting", "bankruptcy", "airport"]),
)
def test_generator_games_dense_vector_is_their_batch_evaluation(numbers, share, form):
    n = len(numbers)
    if form == "voting":
        quota = max(1, round(share * sum(numbers)))
        game = WeightedVotingGame(players(n), quota=quota, weights=tuple(numbers))
    elif form == "bankruptcy":
        estate = share * sum(numbers)
        game = BankruptcyGame(players(n), estate=estate, claims=tuple(map(float, numbers)))
    else:
        game = AirportGame(players(n), costs=tuple(map(float, numbers)))
    masks = np.arange(1 << n)
    members = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    dense = game.dense()
    assert dense[0] == 0
    assert dense.tolist() == game.evaluate(members).tolist()
    assert game.grand_value == dense[-1]
    assert game.stand_alone.tolist() == dense[1 << np.arange(n)].tolist()


def candidate_allocations(v, rng):
    """Points near and far from the core: solutions, perturbations, marginal vectors."""
    n = n_of(v)
    base = [shapley_exact(v), prenucleolus(v), np.full(n, v[-1] / n)]
    points = list(base)
    for x in base:
        for size in (1e-3, 0.3, 2.0):
            step = rng.normal(size=n) * size
            points.append(x + step - step.mean())
    for _ in range(3):
        order, mask, x = rng.permutation(n), 0, np.zeros(n)
        for p in order:
            x[p] = v[mask | 1 << p] - v[mask]
            mask |= 1 << p
        points.append(x)
    return points


@LP
@given(st.lists(st.integers(0, 6), min_size=2, max_size=7), st.data(), SEEDS)
def test_voting_core_membership_from_the_weights_equals_enumeration(weights, data, seed):
    quota = data.draw(st.integers(1, sum(weights) + 2))
    v = WeightedVotingGame(players(len(weights)), quota=quota, weights=tuple(weights)).dense()
    for x in candidate_allocations(v, np.random.default_rng(seed)):
        assert voting_in_core(tuple(weights), quota, x, 1e-9) == core_check(v, x).in_core


@LP
@given(st.lists(st.integers(0, 20), min_size=2, max_size=7), st.floats(0, 1), SEEDS)
def test_bankruptcy_core_membership_from_the_claims_equals_enumeration(claims, share, seed):
    claims = np.array(claims, dtype=float)
    estate = float(share * claims.sum())
    v = BankruptcyGame(players(len(claims)), estate=estate, claims=tuple(claims)).dense()
    for x in candidate_allocations(v, np.random.default_rng(seed)):
        assert bankruptcy_in_core(estate, claims, x, 1e-9) == core_check(v, x).in_core


@LP
@given(st.lists(st.integers(0, 8), min_size=2, max_size=7), SEEDS)
def test_airport_core_membership_from_the_costs_equals_enumeration(costs, seed):
    costs = np.array(costs, dtype=float)
    c = AirportGame(players(len(costs)), costs=tuple(costs)).dense()
    savings = subset_sums(costs) - c
    for y in candidate_allocations(savings, np.random.default_rng(seed)):
        assert airport_in_core(costs, costs - y, 1e-9) == core_check(savings, y).in_core


# --- Sampling.
@settings(max_examples=20, deadline=None)
@given(
    dense_games(min_players=2, max_players=6),
    st.sampled_from(["antithetic", "stratified", "plain"]),
    st.integers(0, 1000),
)
def test_sampled_shapley_is_within_its_stated_error(v, scheme, seed):
    game = ExplicitGame(players(n_of(v)), values=v)
    exact = shapley_exact(v)
    for offset in range(3):
        estimate = shapley_sample(game, 3000, seed=seed + offset, scheme=scheme)
        # five standard errors, plus float slack for players whose contribution never varies
        error = np.abs(estimate.values - exact)
        assert np.all(error <= 5 * estimate.standard_errors + 1e-9 * scale(v))


@settings(max_examples=20, deadline=None)
@given(dense_games(min_players=2, max_players=6), st.integers(0, 1000))
def test_sampled_banzhaf_is_within_its_stated_error(v, seed):
    game = ExplicitGame(players(n_of(v)), values=v)
    exact = banzhaf_exact(v)
    for offset in range(3):
        estimate = banzhaf_sample(game, 2000, seed=seed + offset)
        error = np.abs(estimate.values - exact)
        assert np.all(error <= 5 * estimate.standard_errors + 1e-9 * scale(v))


@settings(max_examples=10, deadline=None)
@given(dense_games(min_players=2, max_players=5), st.integers(0, 1000))
def test_sampling_is_exact_on_additive_games(v, seed):
    # every marginal contribution equals the stand-alone value: no variance to estimate
    additive = subset_sums(singles(v))
    game = ExplicitGame(players(n_of(v)), values=additive)
    for scheme in ("antithetic", "stratified", "plain"):
        estimate = shapley_sample(game, 50, seed=seed, scheme=scheme)
        assert estimate.values == pytest.approx(singles(v), abs=1e-9 * scale(v))
        assert estimate.standard_errors == pytest.approx([0] * n_of(v), abs=1e-9 * scale(v))


# A 4-player game in which every player's marginal contribution varies in every scheme.
VARIED = np.array([0, 1, 0, 3, 2, 4, 5, 9, 1, 2, 2, 6, 4, 7, 8, 14.0])


@pytest.mark.parametrize("scheme", ["antithetic", "stratified", "plain", "banzhaf"])
def test_stated_standard_errors_match_the_spread_of_estimates_over_seeds(scheme):
    game = ExplicitGame(players(4), values=VARIED)
    if scheme == "banzhaf":
        runs = [banzhaf_sample(game, 200, seed=s) for s in range(300)]
        exact = banzhaf_exact(VARIED)
    else:
        runs = [shapley_sample(game, 200, seed=s, scheme=scheme) for s in range(300)]
        exact = shapley_exact(VARIED)
    values = np.array([r.values for r in runs])
    stated = np.array([r.standard_errors for r in runs]).mean(axis=0)
    spread = values.std(axis=0, ddof=1)
    # an honest standard error is the spread of the estimate (here to within ~4%, 300 seeds)
    assert np.all((spread / stated > 0.8) & (spread / stated < 1.25))
    # and the estimate is unbiased: the mean of 300 lies within 4 of its own standard errors
    assert np.all(np.abs(values.mean(axis=0) - exact) <= 4 * spread / np.sqrt(len(runs)))
