"""Mentoring in a real browser: the coordinator computes the plan, an organisation admin
records a session of it; nothing is loaded from other hosts."""

import datetime as dt
from decimal import Decimal

import pytest
from casts import share
from django.contrib.auth.models import User
from instants import TODAY

from coopnet.common.models import Coordinator
from coopnet.directory import services as directory
from coopnet.directory.models import Organisation
from coopnet.mentoring import selectors
from coopnet.mentoring.models import Pairing, Session
from coopnet.opportunities.services import opportunity_create

# sessions cannot be in the future; demand counts the past year
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def mentoring(cast, clock, monkeypatch):
    """Cora coordinates; Ada (Elixir 4) is Outlier's only Elixir holder, Olive (Elixir 2)
    could learn it, and Outlier asked for 40 hours of Elixir, in an opportunity shared with
    Rival. Demand counts here from one poster (the threshold of three: test_leaks_demand)."""
    monkeypatch.setattr(selectors, "MIN_ORGANISATIONS_FOR_DEMAND", 1)
    cora = User.objects.create_user("cora", password="pw-cora-123")
    Coordinator.objects.create(user=cora)
    directory.person_create(
        actor=cast["alice"],
        organisation_slug="outlier",
        name="Olive Oyl",
        hours_available=Decimal(40),
        cost_rate=Decimal(50),
        skills={"elixir": 2},
    )
    booking = opportunity_create(
        actor=cast["alice"],
        organisation_slug="outlier",
        title="Booking system",
        value="12000",
        deadline=TODAY + dt.timedelta(days=60),
        requirements=[{"skill": "elixir", "min_level": 3, "hours": "40"}],
    )
    share(booking, Organisation.objects.get(slug="rival"))
    return cast


def test_coordinator_plans_and_an_admin_records_a_session(
    mentoring, live_server, page, requests_elsewhere, sign_in, tmp_path
):
    base = live_server.url
    sign_in(page, base, "cora")
    page.goto(f"{base}/skills/plan/")
    page.click("button:has-text('Compute the plan')")
    page.wait_for_selector("text=A new mentoring plan was computed")
    assert page.locator("#score-now").inner_text() == "100%"
    assert page.locator("#score-with-plan").inner_text() == "0%"
    assert page.locator("table.pairings").get_by_text("Olive Oyl").count() == 1
    page.click("header button:has-text('Sign out')")
    page.wait_for_load_state()

    sign_in(page, base, "alice")
    page.goto(f"{base}/skills/organisations/outlier/")
    page.locator("table.pairings button:has-text('Accept')").click()
    page.wait_for_selector("text=You accepted the pairing")
    form = page.locator("#record-session form")
    form.locator("#session-mentor").fill("Ada Lovelace (Outlier Co-op)")
    form.locator("#session-learner").fill("Olive Oyl (Outlier Co-op)")
    form.locator("#session-skill").fill("Elixir")
    form.locator("#session-hours").fill("2")
    form.locator("#session-date").fill(str(TODAY))
    form.locator("button:has-text('Record the session')").click()
    page.wait_for_selector("text=Session recorded")
    session = Session.objects.get()
    assert session.pairing == Pairing.objects.get(status=Pairing.AGREED)

    page.goto(f"{base}/skills/")
    assert page.locator("#network-score").inner_text() == "100%"
    assert page.locator("figure.chart svg").count() >= 3
    page.screenshot(path=str(tmp_path / "mentoring.png"), full_page=True)  # renders
    assert requests_elsewhere == []
