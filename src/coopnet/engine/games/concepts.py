"""The solution concepts, in one table: adding a concept is one entry.

The names `solve` accepts, the allocations whose core membership it checks, the dispatch to
each concept's computation (exact, or sampled with standard errors) and the recommendation of
which split to pay out all derive from `CONCEPTS`.

>>> SOLUTIONS
('shapley', 'banzhaf', 'nucleolus', 'prenucleolus', 'least_core', 'equal', 'proportional')
>>> "banzhaf" in ALLOCATIONS, DEFAULT_SOLUTIONS, RECOMMENDATION_ORDER
(False, ('shapley', 'nucleolus'), ('shapley', 'nucleolus'))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from coopnet.engine.errors import Undefined
from coopnet.engine.games.sampling import Estimate
from coopnet.engine.games.solver import Solver
from coopnet.engine.games.subsets import FloatVector


@dataclass(frozen=True)
class Concept:
    """A solution concept and how the engine treats it."""

    name: str
    #: the exact computation (raising `Undefined` where the concept does not exist for the game)
    exact: Callable[[Solver], FloatVector]
    #: the estimate `--method sample` gives; None: exact only, from all 2^n coalitions
    sampled: Callable[[Solver], Estimate] | None = None
    #: whether it shares v(N) exactly, so that its core membership is checked
    allocation: bool = True
    #: computed when the caller names no solution
    default: bool = False
    #: its place in the recommendation (0 first); None: never recommended
    recommendation: int | None = None


CONCEPTS = (
    Concept("shapley", Solver.shapley, Solver.shapley_sampled, default=True, recommendation=0),
    # the raw Banzhaf value need not sum to v(N)
    Concept("banzhaf", Solver.banzhaf, Solver.banzhaf_sampled, allocation=False),
    Concept("nucleolus", Solver.nucleolus, default=True, recommendation=1),
    Concept("prenucleolus", Solver.prenucleolus),
    # the least core's most central point, which is the prenucleolus
    Concept("least_core", Solver.prenucleolus),
    Concept("equal", Solver.equal),
    Concept("proportional", Solver.proportional),
)
BY_NAME = {concept.name: concept for concept in CONCEPTS}
SOLUTIONS = tuple(concept.name for concept in CONCEPTS)
ALLOCATIONS = tuple(concept.name for concept in CONCEPTS if concept.allocation)
DEFAULT_SOLUTIONS = tuple(concept.name for concept in CONCEPTS if concept.default)
RECOMMENDATION_ORDER = tuple(
    concept.name
    for concept in sorted(CONCEPTS, key=lambda c: c.recommendation or 0)
    if concept.recommendation is not None
)


def recommend(solutions: Mapping[str, object], contains: Mapping[str, bool | None]) -> str:
    """The solution to pay out: Shapley when it is in the core, else the nucleolus when defined.

    In general: the first concept of `RECOMMENDATION_ORDER` among the computed `solutions` (a
    None is not computed) that is not known to lie outside the core (`contains` False); when
    every one of them does, the last (the nucleolus: closest to the core when it is empty).

    >>> recommend({"shapley": [2.0, 1.0]}, {"shapley": True})
    'shapley'
    >>> recommend({"shapley": [2.0, 1.0], "nucleolus": [1.5, 1.5]}, {"shapley": False})
    'nucleolus'
    >>> recommend({"shapley": [2.0, 1.0], "nucleolus": None}, {"shapley": False})
    'shapley'
    """
    computed = [name for name in RECOMMENDATION_ORDER if solutions.get(name) is not None]
    if not computed:
        raise Undefined(f"nothing to recommend: none of {', '.join(RECOMMENDATION_ORDER)}")
    for name in computed:
        if contains.get(name) is not False:
            return name
    return computed[-1]
