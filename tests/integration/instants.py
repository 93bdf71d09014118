"""The instants that tests pin the clock to (with time-machine), so that no test's outcome
depends on the day it runs: an ordinary day for tests that only need a known today, and the
turns of the calendar where date arithmetic goes wrong, half a minute before midnight.

All in UTC, the site's time zone (settings.TIME_ZONE)."""

import datetime as dt

#: a Wednesday in the middle of June, mid-morning: no day, month or year turns during a test
ORDINARY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.UTC)
TODAY = ORDINARY.date()

#: the last half-minute of a month, by what follows it
TURNS = {
    "31-january": dt.datetime(2027, 1, 31, 23, 59, 30, tzinfo=dt.UTC),  # a shorter month
    "29-february": dt.datetime(2028, 2, 29, 23, 59, 30, tzinfo=dt.UTC),  # a leap day
    "30-april": dt.datetime(2027, 4, 30, 23, 59, 30, tzinfo=dt.UTC),  # after a 30-day month
    "new-year": dt.datetime(2026, 12, 31, 23, 59, 30, tzinfo=dt.UTC),  # a new year
}
#: from half a minute before midnight to half a minute after
PAST_MIDNIGHT = dt.timedelta(minutes=1)


def first_of_next_month(day: dt.date) -> dt.date:
    """Worked out independently of the code under test: by the calendar, not by adding days."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
