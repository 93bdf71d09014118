"""Offerings in a real browser: a member filters the offerings, ticks two and compares them;
the comparison names where they compete and where they complement each other.

With COOPNET_SCREENSHOTS=1 the comparison is shot into docs/screenshots/offerings-compare.png
for the user guide; otherwise into the test's temporary directory."""

import os
from pathlib import Path

import pytest

from coopnet.offerings import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def offered(cast):
    services.offering_create(actor=cast["alice"], organisation_slug="outlier",
                             name="Web apps", skills=["elixir", "ux-design"])  # fmt: skip
    services.offering_create(actor=cast["charlie"], organisation_slug="rival",
                             name="Data pipelines", skills=["elixir", "python"])  # fmt: skip
    return cast


def test_a_member_compares_two_offerings(
    offered, live_server, page, sign_in, requests_elsewhere, tmp_path
):
    sign_in(page, live_server.url, "bob")
    page.click("nav >> text=Offerings")
    page.select_option("#id_skill", label="Python")
    page.click("form[role=search] button[type=submit]")
    assert page.locator("#offerings tbody tr").count() == 1
    page.goto(f"{live_server.url}/offerings/")
    page.check("text=Web apps")
    page.check("text=Data pipelines")
    page.click("text=Compare the ticked offerings")
    page.wait_for_url("**/offerings/compare/**")
    pairs = page.locator("#pairs").inner_text()
    assert "they compete on Elixir" in pairs
    assert "only Web apps brings Ux-Design" in pairs
    assert "only Data pipelines brings Python" in pairs
    assert "Rival Ltd (Data pipelines: Python)" in page.locator("#bundles").inner_text()
    folder = DOCS if os.environ.get("COOPNET_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(folder / "offerings-compare.png"), full_page=True)
    assert requests_elsewhere == []
