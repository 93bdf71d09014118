"""The front door in a real browser: a client, not signed in, finds the front door from the
sign-in page, describes what it needs and gets its reference; the coordinator finds the
request in its inbox, passes it to the organisation whose offering matches and turns it into
an opportunity that organisation posts, with no finder's fee. Every page is checked by
axe-core (conftest) and nothing is loaded from other hosts.

With COOPNET_SCREENSHOTS=1 the pages are shot into docs/screenshots/ (front-door.png,
client-request.png) for the user guide; otherwise into the test's temporary directory."""

import datetime as dt
import os
from pathlib import Path

import pytest
from instants import TODAY

from coopnet.clients.models import ClientRequest
from coopnet.offerings import services as offerings
from coopnet.opportunities.models import Opportunity

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(page, tmp_path, name):
    folder = DOCS if os.environ.get("COOPNET_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(folder / name), full_page=True)


@pytest.fixture
def network(consortium_cast, coordinator):
    """Outlier sells Elixir work; Partner Co-op design."""
    offerings.offering_create(actor=consortium_cast["alice"], organisation_slug="outlier",
                              name="Web apps", skills=["elixir"])  # fmt: skip
    offerings.offering_create(actor=consortium_cast["pat"], organisation_slug="partner",
                              name="Service design", skills=["ux-design"])  # fmt: skip
    return consortium_cast


def _ask(page, base):
    """The client's part: from the sign-in page to the confirmation."""
    page.goto(f"{base}/accounts/login/")
    page.click("main >> text=Ask the network for a quote")
    page.wait_for_url(f"{base}/request/")
    page.fill("#id_organisation", "Wombat Clinics")
    page.fill("#id_contact_name", "Wendy Bat")
    page.fill("#id_email", "wendy@wombat.example")
    page.fill("#id_needs", "Online bookings for our three clinics.")
    page.fill("#id_budget", "12000")
    page.fill("#id_deadline", (TODAY + dt.timedelta(days=90)).isoformat())
    page.fill("#id_skill_1", "Elixir")
    page.click("main button:has-text('Send the request')")
    page.wait_for_url(f"{base}/request/sent/**")


def test_a_clients_request_becomes_an_opportunity_the_network_found(
    network, live_server, page, sign_in, requests_elsewhere, tmp_path
):
    base = live_server.url
    _ask(page, base)
    received = ClientRequest.objects.get()
    assert page.locator("#reference").inner_text() == received.reference
    assert "What happens next" in page.locator("main").inner_text()
    sign_in(page, base, "cora")
    page.click("nav >> text=Client requests")
    page.click(f"main table a:has-text('{received.reference}')")
    page.wait_for_url(f"{base}/clients/requests/{received.pk}/")
    assert "wendy@wombat.example" in page.locator("main").inner_text()
    page.check("#pass-outlier")
    page.click("main button:has-text('Pass to the organisations ticked')")
    page.wait_for_selector(".message >> text=Passed to Outlier Co-op")
    _shot(page, tmp_path, "client-request.png")
    page.click("main >> text=Turn into an opportunity")
    page.wait_for_url(f"{base}/clients/requests/{received.pk}/opportunity/")
    assert page.input_value("#id_requirements-0-skill") == "Elixir"
    assert page.input_value("#id_value") == "12000.00"
    page.select_option("#id_organisation", "outlier")
    page.select_option("#id_requirements-0-min_level", "4")
    page.fill("#id_requirements-0-hours", "40")
    page.click("main button:has-text('Post the opportunity')")
    page.wait_for_selector(".message >> text=no finder's fee is paid")
    opportunity = Opportunity.objects.get()
    assert (opportunity.posted_by.slug, opportunity.finder_id) == ("outlier", None)
    assert "Turned into an opportunity" in page.locator("main").inner_text()
    assert requests_elsewhere == []


def test_the_front_door_as_a_client_sees_it(network, live_server, page, tmp_path):
    """The honeypot is off the screen and out of the tab order: tabbing from the last skill
    box goes to the send button."""
    page.goto(f"{live_server.url}/request/")
    box = page.locator("#id_website").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] < 0
    page.focus("#id_skill_4")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Send the request"
    _shot(page, tmp_path, "front-door.png")
