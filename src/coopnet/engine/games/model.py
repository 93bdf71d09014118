"""Transferable-utility games: the characteristic function, whatever form it is given in.

A game knows its players, whether it is a profit game (players share a surplus v) or a cost
game (players share a cost c), and how to evaluate any batch of coalitions. Explicit games hold
the dense vector of 2^n values indexed by bitmask; generator games compute values from their
parameters and expose them to structure-aware algorithms.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from coopnet.engine.errors import BadInput, TooLarge
from coopnet.engine.games.subsets import FloatVector, subset_maxima, subset_sums

Kind = Literal["profit", "cost"]
BoolMatrix = NDArray[np.bool_]

#: Explicit enumeration of all 2^n coalitions is offered up to this many players
#: (2^26 values are 512 MiB of float64).
MAX_EXACT_PLAYERS = 26


def check_players(players: Sequence[str]) -> tuple[str, ...]:
    if not players:
        raise BadInput("players: the list is empty")
    seen: set[str] = set()
    for name in players:
        if not isinstance(name, str) or not name:
            raise BadInput(f"players: {name!r} is not a non-empty string")
        if name in seen:
            raise BadInput(f"players: {name!r} is listed twice")
        seen.add(name)
    return tuple(players)


def refuse_enumeration(n: int, what: str = "an exact solution") -> TooLarge:
    return TooLarge(
        f"{what} needs all 2^{n} coalitions, beyond the limit of {MAX_EXACT_PLAYERS} players; "
        "use --method sample"
    )


@dataclass(frozen=True)
class Game(ABC):
    """A TU game over named players; `kind` says whether values are profits or costs."""

    players: tuple[str, ...]
    kind: Kind = field(default="profit", kw_only=True)

    @property
    def n(self) -> int:
        return len(self.players)

    @abstractmethod
    def evaluate(self, members: BoolMatrix) -> FloatVector:
        """Values of a batch of coalitions, one per row of a (k, n) membership matrix."""

    def dense(self) -> FloatVector:
        """All 2^n values indexed by bitmask, for exact algorithms (refused beyond the limit)."""
        if self.n > MAX_EXACT_PLAYERS:
            raise refuse_enumeration(self.n)
        return self._dense()

    def _dense(self) -> FloatVector:
        n, out = self.n, np.empty(1 << self.n)
        bits = np.arange(n, dtype=np.int64)
        chunk = 1 << 16
        for start in range(0, 1 << n, chunk):
            masks = np.arange(start, min(start + chunk, 1 << n), dtype=np.int64)
            out[masks] = self.evaluate(((masks[:, None] >> bits) & 1).astype(bool))
        out[0] = 0.0
        return out

    def value(self, coalition: Iterable[str]) -> float:
        index = {p: i for i, p in enumerate(self.players)}
        row = np.zeros((1, self.n), dtype=bool)
        for p in coalition:
            row[0, index[p]] = True
        return float(self.evaluate(row)[0]) if row.any() else 0.0

    @property
    def grand_value(self) -> float:
        return float(self.evaluate(np.ones((1, self.n), dtype=bool))[0])

    @property
    def stand_alone(self) -> FloatVector:
        """v({i}) (or c({i})) for every player."""
        return self.evaluate(np.eye(self.n, dtype=bool))


@dataclass(frozen=True)
class ExplicitGame(Game):
    """A game given by its dense vector: values[m] is the worth of the coalition with mask m."""

    values: FloatVector = field(default_factory=lambda: np.zeros(1))

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", np.asarray(self.values, dtype=np.float64))
        if self.values.ndim != 1 or len(self.values) != 1 << self.n:
            raise BadInput(f"values: expected 2^{self.n} = {1 << self.n} entries")
        if not np.all(np.isfinite(self.values)):
            raise BadInput("values: every value must be a finite number")
        if self.values[0] != 0:
            raise BadInput("values: the empty coalition must be worth 0")

    def evaluate(self, members: BoolMatrix) -> FloatVector:
        weights = np.left_shift(1, np.arange(self.n, dtype=np.int64))
        result: FloatVector = self.values[members.astype(np.int64) @ weights]
        return result

    def _dense(self) -> FloatVector:
        return self.values


@dataclass(frozen=True)
class WeightedVotingGame(Game):
    """v(S) = 1 if the weights of S reach the quota, else 0 (weights kept as exact integers)."""

    quota: int = 0
    weights: tuple[int, ...] = ()

    def evaluate(self, members: BoolMatrix) -> FloatVector:
        totals = members.astype(np.int64) @ np.asarray(self.weights, dtype=np.int64)
        return (totals >= self.quota).astype(np.float64)

    def _dense(self) -> FloatVector:
        totals = subset_sums(np.asarray(self.weights, dtype=np.float64))
        return (totals >= self.quota).astype(np.float64)


@dataclass(frozen=True)
class BankruptcyGame(Game):
    """v(S) = max(0, E - claims of the players outside S) (O'Neill 1982)."""

    estate: float = 0.0
    claims: tuple[float, ...] = ()

    def evaluate(self, members: BoolMatrix) -> FloatVector:
        claims = np.asarray(self.claims, dtype=np.float64)
        outside = claims.sum() - members.astype(np.float64) @ claims
        worth: FloatVector = np.maximum(0.0, self.estate - outside)
        return worth

    def _dense(self) -> FloatVector:
        claims = np.asarray(self.claims, dtype=np.float64)
        outside = claims.sum() - subset_sums(claims)
        worth: FloatVector = np.maximum(0.0, self.estate - outside)
        return worth


@dataclass(frozen=True)
class AirportGame(Game):
    """A cost game: c(S) = the largest cost among the members of S (Littlechild–Owen 1973)."""

    costs: tuple[float, ...] = ()
    kind: Kind = field(default="cost", kw_only=True)

    def evaluate(self, members: BoolMatrix) -> FloatVector:
        costs = np.asarray(self.costs, dtype=np.float64)
        largest: FloatVector = (members * costs).max(axis=1, initial=0.0)
        return largest

    def _dense(self) -> FloatVector:
        return subset_maxima(np.asarray(self.costs))


@dataclass(frozen=True)
class FunctionGame(Game):
    """A game whose values come from a function of a (k, n) membership matrix."""

    function: Callable[[BoolMatrix], FloatVector] = field(default=lambda m: np.zeros(len(m)))

    def evaluate(self, members: BoolMatrix) -> FloatVector:
        return np.asarray(self.function(members), dtype=np.float64)
