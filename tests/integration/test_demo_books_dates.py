"""The demo seeds its books on any day of the year: at each turn of the calendar (the last
half-minute of a month, a leap day, a new year) its months are charged, its contracts reach
every stage, and no posting is dated before its account opened (Beancount would refuse it)."""

import pytest
from django.db.models import F, Sum

from coopnet.books import selectors
from coopnet.books.models import Contract, Posting, ServiceMonth
from coopnet.web.demo_data import seed_directory


@pytest.mark.django_db
def test_demo_books_seed_at_every_turn_of_the_calendar(turn, immediate_tasks):
    seed_directory(people=60, organisations=9, seed=7)
    today = turn.date()
    periods = set(ServiceMonth.objects.values_list("period", flat=True))
    assert today.replace(day=1) in periods
    assert all(p.day == 1 and p <= today for p in periods)
    assert Contract.objects.filter(status=Contract.CANCELLED).count() == 1
    assert selectors.cents(Posting.objects.aggregate(t=Sum("amount"))["t"]) == 0
    assert not Posting.objects.filter(entry__date__lt=F("account__opened")).exists()
