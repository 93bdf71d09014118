from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopnet.engine.errors import BadInput
from coopnet.engine.money import CENT, allocate, round_to_total, to_decimal, to_money

cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: Decimal(c) * CENT)
weights = st.lists(st.floats(0.001, 1e6, allow_nan=False), min_size=1, max_size=12)


@given(total=cents, parts=weights)
@settings(max_examples=300, deadline=None)
def test_allocation_sums_to_the_cent(total, parts):
    shares = allocate(total, parts)
    assert sum(shares) == total
    assert all(s == s.quantize(CENT) for s in shares)


@given(total=cents, parts=weights)
@settings(max_examples=300, deadline=None)
def test_each_share_is_within_a_cent_of_its_exact_value(total, parts):
    shares = allocate(total, parts)
    exact = [Decimal(total) * Decimal(repr(w)) / Decimal(repr(sum(parts))) for w in parts]
    for share, ideal in zip(shares, exact, strict=True):
        assert abs(share - ideal) < CENT + Decimal("1e-12")


@given(
    total=cents, amounts=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12)
)
@settings(max_examples=300, deadline=None)
def test_round_to_total_preserves_the_total(total, amounts):
    assert sum(round_to_total(amounts, total)) == total


def test_allocation_is_deterministic_and_breaks_ties_by_order():
    assert allocate("100", [1, 1, 1]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert allocate("0.02", [1, 1, 1]) == [Decimal("0.01"), Decimal("0.01"), Decimal("0.00")]


def test_negative_weights_and_totals():
    assert allocate("10", [3, -1]) == [Decimal("15.00"), Decimal("-5.00")]
    assert allocate("-10", [1, 2]) == [Decimal("-3.33"), Decimal("-6.67")]


def test_shapley_weights_round_to_the_cent():
    shares = round_to_total([33.333333333, 33.333333333, 33.333333334], "100")
    assert shares == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", float("nan"), True])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(BadInput, match=r"^cost: .* is not a (finite )?number$"):
        to_money(bad, "cost")


def test_an_amount_too_large_for_cents_is_refused():
    with pytest.raises(BadInput, match=r"^cost: 1e\+30 is too large$"):
        to_money(1e30, "cost")


@pytest.mark.parametrize(
    ("fraction", "money"),
    [
        (Fraction(1, 4), "0.25"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (Fraction(-7, 3), "-2.33"),
        (Fraction(1, 200), "0.00"),  # half a cent: to the even cent
        (Fraction(3, 200), "0.02"),
        (Fraction(1, 200) + Fraction(1, 10**40), "0.01"),  # above half, however little
        (Fraction(-1, 1000), "0.00"),
    ],
)
def test_fractions_become_money_exactly(fraction, money):
    assert str(to_money(fraction)) == money


@pytest.mark.parametrize(
    ("amount", "money"),
    [
        (2.675, "2.68"),  # the decimal it prints as, not the binary 2.67499999...
        (0.1 + 0.2, "0.30"),
        (np.float64(1234.565), "1234.56"),
        (-0.001, "0.00"),
        (-0.0, "0.00"),
        (Decimal("-0.004"), "0.00"),
        ("12.5", "12.50"),
        (7, "7.00"),
    ],
)
def test_solver_floats_and_amounts_become_money(amount, money):
    assert str(to_money(amount)) == money


@given(st.floats(-1e9, 1e9, allow_nan=False))
@settings(max_examples=300, deadline=None)
def test_money_from_a_float_is_never_a_negative_zero_and_within_half_a_cent(amount):
    money = to_money(amount)
    assert not (money.is_zero() and money.is_signed())
    assert abs(money - Decimal(repr(amount))) <= CENT / 2


def test_weights_summing_to_zero_are_refused():
    with pytest.raises(BadInput, match=r"^allocate: the weights sum to zero$"):
        allocate("10", [1, -1])


def test_nothing_to_allocate_is_refused():
    with pytest.raises(BadInput, match=r"^allocate: no parts to allocate to$"):
        allocate("10", [])
    with pytest.raises(BadInput, match=r"^round_to_total: no amounts$"):
        round_to_total([], "10")


@pytest.mark.parametrize(
    "split",
    [allocate, lambda total, parts: round_to_total(parts, total)],
    ids=["allocate", "to_total"],
)
def test_a_bad_total_or_part_is_named(split):
    with pytest.raises(BadInput, match=r"^total: 'ten' is not a number$"):
        split("ten", [1, 2])
    with pytest.raises(BadInput, match=r"^weight: 'two' is not a number$"):
        split("10", [1, "two"])
    with pytest.raises(BadInput, match=r"^weight: nan is not a finite number$"):
        split("10", [1, float("nan")])


def test_an_amount_is_named_amount_unless_told():
    with pytest.raises(BadInput, match=r"^amount: 'x' is not a number$"):
        to_money("x")
    with pytest.raises(BadInput, match=r"^amount: 'x' is not a number$"):
        to_decimal("x")


@pytest.mark.parametrize(
    ("fraction", "exact"),
    [(Fraction(1, 4), "0.25"), (Fraction(-7, 8), "-0.875"), (Fraction(6, 3), "2")],
)
def test_a_fraction_becomes_its_exact_decimal(fraction, exact):
    assert to_decimal(fraction) == Decimal(exact)


def test_splits_round_to_the_quantum_they_are_given():
    # to whole units: the total 10.6 is 11 (half-even), split 1:1 as 6 + 5 (the earlier part
    # takes the odd unit); to the cent it would stay 10.60
    whole = Decimal("1")
    assert allocate("10.6", [1, 1], whole) == [Decimal("6"), Decimal("5")]
    assert round_to_total([5.3, 5.3], "10.6", whole) == [Decimal("6"), Decimal("5")]
    assert allocate("10.6", [1, 1]) == [Decimal("5.30"), Decimal("5.30")]


def test_round_to_total_treats_float_noise_as_a_tie() -> None:
    # seven equal shares of 5,550 as a solver returns them, differing in the last bits: the
    # extra cents go to the earliest parts, as for exactly equal shares
    noisy = [792.857142857143, 792.8571428571428] * 3 + [792.857142857143]
    exact = [5550 / 7] * 7
    expected = [Decimal("792.86")] * 5 + [Decimal("792.85")] * 2
    assert round_to_total(noisy, 5550) == expected
    assert round_to_total(exact, 5550) == expected
    assert round_to_total(list(reversed(noisy)), 5550) == expected
