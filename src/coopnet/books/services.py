"""Writes of the contract's life: formed, split into milestones, delivered (and so invoiced),
completed or cancelled. Each finds its object through a selector (404 for whoever may not see
it), checks the actor's role (403), validates all its input before saving anything, and runs
in one transaction. Money coming in and going out is `settlement`'s."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coopnet.books import notices, selectors
from coopnet.books.journal import CLEARING, RECEIVABLES, VAT, Line, post
from coopnet.books.models import (
    BooksSettings,
    Contract,
    Counter,
    Invoice,
    InvoicePart,
    JournalEntry,
    Milestone,
    Share,
)
from coopnet.common import audit
from coopnet.common.access import User, account, is_coordinator
from coopnet.common.amounts import MAX_MONEY, parse_amount, parse_text
from coopnet.common.money import network_currency
from coopnet.directory.models import Organisation, Person
from coopnet.directory.selectors import is_admin, reserved_hours
from coopnet.directory.services import hours_release, hours_reserve
from coopnet.engine import ledger
from coopnet.opportunities.models import Proposal

HOURS_TAKEN = (
    "Some of this consortium's people have since been committed to another contract, so it "
    "cannot be formed as proposed: search for a consortium again."
)
NOT_AGREED = "The payouts, commission and finder's fee add up to {total}, not the value {value}."
NOT_POSTER = "Only an admin of the posting organisation can do this."
NOT_RUNNING = "This contract is {status}."
ALREADY_DELIVERED = "This milestone was delivered on {day}."
MILESTONES_FIXED = "Milestones cannot change once one has been delivered."
NO_MILESTONES = "List at least one milestone."
MILESTONES_SUM = "The milestones add up to {total}, not the contract's value {value}."
BAD_MONEY = "An amount of money more than 0, to the cent at most (got {value!r})."
OUTSTANDING = (
    "Invoice {code} still has {amount} owing: issue a credit note for it before cancelling."
)
TOO_MANY_MILESTONES = "At most {limit} milestones."
GROSS_TOO_LARGE = (
    "With VAT this invoice would come to {gross}, more than the books hold ({most}): split the "
    "milestone into smaller ones."
)
MAX_MILESTONES = 50


def _next_number(name: str) -> int:
    """The next number of a gapless sequence: the counter row is locked until the caller's
    transaction ends, so numbers are handed out one at a time and a rollback returns its own."""
    counter, _ = Counter.objects.select_for_update().get_or_create(name=name)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def books_settings() -> BooksSettings:
    return BooksSettings.objects.order_by("pk").first() or BooksSettings()


# The contract, from the proposal ---------------------------------------------------------


def contract_create(*, proposal: Proposal) -> Contract:
    """Freeze the proposal's split as a contract, one milestone for its whole value on
    delivery, and reserve its people's hours. Runs inside the acceptance's transaction."""
    opportunity = proposal.opportunity
    finder, finder_fee = opportunity.finder, opportunity.finder_amount
    partners = list(proposal.partners.select_related("organisation"))
    total = sum((p.payout for p in partners), opportunity.commission_amount + finder_fee)
    if total != opportunity.value:
        raise ValidationError(NOT_AGREED.format(total=total, value=opportunity.value))
    contract = Contract.objects.create(
        proposal=proposal, opportunity=opportunity, posted_by=opportunity.posted_by,
        title=opportunity.title, client=opportunity.client or opportunity.title,
        value=opportunity.value, commission=opportunity.commission_amount,
        finder=finder, finder_fee=finder_fee,
    )  # fmt: skip
    Share.objects.bulk_create(
        Share(contract=contract, organisation=p.organisation, payout=p.payout) for p in partners
    )
    Milestone.objects.create(contract=contract, position=1, title="Delivery", amount=contract.value)
    _reserve(contract, proposal)
    return contract


def _reserve(contract: Contract, proposal: Proposal) -> None:
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for assignment in proposal.assignments.all():
        hours[assignment.person_id] += assignment.hours
    people = Person.objects.select_for_update().filter(pk__in=hours).order_by("pk")
    held = reserved_hours(hours)
    for person in people:
        if held.get(person.pk, Decimal(0)) + hours[person.pk] > person.hours_available:
            raise ValidationError(HOURS_TAKEN)
    hours_reserve(holder=contract.holder, hours=hours)


def _close(contract: Contract, status: str, reason: str = "") -> None:
    contract.status, contract.closed, contract.cancel_reason = status, timezone.now(), reason
    contract.save(update_fields=["status", "closed", "cancel_reason"])
    hours_release(holder=contract.holder)


def _contract_for_poster(actor: User, contract_id: int) -> Contract:
    contract = selectors.contract_for_user(actor, contract_id)  # 404 for outsiders
    if not is_admin(actor, contract.posted_by):
        raise PermissionDenied(NOT_POSTER)
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status != Contract.RUNNING:
        raise ValidationError(NOT_RUNNING.format(status=locked.get_status_display().lower()))
    return locked


@transaction.atomic
def contract_client_set(*, actor: User, contract_id: int, client: Any, address: Any) -> Contract:
    """The client's name and address as the next invoices will carry them (an issued invoice
    keeps what it was issued with). The posting organisation's admins, while it runs."""
    contract = _contract_for_poster(actor, contract_id)
    errors: dict[str, str] = {}
    contract.client = parse_text(errors, "client", client, 200, required=True)
    contract.client_address = parse_text(errors, "address", address, 1000, required=False)
    if errors:
        raise ValidationError(errors)
    contract.save(update_fields=["client", "client_address"])
    return contract


# Milestones --------------------------------------------------------------------------------


@transaction.atomic
def milestones_set(*, actor: User, contract_id: int, milestones: list[dict[str, Any]]) -> Contract:
    """Split the contract's value into milestones ([{"title", "amount"}], in order), before any
    is delivered; they must add up to the value exactly."""
    contract = _contract_for_poster(actor, contract_id)
    if contract.milestones.filter(delivered__isnull=False).exists():
        raise ValidationError(MILESTONES_FIXED)
    errors: dict[str, str] = {}
    rows = [_milestone(errors, n, item) for n, item in enumerate(milestones or [])]
    if not rows:
        errors["milestones"] = NO_MILESTONES
    elif len(rows) > MAX_MILESTONES:
        errors["milestones"] = TOO_MANY_MILESTONES.format(limit=MAX_MILESTONES)
    total = sum((row.amount or Decimal(0) for row in rows), Decimal(0))
    if not errors and total != contract.value:
        errors["milestones"] = MILESTONES_SUM.format(total=total, value=contract.value)
    if errors:
        raise ValidationError(errors)
    contract.milestones.all().delete()
    for position, row in enumerate(rows, start=1):
        row.contract, row.position = contract, position
    Milestone.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="milestones.set",
        obj=contract,
        organisation=contract.posted_by_id,
        summary=f"Set {len(rows)} milestone(s) of {contract.title}",
    )
    return contract


def _milestone(errors: dict[str, str], n: int, item: Any) -> Milestone:
    item = item if isinstance(item, dict) else {}
    title = parse_text(errors, f"milestones[{n}].title", item.get("title"), 200, required=True)
    amount = parse_amount(item.get("amount"), MAX_MONEY, zero=False)
    if amount is None:
        errors[f"milestones[{n}].amount"] = BAD_MONEY.format(value=item.get("amount"))
    return Milestone(title=title, amount=amount or Decimal(0))


@transaction.atomic
def milestone_deliver(*, actor: User, milestone_id: int) -> Invoice:
    """Mark a milestone delivered: the network invoices the client for it at once. When every
    milestone is delivered the contract is complete and its people's hours are released."""
    milestone = selectors.milestone_for_user(actor, milestone_id)
    contract = _contract_for_poster(actor, milestone.contract_id)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.delivered is not None:
        raise ValidationError(ALREADY_DELIVERED.format(day=milestone.delivered.date()))
    milestone.delivered, milestone.delivered_by = timezone.now(), account(actor)
    milestone.save(update_fields=["delivered", "delivered_by"])
    invoice = invoice_issue(contract=contract, milestone=milestone, actor=account(actor))
    audit.record(
        actor=actor,
        action="invoice.issued",
        obj=invoice,
        organisation=contract.posted_by_id,
        summary=f"Delivered {milestone.title} of {contract.title}: invoice {invoice.code}",
    )
    notices.milestone_delivered(contract, milestone, invoice, actor=actor)
    if not contract.milestones.filter(delivered__isnull=True).exists():
        _close(contract, Contract.COMPLETED)
    return invoice


@transaction.atomic
def contract_cancel(*, actor: User, contract_id: int, reason: str) -> Contract:
    """Cancel a running contract, with a reason: only while nothing invoiced is owing (an
    invoice is cancelled by a credit note first). Its people's hours are released."""
    contract = _contract_for_poster(actor, contract_id)
    errors: dict[str, str] = {}
    reason = parse_text(errors, "reason", reason, 2000, required=True)
    if errors:
        raise ValidationError(errors)
    for invoice in contract.invoices.filter(kind=Invoice.INVOICE):
        owing = selectors.invoice_outstanding(invoice)
        if owing > 0:
            raise ValidationError(OUTSTANDING.format(code=invoice.code, amount=owing))
    _close(contract, Contract.CANCELLED, reason)
    return contract


# Invoices ----------------------------------------------------------------------------------


def _still_open(contract: Contract) -> list[tuple[str, Organisation | None, Decimal]]:
    """The contract's parts (commission, finder's fee, each share) less what earlier invoices
    took of them: what later milestones share out."""
    parts: list[tuple[str, Organisation | None, Decimal]]
    parts = [(InvoicePart.COMMISSION, None, contract.commission)]
    if contract.finder_id is not None:
        parts.append((InvoicePart.FINDER, contract.finder, contract.finder_fee))
    shares = contract.shares.select_related("organisation")
    parts += [(InvoicePart.SHARE, s.organisation, s.payout) for s in shares]
    taken: dict[tuple[str, Any], Decimal] = defaultdict(Decimal)
    invoiced = InvoicePart.objects.filter(invoice__contract=contract, invoice__kind=Invoice.INVOICE)
    for part in invoiced:
        taken[part.kind, part.organisation_id] += part.amount
    return [
        (kind, org, amount - taken[kind, org.pk if org else None]) for kind, org, amount in parts
    ]


def invoice_issue(*, contract: Contract, milestone: Milestone, actor: Any) -> Invoice:
    """The network's invoice to the client for a delivered milestone: net, VAT at the rate the
    coordinator set, gross; its net shared over the contract's parts still open."""
    today, rate = timezone.localdate(), books_settings().vat_rate
    net = milestone.amount
    tax = ledger.vat(net, rate)
    if net + tax > MAX_MONEY:
        raise ValidationError(GROSS_TOO_LARGE.format(gross=net + tax, most=MAX_MONEY))
    entry = post(
        date=today, kind=JournalEntry.INVOICE, actor=actor, contract=contract,
        narration=f"Invoice to {contract.client}: {contract.title}, {milestone.title}",
        lines=[Line(RECEIVABLES, net + tax), Line(VAT, -tax), Line(CLEARING, -net)],
    )  # fmt: skip
    invoice = Invoice.objects.create(
        number=_next_number("invoice"), contract=contract, milestone=milestone, issued=today,
        client=contract.client, client_address=contract.client_address,
        description=f"{contract.title}: {milestone.title}", net=net, vat_rate=rate, vat=tax,
        gross=net + tax, currency=network_currency(), entry=entry,
    )  # fmt: skip
    open_parts = _still_open(contract)
    amounts = ledger.share_out(net, [amount for _, _, amount in open_parts])
    InvoicePart.objects.bulk_create(
        InvoicePart(invoice=invoice, kind=kind, organisation=org, amount=amount)
        for (kind, org, _), amount in zip(open_parts, amounts, strict=True)
        if amount > 0
    )
    return invoice


NOT_COORDINATOR = "Only the network's coordinator can do this."


def coordinator_only(actor: User) -> None:
    if not is_coordinator(actor):
        raise PermissionDenied(NOT_COORDINATOR)
