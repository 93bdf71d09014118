"""Account names made from any slug are names Beancount's own loader accepts."""

from decimal import Decimal

from beancount import loader
from hypothesis import given
from hypothesis import strategies as st

from coopnet.engine import ledger

#: what a Django SlugField holds, with at least one letter or digit
SLUGS = st.from_regex(r"[-a-zA-Z0-9_]*[a-zA-Z0-9][-a-zA-Z0-9_]*", fullmatch=True)


@given(SLUGS)
def test_any_slug_makes_an_account_beancount_accepts(slug):
    name = f"Liabilities:Organisations:{ledger.account_component(slug)}"
    ledger.check_account(name)
    text = (
        'option "operating_currency" "GBP"\n'
        f"2026-01-01 open {name} GBP\n"
        "2026-01-01 open Assets:Bank GBP\n"
        '2026-01-02 * "A payout"\n'
        f"  {name}  12.34 GBP\n"
        "  Assets:Bank  -12.34 GBP\n"
    )
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    assert entries[-1].postings[0].account == name
    assert entries[-1].postings[0].units.number == Decimal("12.34")
