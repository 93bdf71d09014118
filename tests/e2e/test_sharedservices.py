"""Shared services in a real browser: an admin joins IT support and sees next month's fee and
saving; nothing is loaded from other hosts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from coopnet.common.models import Coordinator
from coopnet.directory import services as directory
from coopnet.sharedservices import pricing, services
from coopnet.sharedservices.models import Enrolment

# the page shows this month's fees and next month's
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def it_support(cast, clock):
    """IT support shared since last month by three co-operatives and Rival; Outlier not yet."""
    coordinator = User.objects.create_user("cora", password="pw-cora-123")
    Coordinator.objects.create(user=coordinator)
    services.service_create(
        actor=coordinator,
        name="IT support",
        kind="it-support",
        description="A shared IT specialist; one looks after up to four organisations.",
        fixed_cost="400",
        per_member_cost="50",
        unit_cost="2400",
        members_per_unit=4,
    )
    last_month = pricing.current_period() - dt.timedelta(days=1)
    others = [("Harbour Co-op", "1180", "14"), ("Lantern Studio", "1460", "18")]
    others.append(("Quay IT", "960", "11"))
    for n, (name, cost, hours) in enumerate(others):
        admin = User.objects.create_user(f"admin{n}", password="pw")
        directory.organisation_create(name=name, slug=f"org-{n}", admin=admin)
        services.enrolment_set(
            actor=admin,
            service_slug="it-support",
            organisation_slug=f"org-{n}",
            alone_cost=cost,
            hours_alone=hours,
            today=last_month,
        )
    return cast


def test_an_admin_joins_and_sees_next_months_fee(
    it_support, live_server, page, requests_elsewhere, sign_in, tmp_path
):
    base = live_server.url
    sign_in(page, base, "alice")
    page.click("header >> text=Shared services")
    page.click("main table a:has-text('IT support')")
    page.wait_for_url(f"{base}/services/it-support/")
    assert page.locator("#panel-outlier").get_by_text("not enrolled in this service").count() == 1
    page.fill("#outlier-alone_cost", "1390")
    page.fill("#outlier-hours_alone", "16.5")
    page.click("#panel-outlier button:has-text('Join from next month')")
    page.wait_for_selector(".message >> text=joins “IT support”")
    # four members next month: 400 + 4·50 + 2400 = 3000, shared by what going alone costs
    # each (1,180, 1,460, 960 and Outlier's 1,390): Outlier's Shapley share is 845.00
    next_fee = page.locator("#fee-next-outlier")
    assert "£845.00" in next_fee.inner_text()
    assert "£545.00" in next_fee.inner_text()
    assert "16.50 billable hours" in next_fee.inner_text()
    assert "Not enrolled this month" in page.locator("#fee-now-outlier").inner_text()
    assert page.locator("svg").count() == 2
    assert Enrolment.objects.get(organisation__slug="outlier").alone_cost == Decimal("1390.00")
    page.screenshot(path=str(tmp_path / "services.png"), full_page=True)  # renders
    assert requests_elsewhere == []
