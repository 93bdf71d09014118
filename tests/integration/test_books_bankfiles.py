"""A payout run's bank files: the pain.001 batch (checked against the ISO 20022 schema sepaxml
ships) and the CSV, for the coordinator only."""

import csv
import datetime as dt
import io
import os
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import sepaxml
import xmlschema
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from instants import TODAY

from coopnet.books import bankfiles, details, services, settlement
from coopnet.books.views_bankfiles import LEFT_OUT_HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
SCHEMA = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd")
NETWORK_IBAN = "GB29NWBK60161331926819"
OUTLIER_IBAN = "DE89370400440532013000"
PARTNER_IBAN = "NL91ABNA0417164300"


@pytest.fixture
def network_account(coordinator):
    details.books_settings_set(
        actor=coordinator, legal_name="Coopnet Network Ltd", iban=NETWORK_IBAN, bic="NWBKGB2L"
    )


@pytest.fixture
def paid_contract(form_contract, consortium_cast, coordinator):
    """Outlier's booking system delivered, invoiced and paid in full: both partners owed."""
    contract = form_contract()
    milestone = contract.milestones.get()
    invoice = services.milestone_deliver(actor=consortium_cast["alice"], milestone_id=milestone.pk)
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount=invoice.gross)
    return contract


def _bank(cast, user, slug, iban, bic=""):
    details.bank_account_set(
        actor=cast[user], organisation_slug=slug, holder=f"{slug.title()} Bank", iban=iban, bic=bic
    )


@pytest.fixture
def run(paid_contract, consortium_cast, coordinator, network_account):
    """A payout run paying both partners, each to the bank details it gave."""
    _bank(consortium_cast, "alice", "outlier", OUTLIER_IBAN, "COBADEFFXXX")
    _bank(consortium_cast, "pat", "partner", PARTNER_IBAN)
    return settlement.payout_run(actor=coordinator, reference="JUNE")


def _transfers(xml):
    root = ET.fromstring(xml)
    return {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): tx
        for tx in root.iterfind(".//p:CdtTrfTxInf", NS)
    }


def test_pain001_has_one_transfer_per_payout_to_its_iban(run, paid_contract):
    made = bankfiles.pain001(run, services.books_settings())
    xmlschema.XMLSchema(SCHEMA).validate(made.xml.decode())
    transfers = _transfers(made.xml)
    payouts = {p.reference: p for p in run.payouts.all()}
    assert set(transfers) == set(payouts)
    assert len(payouts) == 2
    for reference, tx in transfers.items():
        amount = tx.find("p:Amt/p:InstdAmt", NS)
        assert Decimal(amount.text) == payouts[reference].amount
        assert amount.get("Ccy") == "GBP"
        assert tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == payouts[reference].iban
    ibans = {p.organisation.slug: p.iban for p in payouts.values()}
    assert ibans == {"outlier": OUTLIER_IBAN, "partner": PARTNER_IBAN}
    shares = {s.organisation.slug: s.payout for s in paid_contract.shares.all()}
    assert {p.organisation.slug: p.amount for p in payouts.values()} == shares


def test_pain001_header_sums_the_batch_from_the_networks_account(run):
    root = ET.fromstring(bankfiles.pain001(run, services.books_settings()).xml)
    total = sum(p.amount for p in run.payouts.all())
    assert Decimal(root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == total
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == f"COOPNET-RUN-{run.pk}"
    assert root.findtext(".//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == NETWORK_IBAN
    assert root.findtext(".//p:PmtInf/p:Dbtr/p:Nm", namespaces=NS) == "Coopnet Network Ltd"
    assert root.findtext(".//p:PmtInf/p:ReqdExctnDt", namespaces=NS) == TODAY.isoformat()
    # not euros: an ISO 20022 batch without the SEPA service level
    assert root.find(".//p:SvcLvl", NS) is None


def test_in_euros_the_batch_is_a_sepa_credit_transfer(run, settings):
    settings.COOPNET_CURRENCY = "EUR"
    made = bankfiles.pain001(run, services.books_settings())
    root = ET.fromstring(made.xml)
    assert root.findtext(".//p:PmtInf/p:PmtTpInf/p:SvcLvl/p:Cd", namespaces=NS) == "SEPA"
    assert {a.get("Ccy") for a in root.iterfind(".//p:InstdAmt", NS)} == {"EUR"}
    xmlschema.XMLSchema(SCHEMA).validate(made.xml.decode())


def test_the_file_pays_the_details_given_when_the_run_was_made(run, consortium_cast):
    _bank(consortium_cast, "pat", "partner", "FR1420041010050500013M02606")
    ibans = {
        tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS)
        for tx in _transfers(bankfiles.pain001(run, services.books_settings()).xml).values()
    }
    assert ibans == {OUTLIER_IBAN, PARTNER_IBAN}


def test_a_run_dated_earlier_asks_the_bank_to_pay_today(run):
    run.paid = TODAY - dt.timedelta(days=3)
    assert bankfiles.execution_date(run) == TODAY
    run.paid = TODAY
    assert bankfiles.execution_date(run, today=TODAY - dt.timedelta(days=1)) == TODAY


def test_a_payee_without_bank_details_is_left_out_and_listed(
    paid_contract, consortium_cast, coordinator, network_account, client
):
    _bank(consortium_cast, "alice", "outlier", OUTLIER_IBAN)
    run = settlement.payout_run(actor=coordinator)
    made = bankfiles.pain001(run, services.books_settings())
    partner = run.payouts.get(organisation__slug="partner")
    assert [p.organisation.slug for p in made.left_out] == ["partner"]
    assert set(_transfers(made.xml)) == {run.payouts.get(organisation__slug="outlier").reference}
    client.force_login(coordinator)
    response = client.get(f"/books/payouts/{run.pk}/pain001.xml")
    assert response.status_code == 200
    assert response[LEFT_OUT_HEADER] == partner.reference
    rows = list(csv.DictReader(io.StringIO(bankfiles.payouts_csv(run))))
    row = next(r for r in rows if r["organisation"] == "Partner Co-op")
    assert row["iban"] == ""
    assert row["note"] == bankfiles.NO_DETAILS_NOTE
    assert row["amount"] == f"{partner.amount:.2f}"


def test_no_file_when_nobody_paid_has_bank_details(
    paid_contract, coordinator, network_account, client
):
    run = settlement.payout_run(actor=coordinator, reference="NOBANK")
    with pytest.raises(ValidationError) as caught:
        bankfiles.pain001(run, services.books_settings())
    assert caught.value.messages == [bankfiles.NOTHING_TO_TRANSFER.format(reference="NOBANK")]
    client.force_login(coordinator)
    response = client.get(f"/books/payouts/{run.pk}/pain001.xml")
    assert response.status_code == 409
    assert response.content.decode() == caught.value.messages[0]


def test_no_file_until_the_network_has_an_account_to_pay_from(
    paid_contract, consortium_cast, coordinator, client
):
    _bank(consortium_cast, "alice", "outlier", OUTLIER_IBAN)
    run = settlement.payout_run(actor=coordinator)
    client.force_login(coordinator)
    response = client.get(f"/books/payouts/{run.pk}/pain001.xml")
    assert response.status_code == 409
    expected = bankfiles.NO_DEBTOR.format(missing="legal name and IBAN")
    assert response.content.decode() == expected


def test_csv_lists_every_payout_of_the_run(run):
    rows = list(csv.reader(io.StringIO(bankfiles.payouts_csv(run))))
    assert tuple(rows[0]) == bankfiles.CSV_COLUMNS
    outlier = run.payouts.get(organisation__slug="outlier")
    partner = run.payouts.get(organisation__slug="partner")
    assert rows[1:] == [
        ["Outlier Co-op", "Outlier Bank", OUTLIER_IBAN, "COBADEFFXXX",
         f"{outlier.amount:.2f}", "GBP", outlier.reference, ""],
        ["Partner Co-op", "Partner Bank", PARTNER_IBAN, "",
         f"{partner.amount:.2f}", "GBP", partner.reference, ""],
    ]  # fmt: skip


def test_csv_quotes_a_name_a_spreadsheet_would_run(run):
    payout = run.payouts.get(organisation__slug="outlier")
    payout.organisation.name = "=HYPERLINK(1)"
    payout.organisation.save()
    assert "'=HYPERLINK(1)" in bankfiles.payouts_csv(run)


def test_the_coordinator_downloads_both_files(run, coordinator, client):
    client.force_login(coordinator)
    xml = client.get(f"/books/payouts/{run.pk}/pain001.xml")
    assert xml.status_code == 200
    assert xml["Content-Type"] == "application/xml"
    assert "attachment" in xml["Content-Disposition"]
    assert len(_transfers(xml.content)) == 2
    got = client.get(f"/books/payouts/{run.pk}/payouts.csv")
    assert got.status_code == 200
    assert got["Content-Type"].startswith("text/csv")
    assert OUTLIER_IBAN in got.content.decode()
    assert client.post(f"/books/payouts/{run.pk}/payouts.csv").status_code == 405


@pytest.mark.parametrize("who", ["alice", "bob", "pat", "quinn", "charlie", "dee"])
@pytest.mark.parametrize("name", ["pain001.xml", "payouts.csv"])
def test_nobody_but_the_coordinator_sees_a_runs_files(run, consortium_cast, client, who, name):
    client.force_login(consortium_cast[who])
    for method in (client.get, client.post):
        response = method(f"/books/payouts/{run.pk}/{name}")
        assert response.status_code == 404
        body = response.content.decode()
        assert OUTLIER_IBAN not in body
        assert PARTNER_IBAN not in body


def test_a_run_that_does_not_exist_is_404_for_the_coordinator_too(run, coordinator, client):
    client.force_login(coordinator)
    assert client.get(f"/books/payouts/{run.pk + 1}/payouts.csv").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(run, client):
    response = client.get(f"/books/payouts/{run.pk}/pain001.xml")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@given(st.integers(min_value=1, max_value=10**13))
def test_cents_are_exact(n):
    assert bankfiles.cents(Decimal(n) / 100) == n
    assert bankfiles.cents(Decimal(n).scaleb(-2)) == n


def test_a_fraction_of_a_cent_is_refused():
    with pytest.raises(ValueError, match="whole number of cents"):
        bankfiles.cents(Decimal("12.345"))


def test_without_bics_and_in_accented_names_the_file_still_validates(
    paid_contract, consortium_cast, coordinator
):
    details.books_settings_set(actor=coordinator, legal_name="Réseau Coopératif", iban=NETWORK_IBAN)
    details.bank_account_set(
        actor=consortium_cast["pat"], organisation_slug="partner", holder="Société Été",
        iban=PARTNER_IBAN,
    )  # fmt: skip
    run = settlement.payout_run(actor=coordinator)
    made = bankfiles.pain001(run, services.books_settings())
    xmlschema.XMLSchema(SCHEMA).validate(made.xml.decode())
    root = ET.fromstring(made.xml)
    assert root.findtext(".//p:Cdtr/p:Nm", namespaces=NS) == "Societe Ete"
    assert root.find(".//p:CdtrAgt", NS) is None


def test_a_file_the_schema_refuses_is_not_given_out(
    paid_contract, consortium_cast, coordinator, network_account, client
):
    from coopnet.books.models import BankAccount

    # details saved around the service's checks, as an old row or a bad import might be
    BankAccount.objects.create(
        organisation=consortium_cast["outlier"], holder="Outlier", iban="XX00 NOT AN IBAN"
    )
    run = settlement.payout_run(actor=coordinator)
    with pytest.raises(ValidationError) as caught:
        bankfiles.pain001(run, services.books_settings())
    message = caught.value.messages[0]
    assert message.startswith("The bank file does not match the pain.001.001.03 schema (Id/IBAN:")
    assert message.endswith("use the CSV.")
    client.force_login(coordinator)
    assert client.get(f"/books/payouts/{run.pk}/pain001.xml").status_code == 409
