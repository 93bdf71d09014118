"""What must hold of the books after any sequence of operations (books_world.py): checked
cheaply after each step (`check_step`) and in full now and then (`check_all`)."""

import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Count, Q, Sum
from django.http import Http404

from coopnet.books import selectors
from coopnet.books.journal import BANK, CLEARING, COMMISSION, RECEIVABLES
from coopnet.books.models import (
    Account,
    Contract,
    Invoice,
    InvoicePart,
    JournalEntry,
    Milestone,
    Posting,
)
from coopnet.books.selectors import cents


def dues_by_organisation() -> dict[int, Decimal]:
    """What fell due to each organisation (shares, finder's fees; less reversals), by its
    postings that close an invoice part."""
    rows = (
        Posting.objects.filter(part__isnull=False, account__organisation__isnull=False)
        .values("account__organisation")
        .annotate(total=Sum("amount"))
    )
    return {row["account__organisation"]: -cents(row["total"]) for row in rows}


def check_step(world, since: int) -> int:
    """Each entry posted since entry `since` balances, and so does the whole journal; returns
    the last entry's pk."""
    rows = (
        Posting.objects.filter(entry__gt=since)
        .values("entry")
        .annotate(total=Sum("amount"), lines=Count("pk"))
    )
    for row in rows:
        assert cents(row["total"]) == 0, row
        assert row["lines"] >= 2, row
    assert cents(Posting.objects.aggregate(total=Sum("amount"))["total"]) == 0
    last = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert not JournalEntry.objects.filter(pk__gt=since, postings__isnull=True).exists()
    return last


def check_all(world, privacy: bool = True) -> None:
    check_step(world, 0)
    _check_accounts(world)
    _check_organisations(world)
    _check_invoices(world)
    _check_completed_contracts(world)
    if privacy:
        _check_privacy(world)


def _balance(name: str) -> Decimal:
    return cents(Posting.objects.filter(account__name=name).aggregate(t=Sum("amount"))["t"])


def _check_accounts(world) -> None:
    expected, coordinator = world.expected, world.net.coordinator
    trial = selectors.trial_balance(coordinator)
    assert sum((amount for _, amount in trial), Decimal(0)) == 0
    assert _balance(BANK) == expected.bank
    assert _balance(RECEIVABLES) == sum(expected.owing.values(), Decimal(0))
    for account in Account.objects.filter(service__isnull=False):
        assert _balance(account.name) == expected.service[account.service_id]


def _check_organisations(world) -> None:
    """Each organisation's balance is what fell due to it less what it was paid and charged."""
    expected, coordinator = world.expected, world.net.coordinator
    due, balances = dues_by_organisation(), world.balances()
    for org in world.net.organisations:
        statement = selectors.statement(coordinator, org.slug)
        assert statement.balance == balances.get(org.pk, Decimal(0)), org.slug
        assert statement.owed == due.get(org.pk, Decimal(0)), org.slug
        assert statement.paid == expected.paid[org.pk], org.slug
        assert statement.charged == expected.fees[org.pk], org.slug
        if statement.lines:  # the running balance ends at the balance
            assert statement.lines[-1].balance == statement.balance, org.slug
        own = selectors.statement(world.net.admin[org.pk], org.slug)
        assert (own.balance, len(own.lines)) == (statement.balance, len(statement.lines))
        _check_lines(world, org, statement)


def _check_lines(world, org, statement) -> None:
    """No line of an organisation's statement is of an entry that does not touch it, or of a
    contract it is no party to (nor the finder of)."""
    entries = JournalEntry.objects.filter(pk__in=[line.entry for line in statement.lines])
    parties = {d.pk: d.parties | {d.finder} for d in world.deals}
    for entry in entries.prefetch_related("postings__account"):
        assert any(p.account.organisation_id == org.pk for p in entry.postings.all())
        if entry.contract_id is not None:
            assert org.pk in parties[entry.contract_id], (org.slug, entry.pk)


def _clearing(invoice: Invoice) -> Decimal:
    """What of the invoice's net is held in the clearing account, not yet fallen due."""
    entries = Q(invoice=invoice) | Q(payment__invoice=invoice) | Q(invoice__credits=invoice)
    entries |= Q(reverses__payment__invoice=invoice)
    ids = JournalEntry.objects.filter(entries).values("pk")
    postings = Posting.objects.filter(entry__in=ids, account__name=CLEARING)
    return -cents(postings.aggregate(t=Sum("amount"))["t"])


def _check_invoices(world) -> None:
    expected = world.expected
    numbers = list(Invoice.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, expected.invoices + 1))
    invoices = Invoice.objects.filter(kind=Invoice.INVOICE).prefetch_related("parts")
    for invoice in invoices:
        owing = selectors.invoice_outstanding(invoice)
        assert owing == expected.owing[invoice.pk] >= 0, invoice.code
        parts = list(invoice.parts.all())
        assert sum((p.amount for p in parts), Decimal(0)) == invoice.net
        open_ = [selectors.part_open(p) for p in parts]
        assert all(0 <= o <= p.amount for o, p in zip(open_, parts, strict=True)), invoice.code
        if owing == 0:
            assert _clearing(invoice) == 0, invoice.code  # all it got fell due, or was credited
        if owing == 0 and invoice.pk not in expected.credited:
            assert open_ == [Decimal(0)] * len(parts), invoice.code


def _check_completed_contracts(world) -> None:
    """A contract delivered and paid in full paid each its frozen part, to the cent."""
    expected = world.expected
    settled = {i for i, owing in expected.owing.items() if owing == 0} - expected.credited
    paid_in_full = [d for d in world.deals if not d.milestones and set(d.invoices) <= settled]
    for deal in paid_in_full:
        contract = Contract.objects.get(pk=deal.pk)
        parts = InvoicePart.objects.filter(invoice__contract=contract)
        fell: dict[tuple[str, int | None], Decimal] = defaultdict(Decimal)
        for part in parts.annotate(t=Sum("postings__amount")):
            fell[part.kind, part.organisation_id] -= cents(part.t)
        frozen = {("share", s.organisation_id): s.payout for s in contract.shares.all()}
        frozen["commission", None] = contract.commission
        if contract.finder_id is not None:
            frozen["finder", contract.finder_id] = contract.finder_fee
        assert {k: v for k, v in fell.items() if v} == {k: v for k, v in frozen.items() if v}
    commission = -_balance(COMMISSION)
    assert commission >= 0


def _check_privacy(world) -> None:
    """A competitor (an admin of an organisation that is no party) gets 404 on every contract,
    milestone, invoice and statement it is not party to, and on the network's books; a party
    sees its contract."""
    net, rng = world.net, random.Random(len(world.deals))
    invoices, milestones = defaultdict(list), defaultdict(list)
    for pk, contract in Invoice.objects.values_list("pk", "contract"):
        invoices[contract].append(pk)
    for pk, contract in Milestone.objects.values_list("pk", "contract"):
        milestones[contract].append(pk)
    for deal in world.deals:
        outsider = rng.choice([o for o in net.organisations if o.pk not in deal.parties])
        user = net.admin[outsider.pk]
        with pytest.raises(Http404):
            selectors.contract_for_user(user, deal.pk)
        for invoice in invoices[deal.pk]:
            with pytest.raises(Http404):
                selectors.invoice_for_user(user, invoice)
        with pytest.raises(Http404):
            selectors.milestone_for_user(user, rng.choice(milestones[deal.pk]))
        insider = net.admin[rng.choice(sorted(deal.parties))]
        assert selectors.contract_for_user(insider, deal.pk).pk == deal.pk
    entries = list(JournalEntry.objects.values_list("pk", flat=True)[:20])
    for org in net.organisations:
        other = net.admin[rng.choice([o for o in net.organisations if o != org]).pk]
        for read in (selectors.statement, selectors.bank_account, selectors.payouts_of):
            with pytest.raises(Http404):
                read(other, org.slug)
        with pytest.raises(Http404):
            selectors.trial_balance(other)
        for entry in entries[:2]:
            with pytest.raises(Http404):
                selectors.entry_for_user(other, entry)
