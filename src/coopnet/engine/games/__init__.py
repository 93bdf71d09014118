"""Transferable-utility games and their solutions.

>>> from coopnet.engine.games import ExplicitGame, solve
>>> game = ExplicitGame(("A", "B"), values=[0, 1, 2, 6])
>>> solve(game).solutions["shapley"].tolist()
[2.5, 3.5]
"""

from coopnet.engine.games.concepts import (
    ALLOCATIONS,
    CONCEPTS,
    DEFAULT_SOLUTIONS,
    RECOMMENDATION_ORDER,
    SOLUTIONS,
    Concept,
    recommend,
)
from coopnet.engine.games.core import CoreCheck, Objection, core_check
from coopnet.engine.games.model import (
    MAX_EXACT_PLAYERS,
    AirportGame,
    BankruptcyGame,
    ExplicitGame,
    FunctionGame,
    Game,
    WeightedVotingGame,
)
from coopnet.engine.games.nucleolus import (
    kohlberg_certified,
    least_core_epsilon,
    nucleolus,
    prenucleolus,
)
from coopnet.engine.games.sampling import Estimate, banzhaf_sample, shapley_sample
from coopnet.engine.games.solve import GameReport, SolveOptions, check_allocation, solve
from coopnet.engine.games.structured import airport_shapley, talmud, voting_banzhaf, voting_shapley
from coopnet.engine.games.values import added_values, banzhaf_exact, shapley_exact

__all__ = [
    "ALLOCATIONS",
    "CONCEPTS",
    "DEFAULT_SOLUTIONS",
    "MAX_EXACT_PLAYERS",
    "RECOMMENDATION_ORDER",
    "SOLUTIONS",
    "AirportGame",
    "BankruptcyGame",
    "Concept",
    "CoreCheck",
    "Estimate",
    "ExplicitGame",
    "FunctionGame",
    "Game",
    "GameReport",
    "Objection",
    "SolveOptions",
    "WeightedVotingGame",
    "added_values",
    "airport_shapley",
    "banzhaf_exact",
    "banzhaf_sample",
    "check_allocation",
    "core_check",
    "kohlberg_certified",
    "least_core_epsilon",
    "nucleolus",
    "prenucleolus",
    "recommend",
    "shapley_exact",
    "shapley_sample",
    "solve",
    "talmud",
    "voting_banzhaf",
    "voting_shapley",
]
