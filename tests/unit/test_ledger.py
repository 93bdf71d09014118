"""The rules of the books (engine/ledger.py): exact known cases, and properties of money
falling due: no part ever gets more than is open of it, the steps add up to the parts exactly,
and the net received grows with what the client pays."""

import datetime as dt
import itertools
import re
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coopnet.engine import ledger
from coopnet.engine.errors import BadInput
from coopnet.engine.ledger import Entry, Posting, account_component, check_entry, share_out
from coopnet.engine.money import CENT

DAY = dt.date(2026, 6, 17)
MAX_CENTS = 999_999_999_999  # the largest amount a MONEY field holds, in cents
PARTS = [Decimal("5"), Decimal("60"), Decimal("35")]


def money(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def entry(*postings: tuple[str, str]) -> Entry:
    return Entry(DAY, "Test", tuple(Posting(a, Decimal(x)) for a, x in postings))


# Known cases -------------------------------------------------------------------------------


def test_a_whole_amount_closes_every_part():
    assert share_out(Decimal("100"), PARTS) == [Decimal("5.00"), Decimal("60.00"), Decimal("35.00")]


def test_a_third_falls_due_in_proportion_to_the_cent():
    assert share_out(Decimal("33.33"), PARTS) == [
        Decimal("1.67"),
        Decimal("20.00"),
        Decimal("11.66"),
    ]


def test_the_rest_closes_what_the_third_left_open():
    first = share_out(Decimal("33.33"), PARTS)
    left = [p - f for p, f in zip(PARTS, first, strict=True)]
    assert share_out(Decimal("66.67"), left) == [
        Decimal("3.33"),
        Decimal("40.00"),
        Decimal("23.34"),
    ]


def test_nothing_shares_out_as_zeros_and_a_closed_part_gets_nothing():
    assert share_out(Decimal("0"), PARTS) == [Decimal("0.00")] * 3
    assert share_out(Decimal("0.01"), [Decimal("0"), Decimal("3")]) == [
        Decimal("0.00"),
        Decimal("0.01"),
    ]


def test_more_than_is_open_is_refused():
    with pytest.raises(BadInput, match=r"^100.01 is more than the 100.00 still open$"):
        share_out(Decimal("100.01"), [Decimal("40.00"), Decimal("60.00")])


def test_a_negative_amount_or_part_is_refused():
    with pytest.raises(BadInput, match=r"^-0.01 is negative$"):
        share_out(Decimal("-0.01"), PARTS)
    with pytest.raises(BadInput, match=r"^-1 is negative$"):
        share_out(Decimal("1"), [Decimal("5"), Decimal("-1")])


@pytest.mark.parametrize(
    ("net", "rate", "tax"),
    [
        ("100", "0.2", "20.00"),
        ("0.125", "1", "0.12"),  # half to even: down
        ("0.135", "1", "0.14"),  # half to even: up
        ("10.05", "0.05", "0.50"),  # 0.5025
        ("12000", "0", "0.00"),
        ("99.99", "0.175", "17.50"),  # 17.49825
    ],
)
def test_vat_to_the_cent(net, rate, tax):
    assert ledger.vat(Decimal(net), Decimal(rate)) == Decimal(tax)


@pytest.mark.parametrize(
    ("received", "net_in"),
    [("0", "0.00"), ("60", "50.00"), ("0.01", "0.01"), ("0.03", "0.02"), ("120", "100")],
)
def test_net_received_of_a_gross_120_with_net_100(received, net_in):
    assert ledger.net_received(Decimal(received), Decimal("120"), Decimal("100")) == Decimal(net_in)


def test_net_received_of_nothing_invoiced_is_the_net():
    assert ledger.net_received(Decimal("0"), Decimal("0"), Decimal("0")) == Decimal("0")


@pytest.mark.parametrize(
    ("slug", "component"),
    [
        ("outlier", "Outlier"),
        ("outlier-co-op", "OutlierCoOp"),
        ("3d_studio", "3dStudio"),
        ("a--b", "AB"),
        ("-leading-and-trailing-", "LeadingAndTrailing"),
        ("already-CamelCase", "AlreadyCamelCase"),
        ("org-42", "Org42"),
    ],
)
def test_account_component(slug, component):
    assert account_component(slug) == component
    ledger.check_account(f"Liabilities:Organisations:{component}")


@pytest.mark.parametrize("slug", ["", "-", "__", "é"])
def test_a_slug_with_nothing_to_name_an_account_with_is_refused(slug):
    with pytest.raises(BadInput, match="has no letters or digits"):
        account_component(slug)


def test_a_balanced_entry_passes():
    check_entry(entry(("Assets:Bank", "10.00"), ("Income:Commission", "-10.00")))
    check_entry(entry(("Assets:Bank", "3"), ("Liabilities:VAT", "-1"), ("Income:X", "-2")))


def test_an_unbalanced_entry_is_refused():
    with pytest.raises(BadInput) as caught:
        check_entry(entry(("Assets:Bank", "10.00"), ("Income:Commission", "-9.99")), "E1")
    assert str(caught.value) == ledger.UNBALANCED.format(entry="E1", total=Decimal("0.01"))
    assert str(caught.value) == "entry 'E1': its postings sum to 0.01, not 0"


def test_an_entry_of_one_posting_is_refused():
    with pytest.raises(BadInput) as caught:
        check_entry(Entry(DAY, "Lonely", (Posting("Assets:Bank", Decimal("0")),)))
    assert str(caught.value) == ledger.TOO_FEW.format(entry="Lonely")


def test_a_fraction_of_a_cent_is_refused():
    with pytest.raises(BadInput) as caught:
        check_entry(entry(("Assets:Bank", "0.005"), ("Income:Commission", "-0.005")))
    assert str(caught.value) == "entry 'Test': Assets:Bank has 0.005, not a whole number of cents"


def test_a_zero_posting_is_refused():
    with pytest.raises(BadInput) as caught:
        check_entry(entry(("Assets:Bank", "1"), ("Income:X", "-1"), ("Liabilities:VAT", "0.00")))
    assert str(caught.value) == ledger.ZERO_POSTING.format(entry="Test", account="Liabilities:VAT")


@pytest.mark.parametrize(
    "name", ["Bank", "Cash:Bank", "Assets:bank", "Assets:", "Assets:Bank Account", "Assets:-X"]
)
def test_a_bad_account_is_refused(name):
    with pytest.raises(BadInput) as caught:
        check_entry(entry((name, "1"), ("Income:Commission", "-1")))
    assert str(caught.value) == ledger.BAD_ACCOUNT.format(name=name)


def test_balances_sum_each_account():
    postings = [
        Posting("Assets:Bank", Decimal("5")),
        Posting("Income:X", Decimal("-5")),
        Posting("Assets:Bank", Decimal("-2")),
    ]
    assert ledger.balances(postings) == {"Assets:Bank": Decimal("3"), "Income:X": Decimal("-5")}


# Properties --------------------------------------------------------------------------------

part = st.integers(min_value=0, max_value=MAX_CENTS).map(money)
small_part = st.integers(min_value=0, max_value=10_000).map(money)
parts = st.lists(st.one_of(part, small_part), min_size=1, max_size=12)


@st.composite
def amount_and_parts(draw: st.DrawFn) -> tuple[Decimal, list[Decimal]]:
    still_open = draw(parts)
    total = sum(still_open, Decimal(0))
    amount = money(draw(st.integers(min_value=0, max_value=int(total / CENT))))
    return amount, still_open


@given(amount_and_parts())
@settings(max_examples=500, deadline=None)
def test_no_part_gets_more_than_is_open_and_the_shares_sum_to_the_amount(case):
    amount, still_open = case
    shares = share_out(amount, still_open)
    assert sum(shares, Decimal(0)) == amount
    for share, left in zip(shares, still_open, strict=True):
        assert Decimal(0) <= share <= left
        assert share == share.quantize(CENT)


@given(parts)
@settings(max_examples=200, deadline=None)
def test_the_whole_amount_closes_every_part(still_open):
    assert share_out(sum(still_open, Decimal(0)), still_open) == still_open


@st.composite
def steps_over_parts(draw: st.DrawFn) -> tuple[list[Decimal], list[Decimal]]:
    """Parts, and amounts (each at least a cent) that add up to all of them, in any order."""
    still_open = draw(parts)
    total = int(sum(still_open, Decimal(0)) / CENT)
    assume(total > 0)
    cuts = draw(st.lists(st.integers(min_value=1, max_value=total), max_size=15, unique=True))
    bounds = [0, *sorted(set(cuts) - {total}), total]
    return still_open, [money(b - a) for a, b in itertools.pairwise(bounds)]


@given(steps_over_parts())
@settings(max_examples=300, deadline=None)
def test_steps_that_add_up_to_the_total_close_each_part_exactly(case):
    still_open, steps = case
    left = list(still_open)
    fallen = [Decimal(0)] * len(left)
    for step in steps:
        shares = share_out(step, left)
        left = [x - s for x, s in zip(left, shares, strict=True)]
        fallen = [f + s for f, s in zip(fallen, shares, strict=True)]
        assert all(x >= 0 for x in left)
    assert left == [Decimal(0)] * len(left)
    assert fallen == still_open


@given(part, st.integers(min_value=0, max_value=9_999), st.data())
@settings(max_examples=300, deadline=None)
def test_net_received_grows_with_what_is_received_and_is_the_net_at_gross(net, rate, data):
    gross = net + ledger.vat(net, Decimal(rate) / 10_000)
    assume(gross > 0)
    top = int(gross / CENT)
    low, high = sorted(data.draw(st.lists(st.integers(0, top), min_size=2, max_size=2)))
    before = ledger.net_received(money(low), gross, net)
    after = ledger.net_received(money(high), gross, net)
    assert Decimal(0) <= before <= after <= net
    assert before == before.quantize(CENT)
    assert ledger.net_received(gross, gross, net) == net
    assert ledger.net_received(money(top - 1) if top else gross, gross, net) <= net


@given(part, st.integers(min_value=0, max_value=10_000))
@settings(max_examples=300, deadline=None)
def test_vat_is_the_exact_product_rounded_half_even_to_the_cent(net, basis_points):
    rate = Decimal(basis_points) / 10_000
    tax = ledger.vat(net, rate)
    exact = net * rate
    assert tax == tax.quantize(CENT)
    assert abs(tax - exact) <= CENT / 2
    if abs(tax - exact) == CENT / 2:
        assert int(tax / CENT) % 2 == 0  # a tie goes to the even cent


@given(st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True))
def test_every_slug_names_a_valid_account(slug):
    component = account_component(slug)
    assert re.fullmatch(r"[A-Z0-9][A-Za-z0-9]*", component)
    ledger.check_account(f"Liabilities:Organisations:{component}")
