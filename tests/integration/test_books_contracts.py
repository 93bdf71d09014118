"""The contract after formation: frozen split, reserved hours, milestones, invoices, payments,
payouts and cancellation, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404
from instants import TODAY

from coopnet.books import selectors, services, settlement
from coopnet.books.models import Contract, Invoice, JournalEntry, Posting
from coopnet.directory.models import Reservation
from coopnet.opportunities import selectors as opportunity_selectors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "clock")]


def test_forming_freezes_the_split_and_reserves_the_hours(form_contract, consortium_cast):
    contract = form_contract()
    proposal = contract.proposal
    assert contract.status == Contract.RUNNING
    assert contract.value == Decimal("12000")
    assert contract.commission == Decimal("600.00")
    shares = {s.organisation.slug: s.payout for s in contract.shares.all()}
    assert shares == {p.organisation.slug: p.payout for p in proposal.partners.all()}
    assert sum(shares.values()) + contract.commission == contract.value
    reserved = Reservation.objects.filter(holder=contract.holder).aggregate(total=Sum("hours"))
    assert reserved["total"] == Decimal("60")
    assert [(m.title, m.amount) for m in contract.milestones.all()] == [
        ("Delivery", Decimal("12000"))
    ]


def test_formation_counts_only_hours_not_reserved(form_contract, consortium_cast):
    contract = form_contract()
    network, _ = opportunity_selectors.engine_inputs(contract.opportunity)
    ada = next(p for p in network.people if p.id == str(consortium_cast["person"].pk))
    assert ada.hours == consortium_cast["person"].hours_available - Decimal("40")


def test_delivery_invoices_the_client_and_payment_falls_due_in_proportion(
    form_contract, consortium_cast, coordinator
):
    contract = form_contract()
    milestone = contract.milestones.get()
    invoice = services.milestone_deliver(actor=consortium_cast["alice"], milestone_id=milestone.pk)
    assert invoice.number == 1
    assert invoice.gross == Decimal("12000")
    contract.refresh_from_db()
    assert contract.status == Contract.COMPLETED
    assert not Reservation.objects.filter(holder=contract.holder).exists()
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount="4000")
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount="8000")
    assert selectors.invoice_outstanding(invoice) == 0
    for share in contract.shares.all():
        owed = selectors.statement(coordinator, share.organisation.slug).balance
        assert owed == share.payout
    commission = Posting.objects.filter(account__name="Income:Commission").aggregate(
        t=Sum("amount")
    )
    assert -selectors.cents(commission["t"]) == contract.commission
    run = settlement.payout_run(actor=coordinator)
    assert {p.organisation.slug: p.amount for p in run.payouts.all()} == {
        s.organisation.slug: s.payout for s in contract.shares.all()
    }
    assert selectors.cents(Posting.objects.aggregate(t=Sum("amount"))["t"]) == 0
    assert settlement.payout_run(actor=coordinator) is None


def test_overpayment_is_refused(form_contract, consortium_cast, coordinator):
    contract = form_contract()
    invoice = services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    with pytest.raises(ValidationError) as caught:
        settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount="12000.01")
    assert "amount" in caught.value.message_dict


def test_cancelling_after_invoicing_needs_a_credit_note(
    form_contract, consortium_cast, coordinator
):
    contract = form_contract()
    invoice = services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    Contract.objects.filter(pk=contract.pk).update(status=Contract.RUNNING)
    with pytest.raises(ValidationError):
        services.contract_cancel(
            actor=consortium_cast["alice"], contract_id=contract.pk, reason="x"
        )
    note = settlement.credit_note_issue(
        actor=coordinator, invoice_id=invoice.pk, reason="Client withdrew"
    )
    assert note.number == 2
    assert note.gross == -invoice.gross
    services.contract_cancel(
        actor=consortium_cast["alice"], contract_id=contract.pk, reason="Client withdrew"
    )
    assert selectors.cents(Posting.objects.aggregate(t=Sum("amount"))["t"]) == 0


def test_a_competitor_gets_404(form_contract, consortium_cast):
    contract = form_contract()
    with pytest.raises(Http404):
        selectors.contract_for_user(consortium_cast["charlie"], contract.pk)
    with pytest.raises(Http404):
        selectors.statement(consortium_cast["charlie"], "outlier")


def test_posted_rows_cannot_be_changed(form_contract, consortium_cast):
    from django.db import IntegrityError, transaction

    contract = form_contract()
    services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.update(amount=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.update(net=Decimal("1"))


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_unbalanced_entry(form_contract, consortium_cast):
    from django.db import IntegrityError, connection, transaction

    from coopnet.books.models import Account

    if connection.vendor != "postgresql":
        pytest.skip(
            "the balance is the service layer's on SQLite (a deferred trigger on PostgreSQL)"
        )
    bank = Account.objects.create(name="Assets:Bank", opened=TODAY)

    def unbalanced():
        with transaction.atomic():
            entry = JournalEntry.objects.create(date=TODAY, kind=JournalEntry.PAYOUT, narration="x")
            Posting.objects.create(entry=entry, account=bank, amount=Decimal("5"))
            Posting.objects.create(entry=entry, account=bank, amount=Decimal("-4.99"))

    with pytest.raises(IntegrityError, match="does not balance"):
        unbalanced()
    assert not JournalEntry.objects.exists()


def test_hours_committed_elsewhere_are_not_promised_twice(
    form_contract, consortium_cast, post_opportunity
):
    """Ada (Outlier's only Elixir person) is proposed for two opportunities at once; once one
    contract holds her hours, the other cannot be formed on the same hours."""
    from coopnet.opportunities import services as opportunities

    ada = consortium_cast["person"]
    first = post_opportunity(title="First")
    second = post_opportunity(title="Second")
    for opportunity in (first, second):
        opportunities.formation_start(actor=consortium_cast["alice"], opportunity_id=opportunity.pk)
    hours = ada.hours_available
    ada.hours_available = Decimal("60")  # enough for one 40-hour plan, not two
    ada.save(update_fields=["hours_available"])

    def accept_all(opportunity):
        proposal = opportunity.proposals.order_by("pk").first()
        for partner in proposal.partners.select_related("organisation"):
            admin = partner.organisation.memberships.filter(role="admin").first().user
            opportunities.proposal_decide(actor=admin, proposal_id=proposal.pk, accept=True)

    accept_all(first)
    with pytest.raises(ValidationError, match="committed to another contract"):
        accept_all(second)
    assert Contract.objects.count() == 1
    assert hours > 0


def test_milestones_must_add_up_to_the_value(form_contract, consortium_cast):
    contract = form_contract()
    alice = consortium_cast["alice"]
    with pytest.raises(ValidationError) as caught:
        services.milestones_set(
            actor=alice,
            contract_id=contract.pk,
            milestones=[{"title": "Design", "amount": "5000"}, {"title": "", "amount": "0"}],
        )
    assert set(caught.value.message_dict) == {"milestones[1].title", "milestones[1].amount"}
    with pytest.raises(ValidationError, match=r"add up to 11000\.00"):
        services.milestones_set(
            actor=alice,
            contract_id=contract.pk,
            milestones=[
                {"title": "Design", "amount": "5000"},
                {"title": "Build", "amount": "6000"},
            ],
        )
    services.milestones_set(
        actor=alice,
        contract_id=contract.pk,
        milestones=[
            {"title": "Design", "amount": "4000.01"},
            {"title": "Build", "amount": "7999.99"},
        ],
    )
    first, second = contract.milestones.all()
    invoice = services.milestone_deliver(actor=alice, milestone_id=first.pk)
    parts = {(p.kind, p.organisation_id): p.amount for p in invoice.parts.all()}
    assert sum(parts.values()) == Decimal("4000.01")
    assert parts["commission", None] == Decimal("200.00")  # 600 x 4000.01 / 12000, to the cent
    with pytest.raises(ValidationError, match="cannot change"):
        services.milestones_set(
            actor=alice, contract_id=contract.pk, milestones=[{"title": "All", "amount": "12000"}]
        )
    last = services.milestone_deliver(actor=alice, milestone_id=second.pk)
    shares = {s.organisation_id: s.payout for s in contract.shares.all()}
    for part in last.parts.filter(kind="share"):
        assert parts["share", part.organisation_id] + part.amount == shares[part.organisation_id]


def test_only_the_posters_admin_delivers(form_contract, consortium_cast):
    contract = form_contract()
    milestone = contract.milestones.get()
    with pytest.raises(PermissionDenied):
        services.milestone_deliver(actor=consortium_cast["pat"], milestone_id=milestone.pk)
    with pytest.raises(PermissionDenied):
        services.milestone_deliver(actor=consortium_cast["bob"], milestone_id=milestone.pk)
    with pytest.raises(Http404):
        services.milestone_deliver(actor=consortium_cast["charlie"], milestone_id=milestone.pk)
    assert not Invoice.objects.exists()


def test_a_finder_outside_the_consortium_is_paid_its_fee(
    form_contract, consortium_cast, coordinator
):
    """Distant brings the client (it posts the opportunity; its finder's fee is 2% of
    £12,000) but is not a partner: the fee falls due to it as the client pays, as the partners'
    shares do."""
    from coopnet.directory.models import NetworkSettings

    NetworkSettings.objects.update(finder_rate=Decimal("0.02"))
    contract = form_contract(actor="dee", organisation="distant")
    partners = {s.organisation.slug for s in contract.shares.all()}
    assert "distant" not in partners
    assert contract.finder.slug == "distant"
    assert contract.finder_fee == Decimal("240.00")
    shares = sum(s.payout for s in contract.shares.all())
    assert shares + contract.commission + contract.finder_fee == contract.value
    invoice = services.milestone_deliver(
        actor=consortium_cast["dee"], milestone_id=contract.milestones.get().pk
    )
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount="6000")
    assert selectors.statement(coordinator, "distant").balance == Decimal("120.00")
    settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount="6000")
    assert selectors.statement(coordinator, "distant").balance == Decimal("240.00")
    for share in contract.shares.all():
        assert selectors.statement(coordinator, share.organisation.slug).balance == share.payout


def test_the_client_on_the_next_invoices_is_the_posters_to_set(form_contract, consortium_cast):
    contract = form_contract()
    with pytest.raises(PermissionDenied):
        services.contract_client_set(
            actor=consortium_cast["pat"], contract_id=contract.pk, client="X", address=""
        )
    with pytest.raises(ValidationError) as caught:
        services.contract_client_set(
            actor=consortium_cast["alice"], contract_id=contract.pk, client=" ", address=""
        )
    assert set(caught.value.message_dict) == {"client"}
    services.contract_client_set(
        actor=consortium_cast["alice"],
        contract_id=contract.pk,
        client="Acme Ltd",
        address="1 High Street\nLeeds LS1 1AA",
    )
    invoice = services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    assert (invoice.client, invoice.client_address) == ("Acme Ltd", "1 High Street\nLeeds LS1 1AA")


def test_the_client_form_and_api(form_contract, consortium_cast, client):
    contract = form_contract()
    client.force_login(consortium_cast["alice"])
    page = client.get(f"/books/contracts/{contract.pk}/")
    assert b"Save the client" in page.content
    answer = client.post(f"/books/contracts/{contract.pk}/client/", {"client": "", "address": ""})
    assert answer.status_code == 400
    answer = client.post(
        f"/books/contracts/{contract.pk}/client/", {"client": "Acme Ltd", "address": "Leeds"}
    )
    assert answer.status_code == 302
    contract.refresh_from_db()
    assert contract.client_address == "Leeds"
    client.force_login(consortium_cast["charlie"])
    answer = client.post(f"/books/contracts/{contract.pk}/client/", {"client": "Evil"})
    assert answer.status_code == 404
    client.force_login(consortium_cast["alice"])
    answer = client.put(
        f"/api/books/contracts/{contract.pk}/client",
        {"client": "Acme plc", "address": "York"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["client"], answer.json()["client_address"]) == ("Acme plc", "York")


def test_an_invoice_whose_vat_sums_inexactly_in_binary_is_issued(
    form_contract, consortium_cast, coordinator
):
    """0.10 + 0.02 is 0.12000000000000001 in binary floating point, which is how SQLite
    stores decimals: the database's check that gross is net + VAT must hold to the cent."""
    from coopnet.books import details

    details.books_settings_set(actor=coordinator, vat_rate="0.2")
    contract = form_contract()
    alice = consortium_cast["alice"]
    milestones = [{"title": "Deposit", "amount": "0.10"}, {"title": "Rest", "amount": "11999.90"}]
    services.milestones_set(actor=alice, contract_id=contract.pk, milestones=milestones)
    first = contract.milestones.order_by("position").first()
    invoice = services.milestone_deliver(actor=alice, milestone_id=first.pk)
    invoice.refresh_from_db()
    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("0.10"),
        Decimal("0.02"),
        Decimal("0.12"),
    )


def test_an_issued_invoice_cannot_be_changed_after_every_migration(form_contract, consortium_cast):
    """A migration that rebuilds a table (SQLite's way of changing a constraint) drops its
    triggers: the append-only one must be there after the last migration too."""
    from django.db import IntegrityError, transaction

    contract = form_contract()
    invoice = services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(client="Someone else")


def _vat_20_invoice(form_contract, consortium_cast, coordinator):
    from coopnet.books import details

    details.books_settings_set(actor=coordinator, vat_rate="0.2")
    contract = form_contract()
    invoice = services.milestone_deliver(
        actor=consortium_cast["alice"], milestone_id=contract.milestones.get().pk
    )
    return contract, invoice


def _pay(coordinator, invoice, amount):
    return settlement.payment_record(actor=coordinator, invoice_id=invoice.pk, amount=amount)


def _clearing():
    postings = Posting.objects.filter(account__name="Liabilities:Clearing:Contracts")
    return selectors.cents(postings.aggregate(t=Sum("amount"))["t"])


def test_paying_in_full_after_a_reversal_closes_every_part(
    form_contract, consortium_cast, coordinator
):
    """Of a gross of 14,400 (net 12,000), 0.02 then 0.01 then 0.01 make 0.02, 0, 0.01 of the
    net fall due (the net received rounds 0.025 down to 0.02). Reversing the payment that made
    nothing fall due leaves 0.03 fallen due, more than the 0.02 the net of the 0.03 received
    comes to: the rest of the payment must make only what is still open fall due."""
    contract, invoice = _vat_20_invoice(form_contract, consortium_cast, coordinator)
    _pay(coordinator, invoice, "0.02")
    nothing_due = _pay(coordinator, invoice, "0.01")
    _pay(coordinator, invoice, "0.01")
    settlement.entry_reverse(actor=coordinator, entry_id=nothing_due.entry_id, reason="Bounced")
    _pay(coordinator, invoice, selectors.invoice_outstanding(invoice))
    assert all(selectors.part_open(part) == 0 for part in invoice.parts.all())
    for share in contract.shares.all():
        assert selectors.statement(coordinator, share.organisation.slug).balance == share.payout
    assert _clearing() == 0


def test_a_credit_note_after_a_reversal_cancels_all_that_is_still_open(
    form_contract, consortium_cast, coordinator
):
    """As above, 0.03 of the net has fallen due after the reversal, though the net of the 0.03
    received is 0.02: the credit note cancels the 11,999.97 of the net still open (not
    11,999.98), so that the clearing account comes back to zero."""
    _, invoice = _vat_20_invoice(form_contract, consortium_cast, coordinator)
    _pay(coordinator, invoice, "0.02")
    nothing_due = _pay(coordinator, invoice, "0.01")
    _pay(coordinator, invoice, "0.01")
    settlement.entry_reverse(actor=coordinator, entry_id=nothing_due.entry_id, reason="Bounced")
    note = settlement.credit_note_issue(actor=coordinator, invoice_id=invoice.pk, reason="Gone")
    assert note.gross == -(invoice.gross - Decimal("0.03"))
    assert -note.net == sum(selectors.part_open(part) for part in invoice.parts.all())
    assert _clearing() == 0


def test_what_a_bounced_payment_leaves_owing_after_a_credit_note_can_be_credited_too(
    form_contract, consortium_cast, coordinator
):
    """A credit note cancels what was owing; a payment made before it and reversed after it
    (it bounced) is owed again, and a second credit note cancels that."""
    _, invoice = _vat_20_invoice(form_contract, consortium_cast, coordinator)
    bounced = _pay(coordinator, invoice, "1000")
    first = settlement.credit_note_issue(actor=coordinator, invoice_id=invoice.pk, reason="Gone")
    settlement.entry_reverse(actor=coordinator, entry_id=bounced.entry_id, reason="Bounced")
    assert selectors.invoice_outstanding(invoice) == Decimal("1000")
    second = settlement.credit_note_issue(actor=coordinator, invoice_id=invoice.pk, reason="Gone")
    assert (first.number, second.number) == (2, 3)
    assert second.gross == Decimal("-1000")
    assert selectors.invoice_credited(invoice) == Decimal("14400")
    assert selectors.invoice_outstanding(invoice) == 0
    assert _clearing() == 0


def test_an_invoice_too_large_for_the_books_with_its_vat_is_refused(
    form_contract, consortium_cast, coordinator
):
    """A milestone may be as large as the books hold, but not its gross with 20% VAT: the
    delivery is refused with a message (PostgreSQL's numeric overflow was a 500), and nothing
    is delivered or posted."""
    from coopnet.books import details
    from coopnet.common.amounts import MAX_MONEY

    details.books_settings_set(actor=coordinator, vat_rate="0.2")
    big = form_contract(value=str(MAX_MONEY)).milestones.get()
    entries = JournalEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.milestone_deliver(actor=consortium_cast["alice"], milestone_id=big.pk)
    assert caught.value.messages == [
        services.GROSS_TOO_LARGE.format(gross=Decimal("11999999999.99"), most=MAX_MONEY)
    ]
    big.refresh_from_db()
    assert big.delivered is None
    assert JournalEntry.objects.count() == entries
