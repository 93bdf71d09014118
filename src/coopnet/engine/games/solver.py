"""The computations behind each solution concept, on one game.

Cost games are solved through their savings game s(S) = sum of c({i}) over S - c(S): each
solution of s is mapped back to cost shares x_i = c({i}) - y_i (linear solutions such as the
Shapley value are computed on c directly, which is the same). Generator games use their
structure where an exact algorithm is known and fall back to enumeration otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from coopnet.engine.errors import TooLarge, Undefined
from coopnet.engine.games import structured
from coopnet.engine.games.model import (
    MAX_EXACT_PLAYERS,
    AirportGame,
    BankruptcyGame,
    Game,
    WeightedVotingGame,
)
from coopnet.engine.games.nucleolus import nucleolus, prenucleolus
from coopnet.engine.games.sampling import Estimate, Scheme, banzhaf_sample, shapley_sample
from coopnet.engine.games.subsets import FloatVector, subset_sums
from coopnet.engine.games.values import banzhaf_exact, shapley_exact


class Solver:
    """The computations on one game, sharing its dense vector (built once, when first needed)."""

    def __init__(
        self,
        game: Game,
        samples: int = 10_000,
        seed: int | None = 0,
        scheme: Scheme = "antithetic",
    ):
        self.game = game
        self.samples, self.seed, self.scheme = samples, seed, scheme
        self._dense: FloatVector | None = None
        self._savings: FloatVector | None = None
        self.stand_alone = game.stand_alone

    @property
    def dense(self) -> FloatVector:
        if self._dense is None:
            self._dense = self.game.dense()
        return self._dense

    @property
    def has_dense(self) -> bool:
        return self._dense is not None

    @property
    def profit_dense(self) -> FloatVector:
        """The profit game: v itself, or the savings game of a cost game."""
        if self.game.kind == "profit":
            return self.dense
        if self._savings is None:
            self._savings = subset_sums(self.stand_alone) - self.dense
        return self._savings

    def to_shares(self, y: FloatVector) -> FloatVector:
        """Map a solution of the profit (savings) game back to the game's own terms."""
        return y if self.game.kind == "profit" else self.stand_alone - y

    def to_profit(self, x: FloatVector) -> FloatVector:
        return x if self.game.kind == "profit" else self.stand_alone - x

    def shapley(self) -> FloatVector:
        game = self.game
        if isinstance(game, WeightedVotingGame):
            return self._voting(structured.voting_shapley, shapley_exact)
        if isinstance(game, AirportGame):
            return structured.airport_shapley(np.asarray(game.costs))
        return shapley_exact(self.dense)

    def banzhaf(self) -> FloatVector:
        if isinstance(self.game, WeightedVotingGame):
            return self._voting(structured.voting_banzhaf, banzhaf_exact)
        return banzhaf_exact(self.dense)

    def _voting(
        self,
        by_weights: Callable[[tuple[int, ...], int], FloatVector],
        by_enumeration: Callable[[FloatVector], FloatVector],
    ) -> FloatVector:
        """The weights' dynamic programme, or enumeration when the quota is too large for it."""
        game = self.game
        assert isinstance(game, WeightedVotingGame)
        try:
            return by_weights(game.weights, game.quota)
        except TooLarge:
            if game.n > MAX_EXACT_PLAYERS:
                raise
            return by_enumeration(self.dense)

    def nucleolus(self) -> FloatVector:
        talmud = self._talmud()
        return talmud if talmud is not None else self.to_shares(nucleolus(self.profit_dense))

    def prenucleolus(self) -> FloatVector:
        talmud = self._talmud()  # a convex game's core holds its prenucleolus: they coincide
        if talmud is not None:
            return talmud
        return self.to_shares(prenucleolus(self.profit_dense))

    def _talmud(self) -> FloatVector | None:
        game = self.game
        if (
            isinstance(game, BankruptcyGame)
            and game.kind == "profit"
            and game.estate <= sum(game.claims)
        ):
            return structured.talmud(game.estate, np.asarray(game.claims))
        return None

    def shapley_sampled(self) -> Estimate:
        return shapley_sample(self.game, self.samples, self.seed, self.scheme)

    def banzhaf_sampled(self) -> Estimate:
        return banzhaf_sample(self.game, self.samples, self.seed)

    def equal(self) -> FloatVector:
        return np.full(self.game.n, self.game.grand_value / self.game.n)

    def proportional(self) -> FloatVector:
        weights = self.stand_alone
        if np.any(weights < 0) or weights.sum() <= 0:
            raise Undefined("needs stand-alone values that are non-negative and not all zero")
        shares: FloatVector = self.game.grand_value * weights / weights.sum()
        return shares
