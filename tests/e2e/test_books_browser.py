"""The books in a real browser: the poster marks a milestone delivered and reads the client's
invoice (gross in the network's currency, VAT at 20%); the coordinator records the client's
payment and a partner's member reads its statement. Nothing is loaded from other hosts.

With COOPNET_SCREENSHOTS=1 the pages are shot into docs/screenshots/ (invoice.png,
statement.png) for the user guide; otherwise into the test's temporary directory."""

import os
from pathlib import Path

import pytest

from coopnet.books import details
from coopnet.books.models import Invoice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(page, tmp_path, name):
    folder = DOCS if os.environ.get("COOPNET_SCREENSHOTS") == "1" else tmp_path
    page.screenshot(path=str(folder / name), full_page=True)


@pytest.fixture
def contract(form_contract, coordinator, immediate_tasks):
    """Outlier's booking system for Acme (£12,000), formed with Partner Co-op; the network
    charges VAT at 20%."""
    details.books_settings_set(
        actor=coordinator,
        vat_rate="0.2",
        legal_name="Harbour Co-operative Network Ltd",
        address="1 Harbour Street\nLeith EH6 6QW",
        vat_number="GB123456789",
    )
    formed = form_contract()
    # the opportunity has no address for its client (yet): the contract's is set here
    formed.client_address = "2 Dock Road\nLeith EH6 7AB"
    formed.save(update_fields=["client_address"])
    return formed


def test_the_poster_delivers_and_sees_the_client_invoice(
    contract, live_server, page, requests_elsewhere, sign_in, tmp_path
):
    base = live_server.url
    sign_in(page, base, "alice")
    page.click("header >> text=Contracts")
    page.click("main table a:has-text('Booking system')")
    page.wait_for_url(f"{base}/books/contracts/{contract.pk}/")
    assert "not invoiced" in page.locator("#milestone-1").inner_text()
    page.click("#milestone-1 button:has-text('Mark delivered')")
    page.wait_for_selector(".message >> text=invoice INV-000001")
    invoice = Invoice.objects.get()
    assert page.url == f"{base}/books/invoices/{invoice.pk}/"
    assert page.locator("#invoice-number").inner_text() == "INV-000001"
    # £12,000 net and 20% VAT: £14,400 gross, all of it outstanding
    assert page.locator("#invoice-gross").inner_text() == "£14,400.00"
    assert page.locator("#invoice-outstanding").inner_text() == "£14,400.00"
    document = page.locator("#invoice-document").inner_text()
    for text in [
        "Harbour Co-operative Network Ltd",
        "GB123456789",
        "Acme",
        "2 Dock Road",
        "GBP",
        "£2,400.00",
    ]:
        assert text in document
    # printed, the site's header and the page's tools are left out
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert page.locator("#invoice-document").is_visible()
    page.emulate_media(media="screen")
    _shot(page, tmp_path, "invoice.png")
    assert requests_elsewhere == []


def test_a_partners_member_reads_its_statement_after_a_payment(
    contract, live_server, page, browser, requests_elsewhere, sign_in, tmp_path, consortium_cast
):
    from coopnet.books import services

    invoice = services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    base = live_server.url
    sign_in(page, base, "cora")
    page.goto(f"{base}/books/contracts/{contract.pk}/")
    page.fill(f"#inv{invoice.pk}-amount", "7200")
    page.fill(f"#inv{invoice.pk}-reference", "ACME BACS 0617")
    page.click(f"#settle-{invoice.pk} button:has-text('Record the payment')")
    page.wait_for_selector(".message >> text=£7,200.00 received on INV-000001")

    share = contract.shares.get(organisation__slug="partner").payout
    due = f"£{share / 2:,.2f}"  # half the gross paid: half of each part falls due
    reader = browser.new_context().new_page()
    sign_in(reader, base, "quinn")
    reader.click("header >> text=Contracts")
    reader.click("main a[href='/books/organisations/partner/']")
    reader.wait_for_url(f"{base}/books/organisations/partner/")
    assert reader.locator("#balance").inner_text() == due
    lines = reader.locator("#statement-lines").inner_text()
    assert "Payment from Acme for INV-000001" in lines
    assert due in lines
    totals = reader.locator("#statement-totals").inner_text()
    assert "Owed to date" in totals
    assert due in totals
    _shot(reader, tmp_path, "statement.png")
    reader.context.close()
    assert requests_elsewhere == []
