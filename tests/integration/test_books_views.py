"""The books' pages for each role: the poster's admins split, deliver and cancel; the partners
read the contract, its invoices and their statements; the coordinator records payments, credit
notes, payout runs, shared-service months and the network's details. Charlie (a competitor) and
Dee (not in the consortium) get 404 on every page whatever the method; a member who may see a
thing but not change it gets 403; a form with errors comes back with 400 and the message."""

import html
from decimal import Decimal

import pytest
from casts import client_for, once

from coopnet.books import details, selectors, services, settlement
from coopnet.books.models import BankAccount, Contract, Invoice, Milestone, PayoutRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

IBAN = "GB33BUKB20201555555555"


@pytest.fixture
def books(form_contract, consortium_cast, coordinator):
    """Outlier's booking system formed as a contract (Outlier, which posted it, and Partner
    Co-op); Cora coordinates."""
    return {**consortium_cast, "cora": coordinator, "contract": form_contract()}


def _deliver(books):
    milestone = books["contract"].milestones.get()
    return services.milestone_deliver(actor=books["alice"], milestone_id=milestone.pk)


@pytest.fixture
def invoiced(books):
    """The same, delivered: invoice INV-000001 for £12,000 (no VAT) to Acme."""
    return _deliver(books)


def _paid_out(books, invoice):
    settlement.payment_record(actor=books["cora"], invoice_id=invoice.pk, amount="12000")
    return settlement.payout_run(actor=books["cora"], reference="JUNE-RUN")


def _text(response):
    """The page as read: entities such as &#x27; unescaped."""
    return html.unescape(response.content.decode())


def _contract_urls(contract, invoice=None):
    milestone = contract.milestones.first()
    urls = [
        f"/books/contracts/{contract.pk}/",
        f"/books/contracts/{contract.pk}/milestones/",
        f"/books/contracts/{contract.pk}/cancel/",
        f"/books/contracts/{contract.pk}/statement/outlier/",
        f"/books/contracts/{contract.pk}/statement/partner/",
        f"/books/milestones/{milestone.pk}/deliver/",
    ]
    if invoice is not None:
        urls += [
            f"/books/invoices/{invoice.pk}/",
            f"/books/invoices/{invoice.pk}/pdf/",
            f"/books/invoices/{invoice.pk}/payment/",
            f"/books/invoices/{invoice.pk}/credit-note/",
        ]
    return urls


ORGANISATION_URLS = ["/books/organisations/{}/", "/books/organisations/{}/payouts/"]
ORGANISATION_URLS += ["/books/organisations/{}/bank/"]
NETWORK_URLS = ["/books/network/", "/books/network/payout-run/"]
NETWORK_URLS += ["/books/network/service-month/", "/books/network/settings/"]


# Who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("outsider", ["charlie", "dee"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_get_404_on_the_contract_and_its_invoice_whatever_the_method(
    books, invoiced, outsider, method
):
    client = client_for(books[outsider])
    for url in _contract_urls(books["contract"], invoiced):
        response = getattr(client, method)(url, {"reason": "x", "amount": "1"})
        assert response.status_code == 404, url
        assert "Booking system" not in _text(response)


@pytest.mark.parametrize("outsider", ["charlie", "dee"])
@pytest.mark.parametrize("slug", ["outlier", "partner"])
def test_outsiders_get_404_on_an_organisations_books(books, invoiced, outsider, slug):
    _paid_out(books, invoiced)
    client = client_for(books[outsider])
    for url in ORGANISATION_URLS:
        assert client.get(url.format(slug)).status_code == 404, url
        assert client.post(url.format(slug), {"holder": "x", "iban": IBAN}).status_code == 404
    assert not BankAccount.objects.exists()


@pytest.mark.parametrize("user", ["alice", "bob", "pat", "quinn", "charlie"])
def test_only_the_coordinator_sees_the_networks_books(books, invoiced, user):
    client = client_for(books[user])
    for url in NETWORK_URLS:
        assert client.get(url).status_code == 404, url
        assert (
            client.post(url, {"paid": "", "period": "2026-06", "vat_rate": "0"}).status_code == 404
        )
    assert not PayoutRun.objects.exists()


def test_a_competitor_sees_no_contract_in_the_list(books):
    assert "Booking system" not in _text(client_for(books["charlie"]).get("/books/"))
    for user in ("alice", "bob", "pat", "quinn", "cora"):
        response = client_for(books[user]).get("/books/")
        assert response.status_code == 200
        assert "Booking system" in _text(response), user


def test_a_partner_reads_its_own_share_only(books):
    """Issue 11: with its own figures, the value or another partner's payout would give that
    partner's cost away; so a partner that did not post the contract reads its own share."""
    contract = books["contract"]
    body = _text(client_for(books["quinn"]).get(f"/books/contracts/{contract.pk}/"))
    assert "£12,000.00" not in body
    assert "£600.00" not in body
    for share in contract.shares.select_related("organisation"):
        shown = share.organisation.slug == "partner"
        assert (f"£{share.payout:,.2f}" in body) == shown
    assert "Delivery" in body
    assert "Invoices to" not in body


def test_the_contract_page_shows_the_frozen_split_and_milestones(books):
    contract = books["contract"]
    body = _text(client_for(books["bob"]).get(f"/books/contracts/{contract.pk}/"))
    assert "£12,000.00" in body
    assert "£600.00" in body  # the commission, off the top
    for share in contract.shares.select_related("organisation"):
        assert f"{share.organisation.name}'s payout" in body
        assert f"£{share.payout:,.2f}" in body
    assert "Delivery" in body
    assert "not invoiced" in body
    # a partner's member may not deliver, split or cancel
    assert "Mark delivered" not in body
    assert "Cancel the contract" not in body


def test_the_posters_admin_gets_the_forms_and_a_member_does_not(books):
    url = f"/books/contracts/{books['contract'].pk}/"
    body = _text(client_for(books["alice"]).get(url))
    assert "Mark delivered" in body
    assert "Save the milestones" in body
    assert "Cancel the contract" in body
    body = _text(client_for(books["bob"]).get(url))
    assert "Mark delivered" not in body
    assert "Save the milestones" not in body


@pytest.mark.parametrize("user", ["bob", "pat", "quinn", "cora"])
def test_who_may_see_but_not_change_the_contract_gets_403(books, user):
    contract = books["contract"]
    client = client_for(books[user])
    milestone = contract.milestones.get()
    assert client.post(f"/books/milestones/{milestone.pk}/deliver/").status_code == 403
    lines = {"milestones": "A: 6000\nB: 6000"}
    assert client.post(f"/books/contracts/{contract.pk}/milestones/", lines).status_code == 403
    assert client.post(f"/books/contracts/{contract.pk}/cancel/", {}).status_code == 403
    assert not Invoice.objects.exists()
    assert Contract.objects.get().status == Contract.RUNNING


# The poster's forms -------------------------------------------------------------------------


def test_milestones_that_do_not_add_up_are_refused_with_the_reason(books):
    contract = books["contract"]
    alice = client_for(books["alice"])
    url = f"/books/contracts/{contract.pk}/milestones/"
    response = alice.post(url, {"milestones": "Design: 4000\nBuild: 7000"})
    assert response.status_code == 400
    assert services.MILESTONES_SUM.format(total="11000.00", value="12000.00") in _text(response)
    response = alice.post(url, {"milestones": "Design 4000"})
    assert response.status_code == 400
    assert "Line 1: write a title, a colon and an amount" in _text(response)
    response = alice.post(url, {"milestones": "Design: -3\nBuild: 12003"})
    assert response.status_code == 400
    assert "Line 1: An amount of money more than 0" in _text(response)
    assert list(contract.milestones.values_list("title", flat=True)) == ["Delivery"]


def test_the_poster_splits_the_value_and_delivers_a_milestone(books):
    contract = books["contract"]
    alice = client_for(books["alice"])
    lines = {"milestones": "Design: 4,000\nBuild: 8000.00"}
    response = alice.post(
        f"/books/contracts/{contract.pk}/milestones/",
        {**lines, **once(books["alice"])},
        follow=True,
    )
    assert "now in 2 milestones" in _text(response)
    assert [(m.title, m.amount) for m in contract.milestones.all()] == [
        ("Design", Decimal("4000.00")),
        ("Build", Decimal("8000.00")),
    ]
    design = contract.milestones.get(position=1)
    response = alice.post(f"/books/milestones/{design.pk}/deliver/", follow=True)
    invoice = Invoice.objects.get()
    assert response.redirect_chain[-1][0] == f"/books/invoices/{invoice.pk}/"
    body = _text(response)
    assert "invoice INV-000001 for £4,000.00 was issued to Acme" in body
    assert "Save the milestones" not in _text(alice.get(f"/books/contracts/{contract.pk}/"))
    again = alice.post(f"/books/milestones/{design.pk}/deliver/")
    assert again.status_code == 400
    assert "This milestone was delivered on 2026-06-17." in _text(again)


def test_cancelling_needs_a_reason_and_nothing_owing(books):
    contract = books["contract"]
    alice = client_for(books["alice"])
    url = f"/books/contracts/{contract.pk}/cancel/"
    response = alice.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in _text(response)
    response = alice.post(url, {"reason": "The client went elsewhere"}, follow=True)
    assert "The contract is cancelled." in _text(response)
    assert "The client went elsewhere" in _text(response)
    assert Contract.objects.get().status == Contract.CANCELLED


def test_a_contract_with_an_invoice_owing_cannot_be_cancelled(books, invoiced):
    Contract.objects.filter(pk=books["contract"].pk).update(status=Contract.RUNNING)
    response = client_for(books["alice"]).post(
        f"/books/contracts/{books['contract'].pk}/cancel/", {"reason": "Too late"}
    )
    assert response.status_code == 400
    assert "Invoice INV-000001 still has 12000.00 owing" in _text(response)


# Invoices -----------------------------------------------------------------------------------


def test_a_partner_that_did_not_post_it_reads_no_invoice(books):
    invoice = _deliver(books)
    for user in ("pat", "quinn"):  # issue 11: the invoice gives the value away
        assert client_for(books[user]).get(f"/books/invoices/{invoice.pk}/").status_code == 404


@pytest.mark.parametrize("user", ["alice", "bob", "cora"])
def test_the_invoice_page_for_the_poster_and_the_coordinator(books, user):
    details.books_settings_set(
        actor=books["cora"],
        vat_rate="0.2",
        legal_name="Co-op Network Ltd",
        address="1 Harbour Street\nLeith",
        vat_number="GB123456789",
    )
    invoice = _deliver(books)
    response = client_for(books[user]).get(f"/books/invoices/{invoice.pk}/")
    assert response.status_code == 200
    body = _text(response)
    for text in ["INV-000001", "Co-op Network Ltd", "1 Harbour Street", "GB123456789", "Acme"]:
        assert text in body
    assert "Booking system: Delivery" in body
    assert "£12,000.00" in body  # net
    assert "20%" in body
    assert "£2,400.00" in body  # VAT
    assert '<td id="invoice-gross">£14,400.00</td>' in body
    assert '<td id="invoice-outstanding">£14,400.00</td>' in body
    assert "@media print" in body


def test_the_invoice_shows_payments_and_what_is_outstanding(books, invoiced):
    settlement.payment_record(
        actor=books["cora"], invoice_id=invoiced.pk, amount="4000", reference="ACME-77"
    )
    body = _text(client_for(books["bob"]).get(f"/books/invoices/{invoiced.pk}/"))
    assert "Paid 17 Jun 2026 (ACME-77)" in body
    assert '<td id="invoice-outstanding">£8,000.00</td>' in body


def test_the_invoice_pdf(books, invoiced):
    response = client_for(books["bob"]).get(f"/books/invoices/{invoiced.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="INV-000001.pdf"' in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF-")
    assert len(data) > 5000
    # one A4 page (WeasyPrint measures in CSS pixels, 96 to the inch)
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from coopnet.books import pdf
    from coopnet.books.views_invoices import invoice_context

    document = HTML(string=render_to_string(pdf.TEMPLATE, invoice_context(invoiced))).render()
    assert len(document.pages) == 1
    size = (document.pages[0].width * 25.4 / 96, document.pages[0].height * 25.4 / 96)
    assert size == (pytest.approx(210), pytest.approx(297))
    text = _pdf_text(data)
    if text is not None:
        assert "INV-000001" in text
        assert "£12,000.00" in text


def _pdf_text(data):
    """The PDF's text, with pypdf or Poppler's pdftotext if either is installed; else None."""
    import shutil
    import subprocess

    try:
        from pypdf import PdfReader
    except ImportError:
        pass
    else:
        import io

        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
        return done.stdout.decode()
    return None


def test_the_coordinator_records_a_payment_and_errors_name_the_field(books, invoiced):
    cora = client_for(books["cora"])
    contract_page = _text(cora.get(f"/books/contracts/{books['contract'].pk}/"))
    assert "Record a payment on INV-000001" in contract_page
    url = f"/books/invoices/{invoiced.pk}/payment/"
    response = cora.post(url, {"amount": "12000.01"})
    assert response.status_code == 400
    assert settlement.OVERPAID.format(amount="12000.01", owing="12000.00", code="INV-000001") in (
        _text(response)
    )
    response = cora.post(url, {"amount": "5000", "received": "2026-07-01"})
    assert response.status_code == 400
    assert "not in the future" in _text(response)
    response = cora.post(
        url,
        {"amount": "5000", "received": "2026-06-17", "reference": "BACS 1", **once(books["cora"])},
        follow=True,
    )
    assert "£5,000.00 received on INV-000001 was recorded." in _text(response)
    assert selectors.invoice_outstanding(invoiced) == Decimal("7000.00")


@pytest.mark.parametrize(("user", "status"), [("alice", 403), ("pat", 404)])
def test_a_partner_may_not_record_a_payment_or_a_credit_note(books, invoiced, user, status):
    """403 for the poster's admin; 404 for a partner that may not read the invoice."""
    client = client_for(books[user])
    assert "Record a payment" not in _text(client.get(f"/books/contracts/{books['contract'].pk}/"))
    url = f"/books/invoices/{invoiced.pk}/"
    assert client.post(url + "payment/", {"amount": "1"}).status_code == status
    assert client.post(url + "credit-note/", {"reason": ""}).status_code == status
    assert selectors.invoice_received(invoiced) == 0


def test_a_credit_note_cancels_what_is_owing(books, invoiced):
    cora = client_for(books["cora"])
    url = f"/books/invoices/{invoiced.pk}/credit-note/"
    response = cora.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in _text(response)
    response = cora.post(url, {"reason": "Acme withdrew", **once(books["cora"])}, follow=True)
    body = _text(response)
    assert "Credit note CN-000002 cancels what was owing on INV-000001." in body
    assert "Credit note" in body
    assert "INV-000001 of 17 June 2026" in body
    assert '<td id="invoice-gross">-£12,000.00</td>' in body
    invoice_page = _text(client_for(books["bob"]).get(f"/books/invoices/{invoiced.pk}/"))
    assert "Credited by CN-000002" in invoice_page
    assert '<td id="invoice-outstanding">£0.00</td>' in invoice_page


# Statements, payouts and bank details ----------------------------------------------------------


@pytest.mark.parametrize("user", ["pat", "quinn", "cora"])
def test_a_partners_statement_for_its_members_and_the_coordinator(books, invoiced, user):
    run = _paid_out(books, invoiced)
    share = books["contract"].shares.get(organisation__slug="partner").payout
    response = client_for(books[user]).get("/books/organisations/partner/")
    assert response.status_code == 200
    body = _text(response)
    money = f"£{share:,.2f}"
    assert body.count(money) >= 3  # owed, paid, the line and the payout
    assert "Payment from Acme for INV-000001" in body
    assert f"Payout {run.reference}" in body
    payout = run.payouts.get(organisation__slug="partner")
    assert payout.reference in body
    assert '<p class="big" id="balance">£0.00</p>' in body
    payouts = _text(client_for(books[user]).get("/books/organisations/partner/payouts/"))
    assert payout.reference in payouts
    assert "17 Jun 2026" in payouts


def test_an_organisation_members_cannot_see_anothers_statement(books, invoiced):
    _paid_out(books, invoiced)
    for url in ORGANISATION_URLS:
        assert client_for(books["quinn"]).get(url.format("outlier")).status_code == 404
        assert client_for(books["bob"]).get(url.format("partner")).status_code == 404


def test_the_self_billing_statement_of_a_contract(books, invoiced):
    contract = books["contract"]
    share = contract.shares.get(organisation__slug="partner").payout
    url = f"/books/contracts/{contract.pk}/statement/partner/"
    settlement.payment_record(actor=books["cora"], invoice_id=invoiced.pk, amount="6000")
    body = _text(client_for(books["quinn"]).get(url))
    assert "Self-billing statement" in body
    assert "INV-000001" in body
    assert f"£{share:,.2f}" in body
    assert '<td id="self-billing-paid">£0.00</td>' in body
    settlement.payout_run(actor=books["cora"])
    body = _text(client_for(books["cora"]).get(url))
    assert f'<td id="self-billing-paid">£{share / 2:,.2f}</td>' in body
    # Partner Co-op's members may not read Outlier's; Dee's Distant is not in the contract
    assert client_for(books["quinn"]).get(url.replace("partner", "outlier")).status_code == 404
    assert client_for(books["cora"]).get(url.replace("partner", "distant")).status_code == 404


def test_bank_details_for_the_admins_and_the_coordinator(books):
    pat = client_for(books["pat"])
    url = "/books/organisations/partner/bank/"
    assert "No bank details yet" in _text(pat.get(url))
    response = pat.post(url, {"holder": "Partner Co-op", "iban": "GB00BUKB20201555555555"})
    assert response.status_code == 400
    assert "Not a valid IBAN" in _text(response)
    response = pat.post(url, {"holder": "Partner Co-op", "iban": IBAN}, follow=True)
    assert "Partner Co-op's bank details were saved." in _text(response)
    cora = client_for(books["cora"])
    assert IBAN in _text(cora.get(url))
    assert "Save the bank details" not in _text(cora.get(url))
    assert cora.post(url, {"holder": "Cora", "iban": IBAN}).status_code == 403
    quinn = client_for(books["quinn"])
    assert quinn.get(url).status_code == 404  # a member: the admins' alone
    assert BankAccount.objects.get().holder == "Partner Co-op"


# The coordinator's books ----------------------------------------------------------------------


def test_the_networks_books_page(books, invoiced):
    settlement.payment_record(actor=books["cora"], invoice_id=invoiced.pk, amount="4000")
    body = _text(client_for(books["cora"]).get("/books/network/"))
    assert '<td class="num" colspan="2" id="trial-balance-sum">£0.00</td>' in body
    for account in ["Assets:Bank", "Assets:Receivables:Clients", "Income:Commission"]:
        assert account in body
    assert "£8,000.00" in body  # outstanding on INV-000001
    owed = selectors.statement(books["cora"], "partner").balance
    assert f"£{owed:,.2f}" in body
    for link in ["/books/export/beancount", "/books/export/csv"]:
        assert f'href="{link}"' in body
    for planted in books["planted"][:10]:
        assert planted not in body, planted


def test_the_coordinator_runs_payouts(books, invoiced):
    settlement.payment_record(actor=books["cora"], invoice_id=invoiced.pk, amount="12000")
    cora = client_for(books["cora"])
    response = cora.post("/books/network/payout-run/", {"reference": "JUNE", "paid": "2026-13-01"})
    assert response.status_code == 400
    assert "A date as YYYY-MM-DD." in _text(response)
    run = {"reference": "JUNE", **once(books["cora"])}
    response = cora.post("/books/network/payout-run/", run, follow=True)
    body = _text(response)
    assert "Payout run JUNE: 2 organisations paid £11,400.00." in body
    run = PayoutRun.objects.get()
    assert f'href="/books/payouts/{run.pk}/pain001.xml"' in body
    assert f'href="/books/payouts/{run.pk}/payouts.csv"' in body
    response = cora.post("/books/network/payout-run/", once(books["cora"]), follow=True)
    assert "No organisation is owed anything" in _text(response)


def test_the_coordinators_month_and_settings_forms_show_their_errors(books):
    cora = client_for(books["cora"])
    response = cora.post("/books/network/service-month/", {"period": "June"})
    assert response.status_code == 400
    assert "A month as YYYY-MM" in _text(response)
    response = cora.post("/books/network/service-month/", {"period": "2026-06"})
    assert response.status_code == 400
    assert "No shared service has a fee schedule for June 2026." in _text(response)
    response = cora.post("/books/network/settings/", {"vat_rate": "20", "iban": "x"})
    assert response.status_code == 400
    assert "A VAT rate from 0 to 1" in _text(response)
    assert "Not a valid IBAN" in _text(response)
    response = cora.post(
        "/books/network/settings/",
        {"vat_rate": "0.2", "legal_name": "Co-op Network Ltd", "iban": IBAN},
        follow=True,
    )
    assert "The network's invoicing details were saved." in _text(response)
    assert services.books_settings().vat_rate == Decimal("0.2")


def test_a_milestone_is_found_only_through_its_contract(books):
    other = Milestone.objects.get()
    assert (
        client_for(books["dee"]).post(f"/books/milestones/{other.pk}/deliver/").status_code == 404
    )
    assert client_for(books["alice"]).post("/books/milestones/9999/deliver/").status_code == 404
