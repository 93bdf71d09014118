"""The books' API, through scripts' bearer tokens: contracts and their milestones, invoices,
payments, credit notes, payouts, statements, bank details and the network's books; who may
see and do what. Alice administers Outlier, which posted the contract (Bob is a member); Pat
administers Partner Co-op, the other partner (Quinn is a member); Charlie (Rival) is a
competitor and Dee (Distant) an outsider; Cora coordinates the network."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from coopnet.books import details
from coopnet.books.idempotency import HEADER
from coopnet.books.models import Contract, JournalEntry, Payment, Payout
from coopnet.common.models import ApiToken
from coopnet.sharedservices import services as shared

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

# a valid IBAN and BIC (schwifty checks both)
IBAN, BIC = "GB33BUKB20201555555555", "BUKBGB22"
SHARES = {"outlier": Decimal("6784.94"), "partner": Decimal("4615.06")}


def bearer(user):
    """A script's client: a bearer token, with Django's CSRF checks on (a token needs none)."""
    _, key = ApiToken.issue(user, "script")
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")


def call(client, method, url, body=None, headers=None):
    data = {} if body is None else {"data": json.dumps(body)}
    send = getattr(client, method)
    return send(url, content_type="application/json", headers=headers or {}, **data)


@pytest.fixture
def books(form_contract, consortium_cast, coordinator):
    """The booking-system contract, formed; a client per member of the cast."""
    contract = form_contract()
    names = ["alice", "bob", "charlie", "pat", "quinn", "dee"]
    clients = {name: bearer(consortium_cast[name]) for name in names}
    clients["cora"] = bearer(coordinator)
    return {"contract": contract, **clients}


def deliver(books):
    milestone = books["contract"].milestones.order_by("position").first()
    response = books["alice"].post(f"/api/books/milestones/{milestone.pk}/delivery")
    assert response.status_code == 201, response.content
    return response.json()


def pay(books, invoice, amount):
    url = f"/api/books/invoices/{invoice['id']}/payments"
    return call(books["cora"], "post", url, {"amount": amount})


# Contracts ---------------------------------------------------------------------------------


def test_the_poster_and_the_coordinator_read_the_frozen_payouts_as_proposed(books):
    """Partners that did not post it read their own share only (issue 11: with their own
    figures, the value or another's payout gives that partner's cost away)."""
    contract = books["contract"]
    shown = {p.organisation.slug: p.payout for p in contract.proposal.partners.all()}
    assert shown == SHARES
    for name in ("pat", "quinn"):
        data = books[name].get(f"/api/books/contracts/{contract.pk}").json()
        assert {s["organisation"]: Decimal(s["payout"]) for s in data["shares"]} == {
            "partner": SHARES["partner"]
        }
        assert (data["value"], data["commission"], data["finder_fee"]) == (None, None, None)
        assert [m["amount"] for m in data["milestones"]] == [None]
    for name in ("alice", "bob", "cora"):
        response = books[name].get(f"/api/books/contracts/{contract.pk}")
        assert response.status_code == 200, name
        data = response.json()
        assert {s["organisation"]: Decimal(s["payout"]) for s in data["shares"]} == SHARES
        assert (data["value"], data["commission"], data["currency"]) == (
            "12000.00",
            "600.00",
            "GBP",
        )
        assert data["milestones"] == [
            {"id": contract.milestones.get().pk, "position": 1, "title": "Delivery",
             "amount": "12000.00", "delivered": None}
        ]  # fmt: skip


def test_partners_list_the_contracts_they_are_in_and_others_none(books):
    for name in ("alice", "bob", "pat", "quinn", "cora"):
        listed = books[name].get("/api/books/contracts").json()
        assert [c["id"] for c in listed] == [books["contract"].pk], name
    for name in ("charlie", "dee"):
        assert books[name].get("/api/books/contracts").json() == [], name
        assert books[name].get("/api/books/invoices").json() == [], name


def test_milestones_split_the_value_and_delivery_invoices_the_client_with_vat(books):
    contract = books["contract"]
    assert call(books["cora"], "put", "/api/books/settings", {"vat_rate": "0.2"}).status_code == 200
    split = {
        "milestones": [{"title": "Design", "amount": "4000"}, {"title": "Build", "amount": "8000"}]
    }
    response = call(books["alice"], "put", f"/api/books/contracts/{contract.pk}/milestones", split)
    assert response.status_code == 200, response.content
    assert [(m["title"], m["amount"]) for m in response.json()["milestones"]] == [
        ("Design", "4000.00"), ("Build", "8000.00")
    ]  # fmt: skip
    invoice = deliver(books)
    assert (invoice["code"], invoice["status"], invoice["currency"]) == (
        "INV-000001",
        "issued",
        "GBP",
    )
    assert (invoice["net"], invoice["vat_rate"], invoice["vat"], invoice["gross"]) == (
        "4000.00", "0.2000", "800.00", "4800.00"
    )  # fmt: skip
    assert (invoice["paid"], invoice["outstanding"], invoice["credited"]) == (
        "0.00",
        "4800.00",
        "0.00",
    )
    assert books["pat"].get(f"/api/books/contracts/{contract.pk}").json()["invoices"] == []
    seen = books["bob"].get(f"/api/books/contracts/{contract.pk}").json()
    assert seen["milestones"][0]["delivered"] is not None
    assert seen["milestones"][1]["delivered"] is None
    assert [(i["code"], i["status"], i["outstanding"]) for i in seen["invoices"]] == [
        ("INV-000001", "issued", "4800.00")
    ]
    assert seen["status"] == "running"


def test_milestones_that_do_not_add_up_name_the_field(books):
    url = f"/api/books/contracts/{books['contract'].pk}/milestones"
    split = {"milestones": [{"title": "Design", "amount": "4000"}]}
    response = call(books["alice"], "put", url, split)
    assert response.status_code == 422
    assert "not the contract's value 12000.00" in response.json()["detail"]["milestones"][0]
    response = call(books["alice"], "put", url, {"milestones": [{"title": "", "amount": "12000"}]})
    assert response.status_code == 422
    assert response.json()["detail"] == {"milestones[0].title": ["This field is required."]}


def test_only_the_posting_organisations_admins_deliver_and_set_milestones(books):
    contract = books["contract"]
    milestone = contract.milestones.get()
    split = {"milestones": [{"title": "All", "amount": "12000"}]}
    for name in ("bob", "pat", "quinn", "cora"):
        response = books[name].post(f"/api/books/milestones/{milestone.pk}/delivery")
        assert response.status_code == 403, name
        url = f"/api/books/contracts/{contract.pk}/milestones"
        assert call(books[name], "put", url, split).status_code == 403, name
    milestone.refresh_from_db()
    assert milestone.delivered is None


def test_a_contract_is_cancelled_with_a_reason(books):
    url = f"/api/books/contracts/{books['contract'].pk}/cancellation"
    response = call(books["alice"], "post", url, {"reason": "  "})
    assert response.status_code == 422
    assert response.json()["detail"] == {"reason": ["This field is required."]}
    assert call(books["pat"], "post", url, {"reason": "Client withdrew"}).status_code == 403
    response = call(books["alice"], "post", url, {"reason": "Client withdrew"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == (
        "cancelled", "Client withdrew"
    )  # fmt: skip
    assert call(books["alice"], "post", url, {"reason": "Again"}).status_code == 422


# Invoices, payments, credit notes ----------------------------------------------------------


def test_payments_move_an_invoice_from_issued_to_paid(books):
    invoice = deliver(books)
    response = pay(books, invoice, "4000.5")
    assert response.status_code == 201, response.content
    payment = response.json()
    assert (payment["amount"], payment["currency"], payment["invoice_code"]) == (
        "4000.50", "GBP", "INV-000001"
    )  # fmt: skip
    assert books["quinn"].get(f"/api/books/invoices/{invoice['id']}").status_code == 404
    seen = books["bob"].get(f"/api/books/invoices/{invoice['id']}").json()
    assert (seen["status"], seen["paid"], seen["outstanding"]) == (
        "part_paid",
        "4000.50",
        "7999.50",
    )
    assert pay(books, invoice, "7999.50").status_code == 201
    seen = books["bob"].get(f"/api/books/invoices/{invoice['id']}").json()
    assert (seen["status"], seen["paid"], seen["outstanding"]) == ("paid", "12000.00", "0.00")
    assert [p["amount"] for p in seen["payments"]] == ["4000.50", "7999.50"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12000.01", "12000.01 is more than the 12000.00 still owing on invoice INV-000001."),
        ("0", "An amount of money more than 0, to the cent at most (got '0')."),
        ("1.001", "An amount of money more than 0, to the cent at most (got '1.001')."),
    ],
)
def test_a_bad_payment_names_the_amount(books, amount, message):
    invoice = deliver(books)
    response = pay(books, invoice, amount)
    assert response.status_code == 422
    assert response.json()["detail"] == {"amount": [message]}
    assert not Payment.objects.exists()


def test_a_credit_note_cancels_what_is_owing(books):
    invoice = deliver(books)
    pay(books, invoice, "2000")
    url = f"/api/books/invoices/{invoice['id']}/credit-note"
    assert call(books["alice"], "post", url, {"reason": "Withdrew"}).status_code == 403
    response = call(books["cora"], "post", url, {"reason": "Client withdrew"})
    assert response.status_code == 201, response.content
    note = response.json()
    assert (note["code"], note["kind"], note["status"], note["credits"]) == (
        "CN-000002", "credit_note", "credit_note", "INV-000001"
    )  # fmt: skip
    assert (note["gross"], note["outstanding"]) == ("-10000.00", "0.00")
    seen = books["bob"].get(f"/api/books/invoices/{invoice['id']}").json()
    assert (seen["status"], seen["paid"], seen["credited"], seen["outstanding"]) == (
        "credited", "2000.00", "10000.00", "0.00"
    )  # fmt: skip
    assert seen["credit_note"] == "CN-000002"


def test_only_the_coordinator_records_payments_partners_get_403(books):
    """The poster's members get 403; the other partners, who may not read the invoices
    (issue 11), 404."""
    invoice = deliver(books)
    for name, status in (("alice", 403), ("bob", 403), ("pat", 404), ("quinn", 404)):
        assert pay_as(books, name, invoice).status_code == status, name
    assert not Payment.objects.exists()


def pay_as(books, name, invoice, amount="10"):
    url = f"/api/books/invoices/{invoice['id']}/payments"
    return call(books[name], "post", url, {"amount": amount})


# Payouts, statements, bank details ---------------------------------------------------------


def test_a_payout_run_pays_each_partner_its_share_once(books, consortium_cast):
    details.bank_account_set(
        actor=consortium_cast["pat"], organisation_slug="partner", holder="Partner Co-op",
        iban=IBAN, bic=BIC,
    )  # fmt: skip
    pay(books, deliver(books), "12000")
    response = call(books["cora"], "post", "/api/books/payout-runs", {"reference": "JUNE"})
    assert response.status_code == 201, response.content
    run = response.json()
    assert (run["reference"], run["paid"], run["currency"], run["total"]) == (
        "JUNE", "2026-06-17", "GBP", "11400.00"
    )  # fmt: skip
    paid = {p["organisation"]: (Decimal(p["amount"]), p["iban"]) for p in run["payouts"]}
    assert paid == {"outlier": (SHARES["outlier"], ""), "partner": (SHARES["partner"], IBAN)}
    again = call(books["cora"], "post", "/api/books/payout-runs", {})
    assert again.status_code == 422
    assert again.json()["detail"] == {
        "__all__": ["Nobody is owed anything: no payout run was made."]
    }
    assert Payout.objects.count() == 2


def test_a_statement_shows_what_fell_due_and_what_was_paid(books):
    invoice = deliver(books)
    pay(books, invoice, "6000")
    call(books["cora"], "post", "/api/books/payout-runs", {"reference": "JUNE"})
    pay(books, invoice, "6000")
    statement = books["quinn"].get("/api/books/organisations/partner/statement").json()
    half = SHARES["partner"] / 2
    assert (statement["currency"], statement["account"]) == (
        "GBP", "Liabilities:Organisations:Partner"
    )  # fmt: skip
    assert Decimal(statement["owed"]) == SHARES["partner"]
    assert Decimal(statement["paid"]) == half
    assert Decimal(statement["balance"]) == half
    assert [Decimal(line["amount"]) for line in statement["lines"]] == [half, -half, half]
    assert [Decimal(line["balance"]) for line in statement["lines"]] == [half, 0, half]
    assert [(p["run"], Decimal(p["amount"])) for p in statement["payouts"]] == [("JUNE", half)]


def test_members_and_the_coordinator_read_a_statement_outsiders_get_404(books):
    for name, status in [("alice", 200), ("bob", 200), ("cora", 200), ("pat", 404),
                         ("charlie", 404), ("dee", 404)]:  # fmt: skip
        response = books[name].get("/api/books/organisations/outlier/statement")
        assert response.status_code == status, name
    assert books["cora"].get("/api/books/organisations/nowhere/statement").status_code == 404


def test_bank_details_are_for_admins_and_the_coordinator(books):
    url = "/api/books/organisations/outlier/bank-account"
    body = {"holder": "Outlier Co-op", "iban": "gb33 bukb 2020 1555 5555 55", "bic": BIC}
    response = call(books["alice"], "put", url, body)
    assert response.status_code == 200, response.content
    assert (response.json()["iban"], response.json()["bic"]) == (IBAN, BIC)
    for name, status in [("alice", 200), ("cora", 200), ("bob", 404), ("pat", 404),
                         ("charlie", 404)]:  # fmt: skip
        response = books[name].get(url)
        assert response.status_code == status, name
        assert (IBAN in response.content.decode()) == (status == 200), name
    for name, status in [("bob", 403), ("cora", 403), ("pat", 404), ("charlie", 404)]:
        changed = {**body, "holder": f"{name}'s"}
        assert call(books[name], "put", url, changed).status_code == status, name
    assert books["alice"].get(url).json()["holder"] == "Outlier Co-op"


def test_no_bank_details_yet_and_a_bad_iban(books):
    url = "/api/books/organisations/outlier/bank-account"
    assert books["alice"].get(url).json() == {
        "organisation": "outlier", "holder": "", "iban": "", "bic": "", "updated": None
    }  # fmt: skip
    response = call(books["alice"], "put", url, {"holder": "Outlier", "iban": "GB00BUKB2020155"})
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["iban"]


# The network's books -----------------------------------------------------------------------


def test_the_trial_balance_sums_to_zero_for_the_coordinator_only(books):
    pay(books, deliver(books), "5000")
    response = books["cora"].get("/api/books/trial-balance")
    assert response.status_code == 200
    data = response.json()
    assert (data["currency"], data["total"]) == ("GBP", "0.00")
    balances = {row["account"]: row["balance"] for row in data["accounts"]}
    assert balances["Assets:Bank"] == "5000.00"
    assert balances["Assets:Receivables:Clients"] == "7000.00"
    assert balances["Income:Commission"] == "-250.00"
    for name in ("alice", "bob", "pat", "charlie"):
        assert books[name].get("/api/books/trial-balance").status_code == 404, name


def test_a_payment_recorded_in_error_is_reversed(books):
    invoice = deliver(books)
    entry = pay(books, invoice, "5000").json()["entry"]
    url = f"/api/books/entries/{entry}/reversal"
    assert call(books["alice"], "post", url, {"reason": "Typo"}).status_code == 404
    response = call(books["cora"], "post", url, {"reason": "Typo"})
    assert response.status_code == 201, response.content
    reversal = response.json()
    assert (reversal["kind"], reversal["reverses"], reversal["narration"]) == (
        "reversal", entry, "Reversal: Typo"
    )  # fmt: skip
    assert sum(Decimal(p["amount"]) for p in reversal["postings"]) == 0
    seen = books["cora"].get(f"/api/books/invoices/{invoice['id']}").json()
    assert (seen["outstanding"], seen["payments"][0]["reversed"]) == ("12000.00", True)
    assert call(books["cora"], "post", url, {"reason": "Again"}).status_code == 422
    invoice_entry = JournalEntry.objects.get(kind=JournalEntry.INVOICE).pk
    response = call(books["cora"], "post", f"/api/books/entries/{invoice_entry}/reversal",
                    {"reason": "No"})  # fmt: skip
    assert response.status_code == 422


def test_a_month_of_shared_services_is_charged_once(books, consortium_cast, coordinator):
    may = dt.date(2026, 5, 1)
    shared.service_create(actor=coordinator, name="IT support", fixed_cost="300", today=may)
    shared.enrolment_set(
        actor=consortium_cast["alice"], service_slug="it-support", organisation_slug="outlier",
        alone_cost="500", hours_alone="10", today=dt.date(2026, 5, 15),
    )  # fmt: skip
    url = "/api/books/service-months"
    assert call(books["alice"], "post", url, {"period": "2026-06"}).status_code == 404
    response = call(books["cora"], "post", url, {"period": "June"})
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["period"]
    response = call(books["cora"], "post", url, {"period": "2026-06"})
    assert response.status_code == 201, response.content
    [month] = response.json()
    assert (month["service"], month["period"]) == ("it-support", "2026-06")
    statement = books["bob"].get("/api/books/organisations/outlier/statement").json()
    assert statement["charged"] == "300.00"
    assert call(books["cora"], "post", url, {"period": "2026-06"}).status_code == 422
    assert call(books["cora"], "post", url, {"period": "2026-07"}).status_code == 422


def test_the_books_settings_are_the_coordinators(books, settings):
    settings.COOPNET_CURRENCY = "EUR"
    change = {"vat_rate": "0.21", "legal_name": "The Network", "iban": IBAN}
    response = call(books["cora"], "put", "/api/books/settings", change)
    assert response.status_code == 200, response.content
    data = books["cora"].get("/api/books/settings").json()
    assert (data["currency"], data["vat_rate"], data["legal_name"], data["iban"]) == (
        "EUR", "0.2100", "The Network", IBAN
    )  # fmt: skip
    response = call(books["cora"], "put", "/api/books/settings", {"vat_rate": "1.5"})
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["vat_rate"]
    for name in ("alice", "charlie"):
        assert books[name].get("/api/books/settings").status_code == 404, name
        assert call(books[name], "put", "/api/books/settings", change).status_code == 404, name
    assert deliver(books)["currency"] == "EUR"


# A competitor ------------------------------------------------------------------------------


def test_a_competitor_gets_404_on_everything_of_another_organisation(books):
    invoice = deliver(books)
    payment = pay(books, invoice, "100").json()
    contract = books["contract"]
    milestone = contract.milestones.get()
    garbage = {"nonsense": True}
    for name in ("charlie", "dee"):
        for method, url, body in [
            ("get", f"/api/books/contracts/{contract.pk}", None),
            ("put", f"/api/books/contracts/{contract.pk}/milestones", garbage),
            ("post", f"/api/books/contracts/{contract.pk}/cancellation", garbage),
            ("post", f"/api/books/milestones/{milestone.pk}/delivery", None),
            ("get", f"/api/books/invoices/{invoice['id']}", None),
            ("post", f"/api/books/invoices/{invoice['id']}/payments", garbage),
            ("post", f"/api/books/invoices/{invoice['id']}/credit-note", garbage),
            ("get", "/api/books/organisations/outlier/statement", None),
            ("get", "/api/books/organisations/outlier/bank-account", None),
            ("put", "/api/books/organisations/outlier/bank-account", garbage),
            ("get", "/api/books/trial-balance", None),
            ("post", "/api/books/payout-runs", garbage),
            ("post", f"/api/books/entries/{payment['entry']}/reversal", garbage),
            ("post", "/api/books/service-months", garbage),
            ("get", "/api/books/settings", None),
        ]:
            response = call(books[name], method, url, body, {HEADER: "k"})
            assert response.status_code == 404, (name, method, url)
            assert "Booking" not in response.content.decode()
    assert Contract.objects.get().status == Contract.COMPLETED
    assert Payment.objects.count() == 1


def test_every_books_operation_is_documented(books):
    paths = books["cora"].get("/api/openapi.json").json()["paths"]
    operations = {
        (path, method): op
        for path, methods in paths.items()
        if path.startswith("/api/books/")
        for method, op in methods.items()
    }
    assert len(operations) == 20
    assert all(op.get("summary") for op in operations.values())
    keyed = {
        key for key, op in operations.items()
        if any(p["name"] == HEADER for p in op.get("parameters", []))
    }  # fmt: skip
    assert keyed == {
        ("/api/books/invoices/{invoice_id}/payments", "post"),
        ("/api/books/payout-runs", "post"),
    }


def test_two_slugs_that_make_one_account_name_get_an_account_each(db, consortium_cast):
    from instants import TODAY

    from coopnet.books.journal import organisation_account
    from coopnet.directory import services as directory

    alice = consortium_cast["alice"]
    one = directory.organisation_create(name="Co-op A", slug="co-op-a", admin=alice)
    other = directory.organisation_create(name="Co-op A too", slug="co_op_a", admin=alice)
    first, second = organisation_account(one, TODAY), organisation_account(other, TODAY)
    assert first.name == "Liabilities:Organisations:CoOpA"
    assert second.name == f"Liabilities:Organisations:CoOpA{other.pk}"
    assert (organisation_account(one, TODAY), organisation_account(other, TODAY)) == (first, second)
