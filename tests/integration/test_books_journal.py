"""The journal's accounts are open from their earliest posting, whatever order entries are
posted in: Beancount refuses a posting dated before its account's open directive."""

import datetime as dt
from decimal import Decimal

import pytest
from instants import TODAY

from coopnet.books.journal import BANK, COMMISSION, Line, organisation_account, post
from coopnet.books.models import Account, JournalEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _post(day, *lines):
    return post(date=day, kind=JournalEntry.SERVICE_COST, narration="x", lines=list(lines))


def test_an_entry_dated_earlier_opens_its_accounts_earlier(cast):
    last_month = TODAY - dt.timedelta(days=40)
    outlier = organisation_account(cast["outlier"], TODAY)
    _post(TODAY, Line(BANK, Decimal("5")), Line(outlier, Decimal("-5")))
    _post(last_month, Line(outlier, Decimal("7")), Line(COMMISSION, Decimal("-7")))
    opened = dict(Account.objects.values_list("name", "opened"))
    assert opened == {
        "Assets:Bank": TODAY,
        outlier.name: last_month,
        "Income:Commission": last_month,
    }


def test_a_later_entry_leaves_the_opening_date_alone(cast):
    earlier = TODAY - dt.timedelta(days=3)
    _post(earlier, Line(BANK, Decimal("5")), Line(COMMISSION, Decimal("-5")))
    _post(TODAY, Line(BANK, Decimal("1")), Line(COMMISSION, Decimal("-1")))
    assert set(Account.objects.values_list("opened", flat=True)) == {earlier}
