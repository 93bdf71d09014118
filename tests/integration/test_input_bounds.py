"""Input within what the pages allow: no more requirement rows than the form offers, dates
within reason, search levels from 1 to 5; the API holds the same bounds and names the field."""

import datetime as dt

import pytest
from casts import client_for, send
from django.core.exceptions import ValidationError
from instants import TODAY

from coopnet.common.dates import EARLIEST_DATE, MAX_YEARS_AHEAD, TOO_EARLY, latest_date
from coopnet.directory.selectors import directory_search
from coopnet.opportunities.forms import MAX_ROWS, requirement_formset
from coopnet.opportunities.models import Opportunity
from coopnet.opportunities.services import (
    MAX_REQUIREMENTS,
    TOO_MANY_REQUIREMENTS,
    opportunity_create,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ROW = {"skill": "elixir", "min_level": 3, "hours": "10"}


def new(**changes):
    return {
        "organisation": "outlier",
        "title": "Booking system",
        "value": "12000",
        "deadline": str(TODAY + dt.timedelta(days=90)),
        "requirements": [ROW],
        **changes,
    }


def test_the_form_and_the_service_share_one_cap():
    assert MAX_ROWS == MAX_REQUIREMENTS == requirement_formset().max_num


def test_the_api_takes_as_many_requirement_rows_as_the_form_and_no_more(cast):
    alice = client_for(cast["alice"])
    most = send(alice, "post", "/api/opportunities", new(requirements=[ROW] * MAX_REQUIREMENTS))
    assert most.status_code == 201
    response = send(alice, "post", "/api/opportunities", new(requirements=[ROW] * 1000))
    assert response.status_code == 422
    message = TOO_MANY_REQUIREMENTS.format(limit=MAX_REQUIREMENTS, count=1000)
    assert response.json() == {"detail": {"requirements": [message]}}
    assert Opportunity.objects.count() == 1


@pytest.mark.parametrize(
    ("years", "days", "accepted"),
    [(MAX_YEARS_AHEAD, 0, True), (MAX_YEARS_AHEAD, 1, False), (7970, 0, False)],
)
def test_a_deadline_lies_at_most_ten_years_ahead(cast, years, days, accepted):
    deadline = TODAY.replace(year=TODAY.year + years) + dt.timedelta(days=days)
    response = send(
        client_for(cast["alice"]), "post", "/api/opportunities", new(deadline=str(deadline))
    )
    if accepted:
        assert response.status_code == 201
    else:
        assert response.status_code == 422
        assert list(response.json()["detail"]) == ["deadline"]
        assert str(latest_date(TODAY)) in response.json()["detail"]["deadline"][0]


def test_the_page_refuses_a_far_deadline_naming_the_field(cast):
    with pytest.raises(ValidationError) as caught:
        opportunity_create(actor=cast["alice"], organisation_slug="outlier", title="T", value="10",
                           deadline="9999-12-31", requirements=[ROW])  # fmt: skip
    assert list(caught.value.message_dict) == ["deadline"]


def test_the_latest_date_of_a_leap_day_is_the_28th():
    assert latest_date(dt.date(2028, 2, 29)) == dt.date(2038, 2, 28)


@pytest.mark.parametrize("level", ["0", "6", "-1", "99"])
def test_a_search_level_outside_1_to_5_is_a_422_not_an_empty_answer(cast, level):
    response = client_for(cast["charlie"]).get(f"/api/people?skill=elixir&min_level={level}")
    assert response.status_code == 422
    assert "min_level" in str(response.json()["detail"])


@pytest.mark.parametrize("level", [0, 6, True, "3"])
def test_the_search_itself_refuses_a_level_outside_1_to_5(cast, level):
    with pytest.raises(ValidationError) as caught:
        directory_search(cast["alice"], skill="elixir", min_level=level)
    assert list(caught.value.message_dict) == ["min_level"]


def test_the_earliest_date_is_named():
    assert TOO_EARLY.format(earliest=EARLIEST_DATE) == "A date from 2000-01-01 on."
