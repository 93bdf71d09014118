"""Sampled Shapley and Banzhaf values pinned by seed, by budget, and by hand on tiny games.

On two- and three-player games every sample can take only a few values, so the possible
estimates and their standard errors can be listed by hand, whatever the seed draws.
"""

import numpy as np
import pytest

from coopnet.engine.errors import BadInput
from coopnet.engine.games import (
    ExplicitGame,
    FunctionGame,
    banzhaf_sample,
    sampling,
    shapley_sample,
)

SCHEMES = ("antithetic", "stratified", "plain")
SEEDS = range(30)
# v(A) = 10, v(AB) = 50, v(AC) = 40, v(BC) = 30, v(ABC) = 90: every marginal contribution varies
THREE_PARTNERS = np.array([0, 10, 0, 50, 0, 40, 30, 90.0])


def glove_game():
    """Player 0 holds a left glove, players 1 and 2 a right one; a pair is worth 1.

    Written with boolean operators, so it also checks that the samplers hand the game a
    boolean membership matrix, as `Game.evaluate` promises.
    """
    return FunctionGame(
        ("left", "right1", "right2"),
        function=lambda m: (m[:, 0] & (m[:, 1] | m[:, 2])).astype(float),
    )


class Counting:
    """A game that records how many coalitions each call to evaluate asks for."""

    def __init__(self, n):
        self.calls = []
        self.game = FunctionGame(tuple(f"p{i}" for i in range(n)), function=self._worth)

    def _worth(self, members):
        self.calls.append(len(members))
        return members.sum(axis=1) ** 2.0

    @property
    def rows(self):
        return sum(self.calls)


# --- Seeds.
def test_the_default_seed_is_zero_and_the_default_scheme_antithetic():
    game = ExplicitGame(("a", "b", "c"), values=THREE_PARTNERS)
    default = shapley_sample(game, 40)
    pinned = shapley_sample(game, 40, seed=0, scheme="antithetic")
    assert np.array_equal(default.values, pinned.values)
    assert np.array_equal(default.standard_errors, pinned.standard_errors)
    for other in (shapley_sample(game, 40, seed=1), shapley_sample(game, 40, scheme="plain")):
        assert not np.array_equal(default.values, other.values)
    assert np.array_equal(banzhaf_sample(game, 40).values, banzhaf_sample(game, 40, 0).values)
    assert not np.array_equal(banzhaf_sample(game, 40).values, banzhaf_sample(game, 40, 1).values)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_same_seed_gives_the_same_estimate_and_another_seed_another(scheme):
    game = ExplicitGame(("a", "b", "c"), values=THREE_PARTNERS)
    first = shapley_sample(game, 30, seed=7, scheme=scheme)
    again = shapley_sample(game, 30, seed=7, scheme=scheme)
    other = shapley_sample(game, 30, seed=8, scheme=scheme)
    assert np.array_equal(first.values, again.values)
    assert np.array_equal(first.standard_errors, again.standard_errors)
    assert not np.array_equal(first.values, other.values)


# --- How many samples, and the refusals.
def test_plain_sampling_needs_two_orderings_the_paired_schemes_four():
    game = ExplicitGame(("a", "b"), values=np.array([0, 1, 2, 6.0]))
    for samples in (2, 3):
        assert shapley_sample(game, samples, scheme="plain").samples == samples
    with pytest.raises(BadInput, match=r"^samples: need at least 2 for a standard error "):
        shapley_sample(game, 1, scheme="plain")
    message = (
        r"^samples: need at least 4 for a standard error \(samples are drawn in pairs\), got 3$"
    )
    for scheme in ("antithetic", "stratified"):
        with pytest.raises(BadInput, match=message):
            shapley_sample(game, 3, scheme=scheme)
    with pytest.raises(BadInput, match=message):
        banzhaf_sample(game, 3)


@pytest.mark.parametrize(
    ("scheme", "samples", "orderings"),
    # antithetic pairs round an odd budget up: 5 samples are 3 orderings and their reverses
    [("antithetic", 4, 4), ("antithetic", 5, 6), ("plain", 5, 5), ("plain", 2, 2)],
)
def test_orderings_are_drawn_as_many_as_asked(scheme, samples, orderings):
    counting = Counting(3)
    estimate = shapley_sample(counting.game, samples, seed=1, scheme=scheme)
    assert estimate.samples == samples
    assert counting.rows == orderings * 4  # each ordering is evaluated at its 4 prefixes


@pytest.mark.parametrize(("samples", "per_stratum"), [(4, 2), (6, 2), (7, 3), (9, 3), (10, 4)])
def test_stratified_sampling_draws_the_same_number_in_every_stratum(samples, per_stratum):
    # 3 players x 3 positions to join at; at least 2 per stratum for a variance
    counting = Counting(3)
    estimate = shapley_sample(counting.game, samples, seed=1, scheme="stratified")
    assert estimate.samples == 3 * per_stratum
    assert counting.rows == 3 * 2 * 3 * per_stratum  # per player: with and without it


@pytest.mark.parametrize(("samples", "pairs"), [(4, 2), (5, 3), (6, 3), (9, 5)])
def test_banzhaf_draws_complement_pairs_per_player(samples, pairs):
    counting = Counting(3)
    estimate = banzhaf_sample(counting.game, samples, seed=1)
    assert estimate.samples == samples
    # per player, each coalition and its complement, each with and without the player
    assert counting.rows == 3 * 4 * pairs


def test_orderings_are_evaluated_in_batches_as_large_as_the_row_bound_allows(monkeypatch):
    # three players: 4 prefixes per ordering; a bound of 8 rows holds 2 orderings
    monkeypatch.setattr(sampling, "_BATCH_ROWS", 8)
    counting = Counting(3)
    batched = shapley_sample(counting.game, 5, seed=2, scheme="plain")
    assert counting.calls == [8, 8, 4]
    monkeypatch.undo()
    unbatched = shapley_sample(Counting(3).game, 5, seed=2, scheme="plain")
    assert np.array_equal(batched.values, unbatched.values)
    assert np.array_equal(batched.standard_errors, unbatched.standard_errors)


def test_an_ordering_longer_than_the_row_bound_is_evaluated_alone(monkeypatch):
    monkeypatch.setattr(sampling, "_BATCH_ROWS", 3)
    counting = Counting(3)
    shapley_sample(counting.game, 3, seed=2, scheme="plain")
    assert counting.calls == [4, 4, 4]


# --- Exact possible outcomes on tiny games.
def test_antithetic_pairs_are_exact_for_two_players():
    # v = (0, 1, 2, 6): ordering (a, b) gives contributions (1, 5), its reverse (4, 2); every
    # pair averages to the Shapley value (2.5, 3.5), so the standard error is 0.
    game = ExplicitGame(("a", "b"), values=np.array([0, 1, 2, 6.0]))
    for seed in range(5):
        estimate = shapley_sample(game, 10, seed=seed)
        assert estimate.values.tolist() == [2.5, 3.5]
        assert estimate.standard_errors.tolist() == [0.0, 0.0]
    # plain sampling draws single orderings: the mean of k (1, 5)s and 10 - k (4, 2)s
    plain = shapley_sample(game, 10, seed=0, scheme="plain")
    assert np.all(plain.standard_errors > 0)
    assert plain.values.sum() == pytest.approx(6)
    assert round((plain.values[0] - 4) / -3 * 10, 9).is_integer()


def test_stratified_estimates_of_the_glove_game_by_hand():
    # 6 samples, 3 players: 2 coalitions per stratum (the size k of the coalition joined).
    # Left glove: joins {} (gain 0), one right glove (1), both (1): always 2/3, error 0.
    # A right glove: joins {} (0), one other player, the left glove (1) or the other right
    # glove (0), or both (0): it gets m/3 where m is the mean of its 2 draws at k = 1, i.e.
    # 0, 1/6 or 1/3; when the two draws differ, the stratum's variance is 1/2 (ddof 1), and
    # the error is sqrt(1/2 / 2 / 3^2) = 1/6; otherwise 0.
    seen = set()
    for seed in SEEDS:
        estimate = shapley_sample(glove_game(), 6, seed=seed, scheme="stratified")
        assert estimate.samples == 6
        assert estimate.values[0] == pytest.approx(2 / 3, abs=1e-15)
        assert estimate.standard_errors[0] == 0
        for value, error in zip(estimate.values[1:], estimate.standard_errors[1:], strict=True):
            expected_error = 1 / 6 if value == pytest.approx(1 / 6) else 0.0
            assert error == pytest.approx(expected_error, abs=1e-15)
            seen.add(round(value * 6, 9))
    assert seen == {0, 1, 2}


def test_banzhaf_estimates_of_the_glove_game_by_hand():
    # 4 samples: 2 complement pairs of coalitions of the others per player.
    # Left glove, others {1, 2}: the pair ({}, {1,2}) gains (0 + 1)/2 = 1/2, the pair
    # ({1}, {2}) gains (1 + 1)/2 = 1. A right glove, others {0, 2}: ({}, {0,2}) gains 0,
    # ({0}, {2}) gains (1 + 0)/2 = 1/2. So each estimate is the lower, the middle or the upper
    # of its two draws' values; when they differ, the error is sqrt(1/8) / sqrt(2) = 1/4.
    seen = set()
    for seed in SEEDS:
        estimate = banzhaf_sample(glove_game(), 4, seed=seed)
        for i, low in enumerate((0.5, 0.0, 0.0)):
            value, error = estimate.values[i], estimate.standard_errors[i]
            assert value in (low, low + 0.25, low + 0.5)
            assert error == pytest.approx(0.25 if value == low + 0.25 else 0.0, abs=1e-15)
            seen.add((i, value - low))
    assert seen == {(i, step) for i in range(3) for step in (0, 0.25, 0.5)}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_sampled_glove_game_is_within_three_standard_errors(scheme):
    # exact Shapley value of the glove game: (2/3, 1/6, 1/6)
    estimate = shapley_sample(glove_game(), 600, seed=11, scheme=scheme)
    assert np.all(estimate.standard_errors > 0) or scheme == "stratified"
    error = np.abs(estimate.values - [2 / 3, 1 / 6, 1 / 6])
    assert np.all(error <= 3 * estimate.standard_errors + 1e-12)
    banzhaf = banzhaf_sample(glove_game(), 600, seed=11)
    assert np.all(np.abs(banzhaf.values - [0.75, 0.25, 0.25]) <= 3 * banzhaf.standard_errors)
