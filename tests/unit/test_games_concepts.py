"""The table of solution concepts and the recommendation derived from it."""

import numpy as np
import pytest

from coopnet.engine.errors import Undefined
from coopnet.engine.games import (
    ALLOCATIONS,
    CONCEPTS,
    DEFAULT_SOLUTIONS,
    RECOMMENDATION_ORDER,
    SOLUTIONS,
    ExplicitGame,
    SolveOptions,
    recommend,
    solve,
)
from coopnet.engine.games.solver import Solver

# v(A) = v(B) = v(C) = 0, every pair 6, v(N) = 9: Shapley (3, 3, 3) is in the core.
SYMMETRIC = ExplicitGame(("A", "B", "C"), values=[0, 0, 0, 6, 0, 6, 6, 9])
# Every concept is defined for this one (positive stand-alone values, imputations exist).
SMALL = ExplicitGame(("A", "B", "C"), values=[0, 1, 2, 5, 1, 4, 5, 9])
# The gloves game with two left gloves (A, B) and one right (C): the core is (0, 0, 1) alone.
GLOVES = ExplicitGame(("A", "B", "C"), values=[0, 0, 0, 0, 0, 1, 1, 1])


def test_the_lists_of_solutions_derive_from_the_table():
    assert tuple(c.name for c in CONCEPTS) == SOLUTIONS
    assert SOLUTIONS == (
        "shapley",
        "banzhaf",
        "nucleolus",
        "prenucleolus",
        "least_core",
        "equal",
        "proportional",
    )
    assert tuple(s for s in SOLUTIONS if s != "banzhaf") == ALLOCATIONS
    assert DEFAULT_SOLUTIONS == ("shapley", "nucleolus")
    assert RECOMMENDATION_ORDER == ("shapley", "nucleolus")


def test_only_shapley_and_banzhaf_can_be_sampled():
    assert [c.name for c in CONCEPTS if c.sampled is not None] == ["shapley", "banzhaf"]


def test_solve_computes_every_concept_with_the_tables_function():
    report = solve(SMALL, SolveOptions(solutions=SOLUTIONS, explicit=True))
    assert not report.undefined
    for concept in CONCEPTS:
        expected = concept.exact(Solver(SMALL))
        np.testing.assert_allclose(report.solutions[concept.name], expected, atol=1e-12)
    assert set(report.contains) == set(ALLOCATIONS)


def test_the_core_is_checked_for_allocations_only():
    report = solve(SYMMETRIC, SolveOptions(solutions=("shapley", "banzhaf")))
    assert report.contains == {"shapley": True}


def test_shapley_is_recommended_when_it_is_in_the_core():
    report = solve(SYMMETRIC)
    assert report.solutions["shapley"].tolist() == [3.0, 3.0, 3.0]
    assert recommend(report.solutions, report.contains) == "shapley"


def test_the_nucleolus_is_recommended_when_shapley_is_outside_the_core():
    report = solve(GLOVES)
    assert report.contains == {"shapley": False, "nucleolus": True}
    assert recommend(report.solutions, report.contains) == "nucleolus"


def test_shapley_stays_when_the_nucleolus_is_undefined():
    # the stand-alone values (5 each) add up to more than v(N) = 6: no imputation
    game = ExplicitGame(("A", "B"), values=[0, 5, 5, 6])
    report = solve(game)
    assert report.solutions["nucleolus"] is None
    assert report.contains["shapley"] is False
    assert recommend(report.solutions, report.contains) == "shapley"


def test_shapley_stays_when_its_core_membership_is_unknown():
    assert recommend({"shapley": [1.0], "nucleolus": [1.0]}, {"shapley": None}) == "shapley"


def test_the_nucleolus_is_recommended_when_the_core_is_empty():
    contains = {"shapley": False, "nucleolus": False}
    assert recommend({"shapley": [1.0], "nucleolus": [1.0]}, contains) == "nucleolus"


def test_nothing_to_recommend_without_shapley_or_nucleolus():
    with pytest.raises(Undefined, match="nothing to recommend: none of shapley, nucleolus"):
        recommend({"equal": [1.0]}, {"equal": True})
