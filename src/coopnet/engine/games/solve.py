"""Solve a game: the requested solutions, the core and each player's added value, in one report.

Cost games are solved through their savings game s(S) = sum of c({i}) over S - c(S): each
solution of s is mapped back to cost shares x_i = c({i}) - y_i (linear solutions such as the
Shapley value are computed on c directly, which is the same). Generator games use their
structure where an exact algorithm is known and fall back to enumeration otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from coopnet.engine.errors import BadInput, TooLarge, Undefined
from coopnet.engine.games import structured
from coopnet.engine.games.core import CoreCheck, core_check
from coopnet.engine.games.model import (
    MAX_EXACT_PLAYERS,
    AirportGame,
    BankruptcyGame,
    Game,
    Kind,
    WeightedVotingGame,
)
from coopnet.engine.games.nucleolus import least_core_epsilon, nucleolus, prenucleolus
from coopnet.engine.games.sampling import Scheme, banzhaf_sample, shapley_sample
from coopnet.engine.games.subsets import FloatVector, subset_sums
from coopnet.engine.games.values import added_values, banzhaf_exact, shapley_exact

SOLUTIONS = (
    "shapley",
    "banzhaf",
    "nucleolus",
    "prenucleolus",
    "least_core",
    "equal",
    "proportional",
)
DEFAULT_SOLUTIONS = ("shapley", "nucleolus")
ALLOCATIONS = tuple(s for s in SOLUTIONS if s != "banzhaf")  # banzhaf need not sum to v(N)
Method = Literal["exact", "sample"]


@dataclass
class GameReport:
    players: tuple[str, ...]
    kind: Kind
    grand_value: float
    solutions: dict[str, FloatVector | None] = field(default_factory=dict)
    undefined: dict[str, str] = field(default_factory=dict)
    standard_error: dict[str, FloatVector] = field(default_factory=dict)
    core_empty: bool | None = None
    least_core_epsilon: float | None = None
    contains: dict[str, bool | None] = field(default_factory=dict)
    added_value: FloatVector | None = None
    allocation_check: CoreCheck | None = None


@dataclass(frozen=True)
class SolveOptions:
    solutions: Sequence[str] = DEFAULT_SOLUTIONS
    method: Method = "exact"
    samples: int = 10_000
    seed: int | None = 0
    scheme: Scheme = "antithetic"
    #: True when the caller named the solutions: a size refusal is then an error, not a null
    explicit: bool = False


class _Solver:
    def __init__(self, game: Game, options: SolveOptions):
        self.game, self.options = game, options
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

    def equal(self) -> FloatVector:
        return np.full(self.game.n, self.game.grand_value / self.game.n)

    def proportional(self) -> FloatVector:
        weights = self.stand_alone
        if np.any(weights < 0) or weights.sum() <= 0:
            raise Undefined("needs stand-alone values that are non-negative and not all zero")
        shares: FloatVector = self.game.grand_value * weights / weights.sum()
        return shares


def solve(game: Game, options: SolveOptions | None = None) -> GameReport:
    """Compute the requested solutions of `game`, its core and added values."""
    options = options or SolveOptions()
    unknown = [s for s in options.solutions if s not in SOLUTIONS]
    if unknown:
        raise BadInput(f"--solution: unknown {unknown[0]!r}; choose from {', '.join(SOLUTIONS)}")
    solver = _Solver(game, options)
    report = GameReport(game.players, game.kind, game.grand_value)
    for name in dict.fromkeys(options.solutions):
        _fill_solution(report, solver, name)
    _fill_core(report, solver)
    report.added_value = _added(solver)
    return report


def _attempt(
    compute: Callable[[], FloatVector], report: GameReport, name: str, lenient: bool
) -> FloatVector | None:
    """Run one computation; one that cannot be done becomes a null with its reason.

    A size refusal stays an error when the caller asked for that solution by name.
    """
    try:
        return compute()
    except Undefined as exc:
        report.undefined[name] = str(exc)
    except TooLarge as exc:
        refusal = exc
        if name not in ("shapley", "banzhaf"):
            refusal = TooLarge(
                f"the {name} needs all coalitions and is exact only, up to {MAX_EXACT_PLAYERS} "
                "players; the Shapley and Banzhaf values can be estimated with --method sample"
            )
        if not lenient:
            raise refusal from None
        report.undefined[name] = str(refusal)
    return None


def _fill_solution(report: GameReport, solver: _Solver, name: str) -> None:
    options = solver.options
    if options.method == "sample" and name in ("shapley", "banzhaf"):
        if name == "shapley":
            estimate = shapley_sample(solver.game, options.samples, options.seed, options.scheme)
        else:
            estimate = banzhaf_sample(solver.game, options.samples, options.seed)
        report.solutions[name] = estimate.values
        report.standard_error[name] = estimate.standard_errors
        return
    compute: Callable[[], FloatVector] = {
        "shapley": solver.shapley,
        "banzhaf": solver.banzhaf,
        "nucleolus": solver.nucleolus,
        "prenucleolus": solver.prenucleolus,
        "least_core": solver.prenucleolus,
        "equal": solver.equal,
        "proportional": solver.proportional,
    }[name]
    report.solutions[name] = _attempt(compute, report, name, lenient=not options.explicit)


def _added(solver: _Solver) -> FloatVector:
    game = solver.game
    if solver.has_dense:
        return added_values(solver.dense)
    grand = game.grand_value
    without = ~np.eye(game.n, dtype=bool)
    return grand - game.evaluate(without)


def _fill_core(report: GameReport, solver: _Solver) -> None:
    game = solver.game
    allocations = {k: v for k, v in report.solutions.items() if k in ALLOCATIONS and v is not None}
    if game.n > MAX_EXACT_PLAYERS:
        _fill_structured_core(report, solver, allocations)
        return
    try:
        v = solver.profit_dense
    except TooLarge:
        return
    epsilon = least_core_epsilon(v)
    report.least_core_epsilon = epsilon
    report.core_empty = epsilon is not None and epsilon > 1e-9 * max(1.0, float(np.abs(v).max()))
    for name, x in allocations.items():
        report.contains[name] = core_check(v, solver.to_profit(x)).in_core


def _fill_structured_core(
    report: GameReport, solver: _Solver, allocations: dict[str, FloatVector]
) -> None:
    """The core of a large generator game, from its structure (no enumeration)."""
    game = solver.game
    tol = 1e-9 * max(1.0, abs(game.grand_value))
    check: Callable[[FloatVector], bool] | None = None
    if isinstance(game, WeightedVotingGame) and game.kind == "profit":
        report.core_empty, _ = structured.voting_core(game.weights, game.quota)
        weights, quota = game.weights, game.quota
        check = lambda x: structured.voting_in_core(weights, quota, x, tol)  # noqa: E731
    elif isinstance(game, BankruptcyGame) and game.kind == "profit":
        report.core_empty = False  # bankruptcy games are convex (Curiel, Maschler, Tijs 1987)
        estate, claims = game.estate, np.asarray(game.claims)
        check = lambda x: structured.bankruptcy_in_core(estate, claims, x, tol)  # noqa: E731
    elif isinstance(game, AirportGame) and game.kind == "cost":
        report.core_empty = False  # airport games are concave
        costs = np.asarray(game.costs)
        check = lambda x: structured.airport_in_core(costs, x, tol)  # noqa: E731
    for name, x in allocations.items():
        report.contains[name] = check(x) if check else None


def check_allocation(game: Game, x: FloatVector) -> CoreCheck:
    """Check an allocation (cost shares for a cost game) against the core of `game`.

    Objections are in money: for a profit game, how much more a coalition could earn alone; for
    a cost game, how much more it is charged than it would pay alone.
    """
    solver = _Solver(game, SolveOptions())
    return core_check(solver.profit_dense, solver.to_profit(np.asarray(x, dtype=np.float64)))
