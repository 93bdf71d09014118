"""`Idempotency-Key` on recording a payment and running payouts: a retry gets the first answer
and changes nothing; the same key with another body is refused; errors are not remembered.
On PostgreSQL, fifty concurrent retries of one request (each thread its own connection) make
exactly one payment or payout run, and fifty concurrent payout runs without a key never pay
anyone twice; nor do concurrent writes without a key fail on each other (a month charged twice
at once, two invoices' first payments opening one partner's account at once)."""

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Sum
from django.test import Client

from coopnet.books import services, settlement
from coopnet.books.idempotency import BAD_KEY, HEADER, KEY_REUSED, REPLAYED
from coopnet.books.models import (
    Account,
    IdempotencyKey,
    JournalEntry,
    Payment,
    Payout,
    PayoutRun,
    ServiceMonth,
)
from coopnet.common.models import ApiToken, Coordinator
from coopnet.sharedservices import services as shared

pytestmark = pytest.mark.usefixtures("immediate_tasks", "clock")

RETRIES = 50
SHARES = {"outlier": Decimal("6784.94"), "partner": Decimal("4615.06")}


def bearer_key(user):
    return ApiToken.issue(user, "script")[1]


def send(key, url, body, idempotency_key=None):
    """One request from a script of its own (a fresh client: nothing shared between threads)."""
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key is not None:
        headers[HEADER] = idempotency_key
    client = Client(enforce_csrf_checks=True)
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def invoiced(form_contract, consortium_cast, coordinator):
    """The booking-system contract delivered: invoice INV-000001 for 12,000 is owing."""
    contract = form_contract()
    invoice = services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    return {"invoice": invoice, "cora": bearer_key(coordinator), "coordinator": coordinator}


def payments_url(invoice):
    return f"/api/books/invoices/{invoice.pk}/payments"


# One request at a time (SQLite and PostgreSQL) --------------------------------------------


@pytest.mark.django_db
def test_a_retry_gets_the_first_answer_and_changes_nothing(invoiced):
    url, cora = payments_url(invoiced["invoice"]), invoiced["cora"]
    first = send(cora, url, {"amount": "500", "reference": "BACS 1"}, "pay-1")
    again = send(cora, url, {"reference": "BACS 1", "amount": "500"}, "pay-1")  # same, reordered
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert (first.headers.get(REPLAYED), again.headers[REPLAYED]) == (None, "true")
    assert json.loads(again.content)["amount"] == "500.00"
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_naming_the_key(invoiced):
    url, cora = payments_url(invoiced["invoice"]), invoiced["cora"]
    assert send(cora, url, {"amount": "500"}, "pay-1").status_code == 201
    response = send(cora, url, {"amount": "600"}, "pay-1")
    assert response.status_code == 422
    assert response.json()["detail"] == {HEADER: [KEY_REUSED.format(value="pay-1")]}
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("500")]


@pytest.mark.parametrize("key", ["", " ", "a b", "caf\u00e9", "tab\there", "k" * 256])
@pytest.mark.django_db
def test_a_bad_key_is_refused_naming_the_header(invoiced, key):
    response = send(invoiced["cora"], payments_url(invoiced["invoice"]), {"amount": "5"}, key)
    assert response.status_code == 422
    assert response.json()["detail"] == {HEADER: [BAD_KEY.format(value=key)]}
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_the_longest_key_is_accepted(invoiced):
    key = "".join(chr(33 + n % 94) for n in range(255))
    response = send(invoiced["cora"], payments_url(invoiced["invoice"]), {"amount": "5"}, key)
    assert response.status_code == 201, response.content
    assert IdempotencyKey.objects.get().key == key


@pytest.mark.django_db
def test_an_error_is_not_remembered_so_a_corrected_retry_goes_through(invoiced):
    url, cora = payments_url(invoiced["invoice"]), invoiced["cora"]
    refused = send(cora, url, {"amount": "12000.01"}, "pay-1")
    assert refused.status_code == 422
    assert list(refused.json()["detail"]) == ["amount"]
    assert not IdempotencyKey.objects.exists()
    corrected = send(cora, url, {"amount": "12000"}, "pay-1")
    assert corrected.status_code == 201
    assert REPLAYED not in corrected.headers
    assert Payment.objects.get().amount == Decimal("12000")


@pytest.mark.django_db
def test_a_key_is_the_users_and_the_endpoints(invoiced, consortium_cast):
    invoice, cora = invoiced["invoice"], invoiced["cora"]
    other = User.objects.create_user("otto")
    Coordinator.objects.create(user=other)
    assert send(cora, payments_url(invoice), {"amount": "5"}, "k").status_code == 201
    assert send(bearer_key(other), payments_url(invoice), {"amount": "5"}, "k").status_code == 201
    run = send(cora, "/api/books/payout-runs", {"amount": "5"}, "k")
    assert (run.status_code, run.headers.get(REPLAYED)) == (201, None)
    assert Payment.objects.count() == 2
    # the poster's admin may not record payments: 403, and its key is not remembered either
    # (a partner that did not post it may not even read the invoice: 404, issue 11)
    alice = bearer_key(consortium_cast["alice"])
    assert send(alice, payments_url(invoice), {"amount": "5"}, "k").status_code == 403
    assert IdempotencyKey.objects.filter(user=consortium_cast["alice"]).count() == 0
    pat = bearer_key(consortium_cast["pat"])
    assert send(pat, payments_url(invoice), {"amount": "5"}, "k").status_code == 404
    assert IdempotencyKey.objects.filter(user=consortium_cast["pat"]).count() == 0


@pytest.mark.django_db
def test_without_a_key_every_request_counts(invoiced):
    url, cora = payments_url(invoiced["invoice"]), invoiced["cora"]
    assert send(cora, url, {"amount": "5"}).status_code == 201
    assert send(cora, url, {"amount": "5"}).status_code == 201
    assert Payment.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_a_payout_run_retried_is_the_same_run(invoiced):
    settlement.payment_record(
        actor=invoiced["coordinator"], invoice_id=invoiced["invoice"].pk, amount="12000"
    )
    first = send(invoiced["cora"], "/api/books/payout-runs", {"reference": "JUNE"}, "run-1")
    again = send(invoiced["cora"], "/api/books/payout-runs", {"reference": "JUNE"}, "run-1")
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert PayoutRun.objects.count() == 1
    paid = {p["organisation"]: Decimal(p["amount"]) for p in again.json()["payouts"]}
    assert paid == SHARES


# Fifty at once (PostgreSQL) -----------------------------------------------------------------


def concurrently(request):
    """`request()` from RETRIES threads released together, each with its own connection to the
    database (closed when it is done); their answers as (status, body, replayed)."""
    start = threading.Barrier(RETRIES)

    def one(_):
        try:
            start.wait(timeout=60)
            response = request()
            return response.status_code, response.content, response.headers.get(REPLAYED)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=RETRIES) as pool:
        return list(pool.map(one, range(RETRIES)))


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent retries need a database that lets transactions run at once and wait on a "
            "unique index (PostgreSQL: DATABASE_URL=postgres://...); SQLite runs one writer at a "
            "time, so there is nothing to race"
        )


@pytest.fixture
def owed(on_postgresql, invoiced):
    """INV-000001 paid in full: the network owes Outlier and Partner Co-op their shares."""
    settlement.payment_record(
        actor=invoiced["coordinator"], invoice_id=invoiced["invoice"].pk, amount="12000"
    )
    return invoiced


def paid_to_each():
    rows = Payout.objects.values("organisation__slug").annotate(total=Sum("amount"))
    return {row["organisation__slug"]: row["total"] for row in rows}


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_retries_of_a_payout_run_make_one_run(owed):
    answers = concurrently(
        lambda: send(owed["cora"], "/api/books/payout-runs", {"reference": "JUNE"}, "run-1")
    )
    assert {status for status, _, _ in answers} == {201}
    assert len({body for _, body, _ in answers}) == 1
    assert sorted(replayed or "" for _, _, replayed in answers) == [""] + ["true"] * 49
    assert PayoutRun.objects.count() == 1
    assert Payout.objects.count() == 2
    assert paid_to_each() == SHARES
    assert JournalEntry.objects.filter(kind=JournalEntry.PAYOUT).count() == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_retries_of_a_payment_make_one_payment(on_postgresql, invoiced):
    url = payments_url(invoiced["invoice"])
    answers = concurrently(lambda: send(invoiced["cora"], url, {"amount": "250.50"}, "pay-1"))
    assert {status for status, _, _ in answers} == {201}
    assert len({body for _, body, _ in answers}) == 1
    assert [replayed for _, _, replayed in answers].count(None) == 1
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("250.50")]
    assert JournalEntry.objects.filter(kind=JournalEntry.PAYMENT).count() == 1
    assert IdempotencyKey.objects.get().status == 201


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_payout_runs_without_a_key_never_pay_twice(owed):
    answers = concurrently(lambda: send(owed["cora"], "/api/books/payout-runs", {}))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] + [422] * 49  # the rest find nobody owed anything
    assert PayoutRun.objects.count() == 1
    assert paid_to_each() == SHARES


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_charges_of_a_month_charge_it_once(
    on_postgresql, consortium_cast, coordinator
):
    shared.service_create(
        actor=coordinator, name="IT support", fixed_cost="300", today=dt.date(2026, 5, 1)
    )
    shared.enrolment_set(
        actor=consortium_cast["alice"], service_slug="it-support", organisation_slug="outlier",
        alone_cost="500", hours_alone="10", today=dt.date(2026, 5, 15),
    )  # fmt: skip
    cora = bearer_key(coordinator)
    answers = concurrently(lambda: send(cora, "/api/books/service-months", {"period": "2026-06"}))
    assert sorted(status for status, _, _ in answers) == [201] + [422] * 49
    assert ServiceMonth.objects.count() == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.SERVICE_FEES).count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_payments_of_two_invoices_all_count(
    on_postgresql, form_contract, consortium_cast, coordinator
):
    invoices = [
        services.milestone_deliver(
            actor=consortium_cast["alice"], milestone_id=form_contract().milestones.get().pk
        )
        for _ in range(2)
    ]
    cora = bearer_key(coordinator)
    turn = iter(range(RETRIES))
    lock = threading.Lock()

    def pay_one():
        with lock:
            invoice = invoices[next(turn) % 2]
        return send(cora, payments_url(invoice), {"amount": "10"})

    answers = concurrently(pay_one)
    assert [status for status, _, _ in answers] == [201] * RETRIES
    assert Payment.objects.count() == RETRIES
    accounts = Account.objects.filter(organisation__isnull=False)
    assert sorted(accounts.values_list("name", flat=True)) == [
        "Liabilities:Organisations:Outlier",
        "Liabilities:Organisations:Partner",
    ]
