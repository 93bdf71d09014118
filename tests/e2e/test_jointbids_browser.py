"""Joint bids in a real browser: two rival posters for the same client (its name written
differently) are each told that another member pursues it, never who; Rival proposes a joint
bid, Outlier is asked without being told by whom, agrees, and only then both learn who the
other is, each seeing its own payout in the joint bid beside its own bid's alone.

With COOPNET_SCREENSHOTS=1 the joint bid's page is shot into docs/screenshots/jointbid.png for
the user guide; otherwise into the test's temporary directory."""

import os
from pathlib import Path

import pytest

from coopnet.common.money import network_money
from coopnet.jointbids import selectors
from coopnet.jointbids.models import JointBid
from coopnet.opportunities import services as opportunities

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def rival_bids(consortium_cast, post_opportunity, immediate_tasks):
    """Outlier's booking system for Acme Ltd, its consortium sought alone; Rival's bid for
    "ACME limited", which needs more Elixir hours than Outlier's people have."""
    outlier = post_opportunity(client="Acme Ltd")
    opportunities.formation_start(actor=consortium_cast["alice"], opportunity_id=outlier.pk)
    rival = post_opportunity(
        actor="charlie", organisation="rival", title="Rival's secret tender",
        client="ACME limited.", value="45000",
        requirements=[{"skill": "elixir", "min_level": 4, "hours": "200"},
                      {"skill": "python", "min_level": 3, "hours": "10"}],
    )  # fmt: skip
    return outlier, rival


def _to_own_pursuit(page, title):
    page.click("header >> text=Joint bids")
    row = page.locator("main table tr", has_text=title)
    assert "Another member of the network pursues this client" in row.inner_text()
    row.locator("a").click()


def test_two_rival_posters_walk_to_a_joint_bid_both_accept(
    rival_bids, consortium_cast, live_server, page, requests_elsewhere, sign_in, tmp_path
):
    outlier, _ = rival_bids
    base = live_server.url
    sign_in(page, base, "charlie")
    _to_own_pursuit(page, "Rival's secret tender")
    assert page.locator("#pursued").inner_text() == (
        "Another member of the network pursues this client."
    )
    assert "Outlier" not in page.content()
    assert "Booking system" not in page.content()
    page.click("main button:has-text('Propose a joint bid')")
    page.wait_for_selector(".message >> text=You proposed a joint bid")
    bid = JointBid.objects.get()
    assert "Your organisation proposed this joint bid" in page.locator("#state").inner_text()

    page.click("header button:has-text('Sign out')")
    sign_in(page, base, "alice")
    _to_own_pursuit(page, "Booking system")
    page.click(f"main a[href='/jointbids/{bid.pk}/']")
    state = page.locator("#state").inner_text()
    assert "A member of the network proposes a joint bid for this client." in state
    for secret in ("Rival", "secret tender", "45,000", "ACME limited"):
        assert secret not in page.content()
    page.click("main button:has-text('Agree to bid jointly')")
    page.wait_for_selector(".message >> text=You agreed to the joint bid.")
    assert "a joint bid of Outlier Co-op and Rival Ltd" in page.locator("#state").inner_text()

    bid.refresh_from_db()
    joint = selectors.payout_to(bid.opportunity, consortium_cast["outlier"].pk)
    alone = selectors.payout_to(outlier, consortium_cast["outlier"].pk)
    table = page.locator("#side-by-side")
    ours = table.locator("tr", has_text="Outlier Co-op").inner_text()
    assert network_money(joint) in ours
    assert network_money(alone) in ours
    theirs = table.locator("tr", has_text="Rival Ltd").inner_text()
    assert "Private to them" in theirs
    assert "£" not in theirs
    folder = DOCS if os.environ.get("COOPNET_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(folder / "jointbid.png"), full_page=True)
    assert requests_elsewhere == []
