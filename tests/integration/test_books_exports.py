"""The books as files (spec/interfaces.md §5): books built through the services, exported as
Beancount (read back with Beancount v3's own loader) and CSV, for the network and for each
organisation's view, from the command line, the pages and the API."""

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data
from casts import client_for
from django.contrib.auth.models import User
from django.db.models import Sum
from instants import TODAY

from coopnet.books import details, exports, selectors, services, settlement
from coopnet.books.models import Account, Posting
from coopnet.common.models import ApiToken
from coopnet.directory.models import Membership, Organisation
from coopnet.sharedservices.models import Fee, FeeSchedule, SharedService

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

#: what the coordinator typed: a reversal's reason and a payout run's reference, naming both
REASON = "Meant for Partner Co-op, not Outlier Co-op"
RUN_REFERENCE = "Outlier Co-op and Partner Co-op"
QUOTED_CLIENT = 'Bright "Quotes" Ltd \\ Sons'
OTHER = {"outlier": ("Outlier Co-op", ":Outlier"), "partner": ("Partner Co-op", ":Partner")}


def _service_month(consortium_cast, coordinator):
    """A shared service whose June fees are charged to Outlier and Partner Co-op."""
    model = {"fixed_cost": 150, "per_member_cost": 0, "unit_cost": 0, "members_per_unit": 1}
    service = SharedService.objects.create(name="Payroll", slug="payroll-desk", **model)
    period = TODAY.replace(day=1)
    schedule = FeeSchedule.objects.create(
        service=service, period=period, pooled_cost=Decimal("150.00"), recommended="shapley",
        core_empty=False, contains={"shapley": True}, **model,
    )  # fmt: skip
    for slug, fee in (("outlier", "70.00"), ("partner", "80.00")):
        Fee.objects.create(
            schedule=schedule, organisation=Organisation.objects.get(slug=slug),
            fee=Decimal(fee), alone_cost=Decimal(200), hours_alone=Decimal(4), saving=Decimal(1),
        )  # fmt: skip
    settlement.service_month_charge(actor=coordinator, period=period)


@pytest.fixture
def books(form_contract, consortium_cast, coordinator):
    """Two contracts with 20% VAT: the first delivered, paid in two parts (with a payment
    recorded in error and reversed between them); the second delivered, partly paid, the rest
    credited; a month of a shared service; and a payout run."""
    alice = consortium_cast["alice"]
    details.books_settings_set(actor=coordinator, vat_rate="0.2")
    first = form_contract()
    invoice = services.milestone_deliver(actor=alice, milestone_id=first.milestones.get().pk)
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount="4000")
    wrong = settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount="100")
    settlement.entry_reverse(actor=coordinator, entry_id=wrong.entry_id, reason=REASON)
    rest = invoice.gross - Decimal("4000")
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount=str(rest))
    second = form_contract(title="Website", client=QUOTED_CLIENT)
    other = services.milestone_deliver(actor=alice, milestone_id=second.milestones.get().pk)
    settlement.payment_record(actor=coordinator, invoice_id=other.pk, amount="1000")
    settlement.credit_note_issue(actor=coordinator, invoice_id=other.pk, reason="Withdrew")
    _service_month(consortium_cast, coordinator)
    run = settlement.payout_run(actor=coordinator, reference=RUN_REFERENCE)
    assert run is not None
    assert run.payouts.count() == 2
    return {"first": first, "second": second, "invoice": invoice, "run": run}


def _export(organisation=None, form="beancount"):
    whose = Organisation.objects.get(slug=organisation) if organisation else None
    return "".join(exports.text(exports.books(whose), form))


def _load(text):
    entries, errors, options = loader.load_string(text)
    assert errors == [], [str(e) for e in errors]
    assert options["operating_currency"] == ["GBP"]
    return [e for e in entries if isinstance(e, data.Transaction)], entries


def _balances(transactions):
    totals = defaultdict(Decimal)
    for txn in transactions:
        for posting in txn.postings:
            assert posting.units.currency == "GBP"
            totals[posting.account] += posting.units.number
    return totals


# The network's books -------------------------------------------------------------------------


def test_beancount_loads_and_holds_the_commission_and_the_payouts(books):
    transactions, _entries = _load(_export())
    assert len(transactions) == len({p.entry_id for p in Posting.objects.all()})
    balances = _balances(transactions)
    commission = Posting.objects.filter(account__name__contains="Commission")
    booked = selectors.cents(commission.aggregate(t=Sum("amount"))["t"])
    first_commission = books["first"].commission
    assert booked < -first_commission  # all of the first's, and some of the second's
    assert balances["Income:Commission"] == booked
    payouts = [t for t in transactions if t.narration == f"Payout {RUN_REFERENCE}"]
    paid = {p.account for t in payouts for p in t.postings if p.account != "Assets:Bank"}
    assert paid == {"Liabilities:Organisations:Outlier", "Liabilities:Organisations:Partner"}
    assert sum(balances.values()) == 0
    for account in Account.objects.all():
        assert balances[account.name] == selectors.cents(
            account.postings.aggregate(t=Sum("amount"))["t"]
        )


def test_every_account_is_opened_on_its_first_posting(books):
    transactions, entries = _load(_export())
    opened = {e.account: e.date for e in entries if isinstance(e, data.Open)}
    first = {}
    for txn in sorted(transactions, key=lambda t: t.date):
        for posting in txn.postings:
            first.setdefault(posting.account, txn.date)
    assert opened == first
    assert opened["Liabilities:Organisations:Outlier"] == TODAY.replace(day=1)  # the service
    assert all(e.currencies == ["GBP"] for e in entries if isinstance(e, data.Open))


def test_narrations_and_invoice_codes_survive_the_round_trip(books):
    transactions, _ = _load(_export())
    invoices = [t for t in transactions if t.narration.startswith("Invoice to")]
    assert [t.meta["invoice"] for t in invoices] == ["INV-000001", "INV-000002"]
    assert invoices[1].narration == f"Invoice to {QUOTED_CLIENT}: Website, Delivery"
    note = next(t for t in transactions if t.narration.startswith("Credit note"))
    assert note.meta["invoice"] == "CN-000003"
    payment = next(t for t in transactions if t.narration.startswith("Payment"))
    assert payment.meta["invoice"] == "INV-000001"
    assert isinstance(payment.meta["entry"], Decimal)


def test_csv_has_a_row_per_posting_and_each_entry_sums_to_zero(books):
    rows = list(csv.DictReader(io.StringIO(_export(form="csv"))))
    assert list(rows[0]) == ["date", "entry", "account", "amount", "currency", "narration"]
    assert len(rows) == Posting.objects.count()
    sums = defaultdict(Decimal)
    for row in rows:
        sums[row["entry"]] += Decimal(row["amount"])
        assert row["currency"] == "GBP"
        dt.date.fromisoformat(row["date"])
    assert set(sums.values()) == {Decimal("0.00")}
    assert any(row["narration"] == f"Payout {RUN_REFERENCE}" for row in rows)


# An organisation's view ----------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "other"), [("outlier", "partner"), ("partner", "outlier")])
def test_an_organisations_view_holds_nothing_of_another(books, coordinator, slug, other):
    text = _export(slug)
    transactions, _ = _load(text)
    name, camel = OTHER[other]
    for absent in (name, camel, f"Organisations{camel}", REASON, RUN_REFERENCE, "Assets:Bank"):
        assert absent not in text
    own = f"Liabilities:Organisations:{slug.title()}"
    accounts = {p.account for t in transactions for p in t.postings}
    assert accounts == {own, exports.NETWORK}
    assert all(len(t.postings) >= 2 for t in transactions)
    balance = selectors.statement(coordinator, slug).balance
    assert _balances(transactions)[own] == -balance == Decimal(0)  # all paid out
    rows = list(csv.DictReader(io.StringIO(_export(slug, "csv"))))
    sums = defaultdict(Decimal)
    for row in rows:
        sums[row["entry"]] += Decimal(row["amount"])
        assert row["account"] in accounts
    assert set(sums.values()) == {Decimal("0.00")}
    csv_text = _export(slug, "csv")
    assert name not in csv_text
    assert camel not in csv_text
    assert REASON not in csv_text


def test_an_organisations_view_shows_its_fee_not_the_others(books):
    transactions, _ = _load(_export("outlier"))
    fees = next(t for t in transactions if t.narration.startswith("Fees: Payroll"))
    assert sorted(p.units.number for p in fees.postings) == [Decimal("-70.00"), Decimal("70.00")]
    reversal = next(t for t in transactions if t.narration.startswith("Reversal of entry"))
    assert len(reversal.postings) == 2


def test_an_organisation_with_no_postings_exports_empty_books(books):
    transactions, entries = _load(_export("distant"))
    assert transactions == []
    assert entries == []


# The command line ----------------------------------------------------------------------------


def test_the_command_prints_the_books(books, capsys):
    from coopnet.cli import main

    assert main(["ledger", "export"]) == 0
    transactions, _ = _load(capsys.readouterr().out)
    assert len(transactions) == len({p.entry_id for p in Posting.objects.all()})
    assert main(["ledger", "export", "--organisation", "partner", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("date,entry,account,amount,currency,narration\r\n")
    assert "Outlier" not in out


@pytest.mark.parametrize(
    ("arguments", "field"),
    [(["--organisation", "nobody"], "--organisation"), (["--format", "xml"], "--format")],
)
def test_the_command_refuses_an_unknown_organisation_or_format(books, capsys, arguments, field):
    from coopnet.cli import main

    assert main(["ledger", "export", *arguments]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {field}: ")


def test_the_command_without_a_database_says_where_it_looked(tmp_path):
    env = {**os.environ, "COOPNET_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    for extra in ([], ["--format", "pdf"]):
        found = subprocess.run(
            [sys.executable, "-m", "coopnet.cli", "ledger", "export", *extra],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert found.returncode == 2
        assert found.stdout == ""
        assert len(found.stderr.splitlines()) == 1
        assert found.stderr.startswith("error: ")


# Pages and API -------------------------------------------------------------------------------


def _download(user, url):
    response = client_for(user).get(url)
    body = b"".join(response.streaming_content).decode() if response.status_code == 200 else ""
    return response, body


def test_the_coordinator_downloads_the_network_or_any_view(books, coordinator):
    response, body = _download(coordinator, "/books/export/beancount")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    disposition = f'attachment; filename="coopnet-books-network-{TODAY}.beancount"'
    assert response["Content-Disposition"] == disposition
    assert "Liabilities:Organisations:Partner" in body
    _load(body)
    response, body = _download(coordinator, "/books/export/csv?organisation=partner")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"coopnet-books-partner-{TODAY}.csv" in response["Content-Disposition"]
    assert "Partner" in body
    assert "Outlier" not in body


def test_members_get_their_own_view_and_a_competitor_gets_404(books, consortium_cast):
    for user in ("alice", "bob"):
        response, body = _download(consortium_cast[user], "/books/export/beancount")
        assert response.status_code == 200
        assert ":Outlier" in body
        assert ":Partner" not in body
    _, body = _download(consortium_cast["quinn"], "/books/export/csv?organisation=partner")
    assert ":Partner" in body
    assert "Outlier" not in body
    for user, url in [
        ("charlie", "/books/export/beancount?organisation=outlier"),
        ("pat", "/books/export/csv?organisation=outlier"),
        ("alice", "/books/export/beancount?organisation=nobody"),
    ]:
        assert client_for(consortium_cast[user]).get(url).status_code == 404
    response, body = _download(consortium_cast["charlie"], "/books/export/beancount")
    assert response.status_code == 200
    assert ":Outlier" not in body
    assert "Partner" not in body


def test_a_member_of_several_organisations_is_asked_to_choose(books, consortium_cast):
    alice = consortium_cast["alice"]
    partner = Organisation.objects.get(slug="partner")
    Membership.objects.create(user=alice, organisation=partner, role=Membership.MEMBER)
    response = client_for(alice).get("/books/export/csv")
    assert response.status_code == 400
    assert b"/books/export/csv?organisation=partner" in response.content
    loner = User.objects.create_user("loner", password="pw-loner-123")
    assert client_for(loner).get("/books/export/csv").status_code == 404
    assert client_for(None).get("/books/export/csv").status_code == 302  # to sign in


def test_the_api_gives_the_same_files_to_the_same_people(books, consortium_cast, coordinator):
    from django.test import Client

    _, key = ApiToken.issue(consortium_cast["pat"], "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get("/api/books/export?format=csv&organisation=partner")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body == _export("partner", "csv")
    assert client.get("/api/books/export?organisation=outlier").status_code == 404
    bad = client.get("/api/books/export?format=xml")
    assert bad.status_code == 422
    assert "format" in bad.json()["detail"]
    response = client_for(coordinator).get("/api/books/export")
    assert response.status_code == 200
    _load(b"".join(response.streaming_content).decode())
    assert client_for(None).get("/api/books/export").status_code == 401


# The statement the benchmark times ---------------------------------------------------------


def test_the_statement_adds_up_to_the_books(books, coordinator):
    """Its totals (partly read from the postings alone, partly from their entries) and its
    latest lines with their running balance agree with the postings themselves."""
    statement = selectors.statement(coordinator, "outlier")
    postings = Posting.objects.filter(account=statement.account)
    shares = postings.filter(part__isnull=False).aggregate(t=Sum("amount"))["t"]
    paid = postings.filter(entry__kind="payout").aggregate(t=Sum("amount"))["t"]
    assert statement.owed == -selectors.cents(shares)
    assert statement.owed == Decimal("7256.11")  # 1884.70 + 4900.24 + 471.17; 47.12 reversed
    assert statement.paid == selectors.cents(paid) == Decimal("7186.11")
    assert statement.charged == Decimal("70.00")
    assert statement.balance == statement.owed - statement.paid - statement.charged == 0
    assert [line.entry for line in statement.lines] == list(
        postings.order_by("entry__date", "entry_id", "pk").values_list("entry_id", flat=True)
    )
    assert statement.lines[-1].balance == statement.balance
    assert statement.lines[0].balance == statement.lines[0].amount == Decimal("-70.00")
    short = selectors.statement(coordinator, "outlier", limit=2)
    assert [line.entry for line in short.lines] == [e.entry for e in statement.lines[-2:]]
    assert short.lines[0].balance == statement.lines[-2].balance
