"""Exact values and core checks on small games worked by hand, and the dense vector's refusals."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from coopnet.engine.errors import BadInput
from coopnet.engine.games import banzhaf_exact, core_check, nucleolus, shapley_exact

# --- The dense vector: what it accepts and the exact words of its refusals.
NOT_POWER_OF_TWO = r"^values: a dense game needs 2\^n entries for some n >= 1$"


@pytest.mark.parametrize(
    "values",
    [[0, 1, 2.0], [0.0], [], [[0, 1], [2, 3.0]]],
    ids=["three entries", "no player", "empty", "a matrix"],
)
def test_a_dense_game_needs_2_to_the_n_entries(values):
    with pytest.raises(BadInput, match=NOT_POWER_OF_TWO):
        shapley_exact(values)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_dense_game_needs_finite_values(bad):
    with pytest.raises(BadInput, match=r"^values: every value must be a finite number$"):
        banzhaf_exact([0, 1, bad, 2])


def test_a_dense_game_gives_the_empty_coalition_nothing():
    with pytest.raises(BadInput, match=r"^values: the empty coalition must be worth 0$"):
        nucleolus([1, 1, 1, 2.0])


def test_a_dense_game_may_be_given_in_decimals_or_fractions():
    # money arrives as Decimal; v = (0, 1, 2, 6): Shapley (1 + 4)/2, (2 + 5)/2 = (2.5, 3.5),
    # Banzhaf the same for two players
    for number in (Decimal, Fraction):
        v = [number(0), number(1), number(2), number(6)]
        assert shapley_exact(v).tolist() == [2.5, 3.5]
        assert banzhaf_exact(v).tolist() == [2.5, 3.5]
    one = shapley_exact([Decimal(0), Decimal("7.25")])
    assert one.dtype == np.float64
    assert one.tolist() == [7.25]


# --- The core check: the exact objecting coalitions, their order, and the tolerance.
def test_core_check_reports_the_ten_worst_objections_in_mask_order_among_ties():
    # five players, nothing allocated, v(N) = 0; a proper coalition is worth 2 with player 0 and
    # 1 without. All 30 proper coalitions object: the 15 odd masks (with player 0) fall 2 short,
    # the 15 even ones 1 short. The default report keeps the worst ten: masks 1, 3, ..., 19.
    n = 5
    v = np.array([2.0 if m & 1 else 1.0 for m in range(1 << n)])
    v[0] = v[-1] = 0.0
    check = core_check(v, np.zeros(n))
    assert check.efficient
    assert not check.in_core
    assert [o.members for o in check.objections] == [
        (0,),
        (0, 1),
        (0, 2),
        (0, 1, 2),
        (0, 3),
        (0, 1, 3),
        (0, 2, 3),
        (0, 1, 2, 3),
        (0, 4),
        (0, 1, 4),
    ]
    assert {(o.worth, o.allocated, o.shortfall) for o in check.objections} == {(2.0, 0.0, 2.0)}
    assert len(core_check(v, np.zeros(n), limit=30).objections) == 30


def test_core_check_names_the_one_objecting_pair_of_an_uneven_split():
    # v(0) = 1, v(1) = 0, v(2) = 2, v(01) = 4, v(02) = 3, v(12) = 3, v(N) = 6; x = (1, 1, 4):
    # x(01) = 2 < 4 (short 2); x(0) = 1, x(1) = 1 >= 0, x(2) = 4 >= 2, x(02) = 5 >= 3,
    # x(12) = 5 >= 3: only {0, 1} objects.
    v = np.array([0, 1, 0, 4, 2, 3, 3, 6.0])
    check = core_check(v, np.array([1.0, 1.0, 4.0]))
    assert check.efficient
    assert [(o.members, o.worth, o.allocated, o.shortfall) for o in check.objections] == [
        ((0, 1), 4.0, 2.0, 2.0)
    ]


# The tolerance is 1e-9 of the largest of 1, |v| and |x|: below a billionth of the game's
# scale a shortfall or an excess is rounding, above it is real.
def test_a_shortfall_within_a_billionth_of_a_unit_is_rounding():
    # a game worth a thousandth: the floor of 1 keeps the tolerance at 1e-9
    v = np.array([0, 0.001, 0, 0.001])
    assert core_check(v, np.array([0.001 - 5e-10, 5e-10])).in_core
    check = core_check(v, np.array([0.001 - 1.5e-9, 1.5e-9]))
    assert [o.members for o in check.objections] == [(0,)]
    assert check.objections[0].shortfall == pytest.approx(1.5e-9, rel=1e-6)


def test_a_shortfall_of_exactly_the_tolerance_is_not_an_objection():
    # v(0) = 1e-9 and x(0) = 0: short by exactly 1e-9 * max(1, 1, 1)
    assert core_check(np.array([0, 1e-9, 0, 1.0]), np.array([0.0, 1.0])).objections == ()


def test_an_allocation_off_by_exactly_the_tolerance_is_efficient():
    # v = 0, x = (1e-9, 0): x(N) - v(N) = 1e-9 = the tolerance
    check = core_check(np.zeros(4), np.array([1e-9, 0.0]))
    assert check.efficient
    assert check.in_core


def test_efficiency_is_judged_against_the_largest_value_of_the_game():
    # v(N) = 1e6: the tolerance is 1e-3; x falls 7e-4 short of v(N) (x itself peaks at 5e5)
    v = np.array([0, 0, 0, 1e6])
    assert core_check(v, np.array([5e5, 5e5 - 7e-4])).efficient
    assert not core_check(v, np.array([5e5, 5e5 - 2e-3])).efficient


def test_efficiency_is_judged_against_the_largest_share_too():
    # v(N) = 1 but x = (1000, -999.0000005): the tolerance is 1e-9 * 1000 = 1e-6 > 5e-7
    v = np.array([0, 0, 0, 1.0])
    check = core_check(v, np.array([1000, -999 - 5e-7]))
    assert check.efficient
    # player 1 alone is worth 0 but is charged 999: the one objection
    assert [(o.members, o.shortfall) for o in check.objections] == [((1,), 999 + 5e-7)]
    assert not core_check(v, np.array([1000, -999 - 5e-6])).efficient


def test_core_check_takes_an_allocation_in_decimals():
    # three partners: v(A) = 10, v(AB) = 50, v(AC) = 40, v(BC) = 30, v(N) = 90; (40, 30, 20)
    # gives every pair at least its worth (70, 60, 50 against 50, 40, 30)
    v = np.array([0, 10, 0, 50, 0, 40, 30, 90.0])
    assert core_check(v, [Decimal(40), Decimal(30), Decimal(20)]).in_core
    check = core_check(v, [Decimal(5), Decimal(60), Decimal(25)])
    assert [(o.members, o.shortfall) for o in check.objections] == [((0, 2), 10.0), ((0,), 5.0)]
