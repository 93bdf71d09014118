"""A decline in a real browser: Rival posts the booking system, whose cheapest consortium is
Outlier with Partner Co-op (Rival itself is not in it). Pat declines for Partner Co-op with a
reason; Charlie, the poster, reads that reason; Alice, whose Outlier was the other partner, is
told the proposal ended, without learning who declined or why.

With COOPNET_SCREENSHOTS=1 the pages are shot into docs/screenshots/ (decline-poster.png,
decline-partner.png) for the user guide; otherwise into the test's temporary directory."""

import os
from pathlib import Path

import pytest

from coopnet.opportunities import services
from coopnet.opportunities.models import Opportunity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REASON = "Our designers are booked until May."


def _shot(page, tmp_path, name):
    folder = DOCS if os.environ.get("COOPNET_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(folder / name), full_page=True)


def _sign_out(page):
    page.click("header button:has-text('Sign out')")
    page.wait_for_load_state()


@pytest.fixture
def proposed(consortium_cast, post_opportunity, immediate_tasks):
    opportunity = post_opportunity(actor="charlie", organisation="rival", title="Rival's booking")
    services.formation_start(actor=consortium_cast["charlie"], opportunity_id=opportunity.pk)
    cheapest = opportunity.proposals.order_by("pk").first()
    partners = set(cheapest.partners.values_list("organisation__slug", flat=True))
    assert partners == {"outlier", "partner"}  # the poster is not a partner
    return opportunity


def test_a_decline_reason_reaches_the_poster_and_the_other_partner_is_told(
    proposed, live_server, page, sign_in, tmp_path
):
    base, url = live_server.url, f"{live_server.url}/opportunities/{proposed.pk}/"
    sign_in(page, base, "pat")
    page.goto(url)
    decision = page.locator("form.decision").first
    decision.locator("input[name=reason]").fill(REASON)
    decision.locator("button:has-text('Decline')").click()
    page.wait_for_selector("text=You declined this consortium.")
    _sign_out(page)

    sign_in(page, base, "charlie")
    page.goto(url)
    assert page.locator("q.decline-reason").first.inner_text() == REASON
    status = Opportunity.objects.get(pk=proposed.pk).get_status_display()
    assert page.get_by_text(status).count() >= 1
    _shot(page, tmp_path, "decline-poster.png")
    _sign_out(page)

    sign_in(page, base, "alice")
    page.click("a.notifications-link")
    told = page.locator("[data-testid=notification]").filter(has_text="ended")
    assert told.count() == 1
    text = told.first.inner_text()
    assert "“Rival's booking” from Rival Ltd ended: a partner declined it." in text
    assert "Partner Co-op" not in text  # not who declined
    assert REASON not in text  # nor why: that is the poster's to read
    _shot(page, tmp_path, "decline-partner.png")
