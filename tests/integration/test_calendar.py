"""The platform's dates at the turns of the calendar: the last half-minute of 31 January, of
29 February in a leap year, of 30 April and of 31 December, then half a minute past midnight
(the `turn` fixture; instants.py). Shared-service periods, session and deadline dates, the
staleness of a formation run and the score history all read today from the clock."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import client_for
from django.core.exceptions import ValidationError
from instants import PAST_MIDNIGHT, first_of_next_month

from coopnet.directory import services as directory
from coopnet.mentoring import charts
from coopnet.mentoring import selectors as mentoring_selectors
from coopnet.mentoring import services as mentoring
from coopnet.mentoring.models import Session
from coopnet.opportunities import services as opportunities
from coopnet.opportunities.models import STALE_AFTER, FormationRun
from coopnet.sharedservices import services as shared
from coopnet.sharedservices.models import Enrolment, FeeSchedule


def _month(day: dt.date) -> str:
    return f"{day:%Y-%m}"


# -- shared services: this month and next ----------------------------------------------------


@pytest.fixture
def it_support(cast, coordinator):
    return shared.service_create(
        actor=coordinator, name="IT support", fixed_cost="300", per_member_cost="20"
    )


def _join(cast, admin, slug, cost):
    return shared.enrolment_set(
        actor=cast[admin], service_slug="it-support", organisation_slug=slug, alone_cost=cost
    )


def _periods(user) -> tuple[str, str]:
    found = client_for(user).get("/api/services/it-support").json()
    return found["this_period"]["period"], found["next_period"]["period"]


def test_this_month_and_next_turn_over_at_midnight(cast, it_support, turn, time_machine):
    month = turn.date().replace(day=1)
    following = first_of_next_month(month)
    assert _periods(cast["alice"]) == (_month(month), _month(following))
    time_machine.shift(PAST_MIDNIGHT)
    assert _periods(cast["alice"]) == (_month(following), _month(first_of_next_month(following)))


def test_a_join_in_the_last_half_minute_of_a_month_counts_from_the_first(
    cast, it_support, turn, time_machine
):
    following = first_of_next_month(turn.date())
    assert _join(cast, "alice", "outlier", "900").joins == following
    stored = FeeSchedule.objects.get(period=turn.date().replace(day=1))
    assert stored.pooled_cost == Decimal("0.00")  # nobody this month: Outlier joins next month
    time_machine.shift(PAST_MIDNIGHT)
    assert _join(cast, "charlie", "rival", "800").joins == first_of_next_month(following)
    now = FeeSchedule.objects.get(period=following)
    assert [f.organisation.slug for f in now.fees.all()] == ["outlier"]
    assert now.pooled_cost == Decimal("320.00")  # 300 + 20 for its one member
    assert FeeSchedule.objects.get(pk=stored.pk).pooled_cost == Decimal("0.00")  # unchanged
    assert Enrolment.objects.count() == 2


# -- sessions and deadlines: not in the future, not in the past -------------------------------


@pytest.fixture
def olive(cast):
    """Olive (Outlier, Elixir 2) could learn Elixir from Ada."""
    return directory.person_create(
        actor=cast["alice"],
        organisation_slug="outlier",
        name="Olive Oyl",
        hours_available=Decimal(40),
        cost_rate=Decimal(50),
        skills={"elixir": 2},
    )


def _session(cast, olive, day):
    return mentoring.session_record(
        actor=cast["alice"],
        mentor_id=cast["person"].pk,
        learner_id=olive.pk,
        skill="elixir",
        hours="3",
        date=day,
    )


def test_a_session_on_the_first_is_recorded_once_it_is_the_first(cast, olive, turn, time_machine):
    today, tomorrow = turn.date(), turn.date() + dt.timedelta(days=1)
    assert tomorrow.day == 1
    _session(cast, olive, today)
    with pytest.raises(ValidationError, match="in the future") as error:
        _session(cast, olive, tomorrow)
    assert list(error.value.message_dict) == ["date"]
    time_machine.shift(PAST_MIDNIGHT)
    _session(cast, olive, tomorrow)
    months = mentoring_selectors.hours_per_month(Session.objects.all())
    assert months == [(today.replace(day=1), Decimal("3.00")), (tomorrow, Decimal("3.00"))]


def _post(cast, deadline):
    return opportunities.opportunity_create(
        actor=cast["alice"],
        organisation_slug="outlier",
        title="Booking system",
        value="12000",
        deadline=deadline,
        requirements=[{"skill": "elixir", "min_level": 4, "hours": "40"}],
    )


def test_a_deadline_of_today_stands_until_midnight(cast, turn, time_machine):
    assert _post(cast, turn.date()).deadline == turn.date()
    time_machine.shift(PAST_MIDNIGHT)
    with pytest.raises(ValidationError, match="past") as error:
        _post(cast, turn.date())
    assert list(error.value.message_dict) == ["deadline"]


# -- what is measured from now: a lost formation run, the score history -----------------------


def test_a_formation_run_goes_stale_thirty_minutes_on_across_midnight(cast, turn, time_machine):
    opportunity = _post(cast, turn.date() + dt.timedelta(days=30))
    run = FormationRun.objects.create(
        opportunity=opportunity, status=FormationRun.RUNNING, started=turn
    )
    time_machine.shift(STALE_AFTER)
    assert (run.is_stale, run.is_active) == (False, True)  # exactly 30 minutes: not yet
    time_machine.shift(dt.timedelta(seconds=1))
    assert (run.is_stale, run.is_active) == (True, False)


def test_the_score_history_runs_across_midnight(cast, olive, turn, time_machine):
    mentoring.snapshot_take()
    time_machine.shift(PAST_MIDNIGHT)
    mentoring.snapshot_take()
    history = list(mentoring_selectors.history())
    assert [s.taken_at for s in history] == [turn, turn + PAST_MIDNIGHT]
    chart = charts.score_chart(history, "Score")
    tomorrow = turn.date() + dt.timedelta(days=1)
    assert (chart.first, chart.last) == (f"{turn:%d %b %Y}", f"{tomorrow:%d %b %Y}")


# -- months without a clock: a gap across the turn of a year, 29 February ---------------------


@pytest.mark.usefixtures("clock")
def test_hours_per_month_fill_a_gap_across_a_year_and_count_29_february(cast, olive):
    for day in ("2023-11-30", "2024-01-31", "2024-02-29", "2024-03-01"):
        _session(cast, olive, dt.date.fromisoformat(day))
    months = mentoring_selectors.hours_per_month(Session.objects.all())
    assert [(_month(m), h) for m, h in months] == [
        ("2023-11", Decimal("3.00")),
        ("2023-12", Decimal(0)),
        ("2024-01", Decimal("3.00")),
        ("2024-02", Decimal("3.00")),
        ("2024-03", Decimal("3.00")),
    ]
