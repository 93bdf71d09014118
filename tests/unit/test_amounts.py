from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopnet.common.amounts import parse_amount

HIGH = Decimal("1000.00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5", Decimal("12.50")),
        (" 7 ", Decimal("7.00")),
        (3, Decimal("3.00")),
        (0.25, Decimal("0.25")),
        (Decimal("1000"), HIGH),
        ("0", Decimal("0.00")),
    ],
)
def test_amounts_in_hundredths_are_read(value, expected):
    assert parse_amount(value, HIGH) == expected


@pytest.mark.parametrize(
    "value",
    ["", "lots", "NaN", "Infinity", "-0.01", "1000.01", "1.234", True, None, [1], {"a": 1}],
)
def test_anything_else_is_refused(value):
    assert parse_amount(value, HIGH) is None


def test_zero_only_when_allowed():
    assert parse_amount("0", HIGH, zero=False) is None
    assert parse_amount("0.01", HIGH, zero=False) == Decimal("0.01")


@given(st.integers(min_value=0, max_value=100_000))
def test_every_amount_in_pence_round_trips(pence):
    amount = Decimal(pence) / 100
    assert parse_amount(str(amount), HIGH) == (amount if amount <= HIGH else None)


@pytest.mark.parametrize(
    "value",
    [
        "١٢٣",
        "１２３",
        "۱۲۳",
        "1e3",
        "1E+3",
        "1_000",
        "Infinity",
        "-Infinity",
        "NaN",
        "sNaN",
        "inf",
        "1,000",
        "0x10",
        "+-1",
        "1 000",
    ],
)
def test_only_plain_ascii_decimals_are_amounts(value):
    assert parse_amount(value, HIGH) is None


def test_spaces_around_a_plain_amount_are_fine():
    assert parse_amount(" 12 ", HIGH) == Decimal("12.00")
    assert parse_amount("\t12.5\n", HIGH) == Decimal("12.50")
