"""The core loop in a real browser: search the directory, post an opportunity, find the
consortium, and have every partner accept it; nothing is loaded from other hosts. The pages
are shot into pytest's tmp_path (they render); the docs' pictures come from the demo network
(scripts/screenshots)."""

import datetime as dt

import pytest
from instants import TODAY

from coopnet.opportunities.formation import formation_execute
from coopnet.opportunities.models import FormationRun, Opportunity

# the opportunity's deadline is dated from today
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def sign_out(page):
    page.click("header button:has-text('Sign out')")
    page.wait_for_load_state()


def search_directory(page, base, shots):
    page.goto(f"{base}/directory/")
    # a skill is typed; the suggestions come from the skill search as you type
    page.locator("#id_skill").press_sequentially("eli")
    page.locator("#id_skill-options option[value='Elixir']").wait_for(state="attached")
    assert page.locator("#id_skill-options option").count() == 1
    page.fill("#id_skill", "Elixir")
    page.select_option("#id_min_level", "4")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("#results table >> text=Ada Lovelace")
    assert page.locator("#results").get_by_text("Rita Levi").count() == 1
    page.screenshot(path=str(shots / "directory.png"), full_page=True)


def post_opportunity(page, base):
    page.goto(f"{base}/opportunities/")
    page.click("text=Post an opportunity")
    page.select_option("#id_organisation", "outlier")
    page.fill("#id_title", "Booking system")
    page.fill("#id_client", "Acme Climbing")
    page.fill("#id_description", "Online bookings, with a security review.")
    page.fill("#id_value", "12000")
    page.fill("#id_deadline", str(TODAY + dt.timedelta(days=90)))
    for n, (skill, level, hours) in enumerate([("Elixir", "4", "40"), ("ux-design", "3", "20")]):
        page.fill(f"#id_requirements-{n}-skill", skill)
        page.select_option(f"#id_requirements-{n}-min_level", level)
        page.fill(f"#id_requirements-{n}-hours", hours)
    page.click("text=Post the opportunity")
    page.wait_for_selector("button:has-text('Find the consortium')")


def find_the_consortium(page, shots):
    page.click("button:has-text('Find the consortium')")
    page.wait_for_selector("#proposals-heading", timeout=30_000)
    consortium = page.locator("article.proposal").first
    for shown in ("Ada Lovelace", "Grace Hopper", "Outlier Co-op", "Partner Co-op"):
        assert consortium.get_by_text(shown).count() >= 1, shown
    # 2 partners + Outlier's own explanation: none of Partner Co-op's money (issue 11), and
    # so no waterfall of every payout
    assert consortium.locator("table.split tbody tr").count() == 3
    assert consortium.locator("svg rect").count() == 0
    assert "Without Outlier Co-op" in consortium.inner_text()
    assert "Without Partner Co-op" not in consortium.inner_text()
    own = consortium.locator("section.own-payout")  # Alice's own organisation's, only
    assert own.count() == 1
    assert "Outlier Co-op's payout, for its members only" in own.inner_text()
    assert "£3,608.40" in own.inner_text()  # 40 h × 77.71 + 500: the cost of its own work
    assert "£1,438.53" not in consortium.inner_text()  # Partner Co-op's own cost
    page.screenshot(path=str(shots / "proposal.png"), full_page=True)


def accept(page, base, opportunity_url):
    page.goto(opportunity_url)
    page.locator("article.proposal").first.locator("button:has-text('Accept')").click()
    page.wait_for_selector("text=You accepted")


def test_post_find_and_form_a_consortium(
    consortium_cast, immediate_tasks, live_server, page, requests_elsewhere, sign_in, tmp_path
):
    base = live_server.url
    sign_in(page, base, "alice")
    search_directory(page, base, tmp_path)
    post_opportunity(page, base)
    opportunity_url = page.url
    find_the_consortium(page, tmp_path)
    sign_out(page)

    sign_in(page, base, "pat")
    accept(page, base, opportunity_url)
    assert page.get_by_text("Consortium formed").count() == 0
    sign_out(page)

    sign_in(page, base, "alice")
    accept(page, base, opportunity_url)
    assert page.locator(".formed").get_by_text("Consortium formed").count() == 1
    assert Opportunity.objects.get().status == Opportunity.FORMED
    assert requests_elsewhere == []


def test_progress_bar_polls_until_the_proposals_are_ready(
    consortium_cast, live_server, page, requests_elsewhere, sign_in
):
    """With the database queue and no worker, the run waits; the page polls its progress bar
    until a worker (here, the test) has run it, then shows the proposals and stops polling."""
    base = live_server.url
    sign_in(page, base, "alice")
    post_opportunity(page, base)
    page.click("button:has-text('Find the consortium')")
    bar = page.locator(".run-progress progress")
    bar.wait_for()
    assert bar.get_attribute("value") == "0"
    with page.expect_request("**/opportunities/runs/*/progress/"):
        pass  # htmx polls every second
    formation_execute(run_id=FormationRun.objects.get().pk)
    page.wait_for_selector("#proposals-heading", timeout=15_000)
    assert page.locator("[hx-trigger]").count() == 0
    assert requests_elsewhere == []


def test_a_decline_with_its_reason_reaches_the_poster(
    consortium_cast, immediate_tasks, live_server, page, requests_elsewhere, sign_in
):
    """Pat declines with a reason; Alice sees two unread notifications in the header (Outlier
    was proposed, and Partner Co-op declined), reads the newest and its reason, and the reason
    beside Partner Co-op's decision on the opportunity."""
    base = live_server.url
    sign_in(page, base, "alice")
    post_opportunity(page, base)
    opportunity_url = page.url
    page.click("button:has-text('Find the consortium')")
    page.wait_for_selector("#proposals-heading", timeout=30_000)
    sign_out(page)

    sign_in(page, base, "pat")
    page.goto(opportunity_url)
    decision = page.locator("form.decision").first
    decision.locator("button:has-text('Decline')").click()  # no reason: refused
    page.wait_for_selector("text=Say why your organisation declines")
    decision = page.locator("form.decision").first
    decision.locator("input[name=reason]").fill("Our designers are booked until May.")
    decision.locator("button:has-text('Decline')").click()
    page.wait_for_selector("text=You declined this consortium.")
    sign_out(page)

    sign_in(page, base, "alice")
    assert page.locator("[data-testid=unread-count]").inner_text() == "2"
    page.click("a.notifications-link")
    item = page.locator("[data-testid=notification]").first
    assert "declined the proposal for “Booking system”: Our designers are booked until May." in (
        item.inner_text()
    )
    item.locator("a").click()
    assert page.locator("q.decline-reason").first.inner_text() == (
        "Our designers are booked until May."
    )
    assert page.locator("[data-testid=unread-count]").count() == 1  # still unread
    page.goto(f"{base}/notifications/")
    page.click("button:has-text('Mark all read')")
    page.wait_for_selector("text=2 notification(s) marked read.")
    assert page.locator("[data-testid=unread-count]").count() == 0
    assert requests_elsewhere == []
