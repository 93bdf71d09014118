"""Dates within reason. A form or the API reads any date from 0001-01-01 to 9999-12-31; no
deadline lies ten years ahead and no session or payment happened before the network existed.
Every service that takes a date bounds it here, so that a typo ("2205" for "2025") is an error
naming the field instead of a row no one can find.

>>> import datetime as dt
>>> date_problem(dt.date(2031, 3, 31), today=dt.date(2026, 1, 5)) is None
True
>>> date_problem(dt.date(2205, 3, 31), today=dt.date(2026, 1, 5))
'A date at most 10 years ahead: on or before 2036-01-05.'
>>> date_problem(dt.date(1925, 3, 31), today=dt.date(2026, 1, 5))
'A date from 2000-01-01 on.'
"""

from __future__ import annotations

import datetime as dt

#: how far ahead any date may lie (a deadline, a plan)
MAX_YEARS_AHEAD = 10
#: the earliest date anything can have happened on (a session, a payment)
EARLIEST_DATE = dt.date(2000, 1, 1)
TOO_FAR_AHEAD = "A date at most {years} years ahead: on or before {latest}."
TOO_EARLY = "A date from {earliest} on."


def latest_date(today: dt.date) -> dt.date:
    """`today` plus MAX_YEARS_AHEAD years (29 February gives 28 February)."""
    year = today.year + MAX_YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def date_problem(day: dt.date, *, today: dt.date) -> str | None:
    """Why `day` is not within reason (before EARLIEST_DATE, or more than MAX_YEARS_AHEAD
    years after `today`), or None when it is."""
    if day < EARLIEST_DATE:
        return TOO_EARLY.format(earliest=EARLIEST_DATE.isoformat())
    latest = latest_date(today)
    if day > latest:
        return TOO_FAR_AHEAD.format(years=MAX_YEARS_AHEAD, latest=latest.isoformat())
    return None
