"""Shapley and Banzhaf values estimated by sampling, with a standard error per player.

Any game that can evaluate a batch of coalitions can be sampled, whatever its size. Shapley:
permutation sampling (Castro, Gomez and Tejada 2009) with antithetic pairs (each ordering and
its reverse), or stratified by the position a player joins at (Maleki et al. 2013). Banzhaf:
uniform random coalitions of the others, paired with their complements. Seeded: the same seed
gives the same estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from coopnet.engine.errors import BadInput
from coopnet.engine.games.model import Game
from coopnet.engine.games.subsets import FloatVector
from coopnet.engine.numeric import unsigned_zero

Scheme = Literal["antithetic", "stratified", "plain"]
_BATCH_ROWS = 1 << 18


@dataclass(frozen=True)
class Estimate:
    values: FloatVector
    standard_errors: FloatVector
    samples: int


def _check_samples(samples: int, minimum: int) -> None:
    if samples < minimum:
        raise BadInput(
            f"samples: need at least {minimum} for a standard error (samples are drawn in "
            f"pairs), got {samples}"
        )


def _ordering_contributions(game: Game, orders: np.ndarray) -> np.ndarray:
    """contributions[k, i]: player i's marginal contribution in ordering k."""
    count, n = orders.shape
    result = np.empty((count, n))
    per_batch = max(1, _BATCH_ROWS // (n + 1))
    positions = np.arange(n)
    for start in range(0, count, per_batch):
        batch = orders[start : start + per_batch]
        rank = np.empty_like(batch)
        np.put_along_axis(rank, batch, positions[None, :].repeat(len(batch), 0), axis=1)
        # prefixes[k, j, i]: player i is among the first j of ordering k
        prefixes = rank[:, None, :] < np.arange(n + 1)[None, :, None]
        worth = game.evaluate(prefixes.reshape(-1, n)).reshape(len(batch), n + 1)
        worth[:, 0] = 0.0
        steps = np.diff(worth, axis=1)
        np.put_along_axis(result[start : start + len(batch)], batch, steps, axis=1)
    return result


def shapley_sample(
    game: Game, samples: int, seed: int | None = 0, scheme: Scheme = "antithetic"
) -> Estimate:
    """Estimate the Shapley value from `samples` orderings (marginal contributions per player)."""
    _check_samples(samples, 2 if scheme == "plain" else 4)
    rng = np.random.default_rng(seed)
    if scheme == "stratified":
        return _shapley_stratified(game, samples, rng)
    if scheme == "antithetic":
        pairs = (samples + 1) // 2
        orders = np.argsort(rng.random((pairs, game.n)), axis=1)
        contributions = _ordering_contributions(game, np.vstack([orders, orders[:, ::-1]]))
        draws = (contributions[:pairs] + contributions[pairs:]) / 2
    else:
        orders = np.argsort(rng.random((samples, game.n)), axis=1)
        draws = _ordering_contributions(game, orders)
    return _mean_and_error(draws, samples)


def _shapley_stratified(game: Game, samples: int, rng: np.random.Generator) -> Estimate:
    """Stratify by the size k of the coalition a player joins: phi_i = mean over k of
    E[v(S + i) - v(S)], with S uniform among size-k coalitions of the others."""
    n = game.n
    per_stratum = max(2, -(-samples // n))
    values, variances = np.empty(n), np.empty(n)
    for i in range(n):
        others = np.delete(np.arange(n), i)
        sizes = np.repeat(np.arange(n), per_stratum)
        keys = rng.random((len(sizes), n - 1))
        chosen = np.argsort(keys, axis=1) < sizes[:, None]
        without = np.zeros((len(sizes), n), dtype=bool)
        without[:, others] = chosen
        with_i = without.copy()
        with_i[:, i] = True
        gains = (game.evaluate(with_i) - game.evaluate(without)).reshape(n, per_stratum)
        values[i] = gains.mean(axis=1).mean()
        variances[i] = (gains.var(axis=1, ddof=1) / per_stratum).sum() / n**2
    return Estimate(unsigned_zero(values), unsigned_zero(np.sqrt(variances)), per_stratum * n)


def banzhaf_sample(game: Game, samples: int, seed: int | None = 0) -> Estimate:
    """Estimate the raw Banzhaf value from `samples` coalitions per player (complement pairs)."""
    _check_samples(samples, 4)
    rng = np.random.default_rng(seed)
    n, pairs = game.n, (samples + 1) // 2
    draws = np.empty((pairs, n))
    for i in range(n):
        half = rng.random((pairs, n)) < 0.5
        gains = []
        for coalitions in (half, ~half):
            coalitions[:, i] = False
            with_i = coalitions.copy()
            with_i[:, i] = True
            gains.append(game.evaluate(with_i) - game.evaluate(coalitions))
        draws[:, i] = (gains[0] + gains[1]) / 2
    return _mean_and_error(draws, samples)


def _mean_and_error(draws: np.ndarray, samples: int) -> Estimate:
    errors = draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    return Estimate(unsigned_zero(draws.mean(axis=0)), unsigned_zero(errors), samples)
