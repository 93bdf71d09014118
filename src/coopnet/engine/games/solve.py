"""Solve a game: the requested solutions, the core and each player's added value, in one report.

The solutions are the concepts of `concepts.CONCEPTS`, computed by `solver.Solver` (cost games
through their savings game). The core is checked on the whole game up to `MAX_EXACT_PLAYERS`,
and from a generator game's structure beyond.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from coopnet.engine.errors import BadInput, TooLarge, Undefined
from coopnet.engine.games import structured
from coopnet.engine.games.concepts import (
    ALLOCATIONS,
    BY_NAME,
    DEFAULT_SOLUTIONS,
    SOLUTIONS,
    Concept,
)
from coopnet.engine.games.core import CoreCheck, core_check
from coopnet.engine.games.model import (
    MAX_EXACT_PLAYERS,
    AirportGame,
    BankruptcyGame,
    Game,
    Kind,
    WeightedVotingGame,
)
from coopnet.engine.games.nucleolus import least_core_epsilon
from coopnet.engine.games.sampling import Scheme
from coopnet.engine.games.solver import Solver
from coopnet.engine.games.subsets import FloatVector
from coopnet.engine.games.values import added_values
from coopnet.engine.numeric import unsigned_zero

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


def solve(game: Game, options: SolveOptions | None = None) -> GameReport:
    """Compute the requested solutions of `game`, its core and added values."""
    options = options or SolveOptions()
    unknown = [s for s in options.solutions if s not in SOLUTIONS]
    if unknown:
        raise BadInput(f"--solution: unknown {unknown[0]!r}; choose from {', '.join(SOLUTIONS)}")
    solver = Solver(game, options.samples, options.seed, options.scheme)
    report = GameReport(game.players, game.kind, unsigned_zero(game.grand_value))
    for name in dict.fromkeys(options.solutions):
        _fill_solution(report, solver, options, BY_NAME[name])
    _fill_core(report, solver)
    report.added_value = _added(solver)
    return report


def _attempt(
    compute: Callable[[], FloatVector], report: GameReport, concept: Concept, lenient: bool
) -> FloatVector | None:
    """Run one computation; one that cannot be done becomes a null with its reason.

    A size refusal stays an error when the caller asked for that solution by name.
    """
    name = concept.name
    try:
        return compute()
    except Undefined as exc:
        report.undefined[name] = str(exc)
    except TooLarge as exc:
        refusal = exc
        if concept.sampled is None:
            refusal = TooLarge(
                f"the {name} needs all coalitions and is exact only, up to {MAX_EXACT_PLAYERS} "
                "players; the Shapley and Banzhaf values can be estimated with --method sample"
            )
        if not lenient:
            raise refusal from None
        report.undefined[name] = str(refusal)
    return None


def _fill_solution(
    report: GameReport, solver: Solver, options: SolveOptions, concept: Concept
) -> None:
    """Compute one solution into the report (a null with its reason where undefined)."""
    if options.method == "sample" and concept.sampled is not None:
        estimate = concept.sampled(solver)
        report.solutions[concept.name] = unsigned_zero(estimate.values)
        report.standard_error[concept.name] = unsigned_zero(estimate.standard_errors)
        return
    x = _attempt(lambda: concept.exact(solver), report, concept, lenient=not options.explicit)
    report.solutions[concept.name] = None if x is None else unsigned_zero(x)


def _added(solver: Solver) -> FloatVector:
    game = solver.game
    if solver.has_dense:
        return added_values(solver.dense)
    grand = game.grand_value
    without = ~np.eye(game.n, dtype=bool)
    return unsigned_zero(grand - game.evaluate(without))


def _fill_core(report: GameReport, solver: Solver) -> None:
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
    report: GameReport, solver: Solver, allocations: dict[str, FloatVector]
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
    solver = Solver(game)
    return core_check(solver.profit_dense, solver.to_profit(np.asarray(x, dtype=np.float64)))
