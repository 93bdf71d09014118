"""Writes of money coming in and going out, all the coordinator's: a client's payment (as it
comes in, the commission, the finder's fee and each partner's share fall due in proportion, to
the cent), a credit note, a payout run, a shared service's month, and a reversing entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from coopnet.books import notices, selectors
from coopnet.books.journal import (
    BANK,
    CLEARING,
    COMMISSION,
    RECEIVABLES,
    VAT,
    Line,
    organisation_account,
    post,
    reverse,
    service_account,
)
from coopnet.books.models import (
    Account,
    BankAccount,
    Contract,
    Invoice,
    InvoicePart,
    JournalEntry,
    Payment,
    Payout,
    PayoutRun,
    ServiceMonth,
)
from coopnet.books.services import _next_number, coordinator_only
from coopnet.common import audit
from coopnet.common.access import User, account
from coopnet.common.amounts import MAX_MONEY, parse_amount, parse_text
from coopnet.common.dates import EARLIEST_DATE
from coopnet.engine import ledger
from coopnet.sharedservices.models import FeeSchedule

BAD_MONEY = "An amount of money more than 0, to the cent at most (got {value!r})."
OVERPAID = "{amount} is more than the {owing} still owing on invoice {code}."
SETTLED = "Invoice {code} has nothing owing."
BAD_DATE = "A date as YYYY-MM-DD, not in the future nor before the invoice's date (got {value!r})."
NOT_AN_INVOICE = "A credit note cannot be paid or credited."
NOT_REVERSIBLE = (
    "Only a client's payment or a payout can be reversed; an invoice is cancelled by a credit note."
)
NO_SCHEDULE = "No shared service has a fee schedule for {period}."
FUTURE_MONTH = "A month is charged once it has begun (got {period})."
ALREADY_CHARGED = "Every shared service's {period} has already been charged."


def _day(value: Any, earliest: dt.date) -> dt.date | None:
    if value is None or value == "":
        return timezone.localdate()
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return None
    return day if earliest <= day <= timezone.localdate() else None


def _invoice(actor: User, invoice_id: int) -> Invoice:
    selectors.invoice_for_user(actor, invoice_id)  # 404 for whoever may not see it
    coordinator_only(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if invoice.kind != Invoice.INVOICE:
        raise ValidationError(NOT_AN_INVOICE)
    return invoice


@transaction.atomic
def payment_record(
    *, actor: User, invoice_id: int, amount: Any, received: Any = None, reference: str = ""
) -> Payment:
    """Record what the client paid against an invoice (part of it or all; never more)."""
    invoice = _invoice(actor, invoice_id)
    errors: dict[str, str] = {}
    paid = parse_amount(amount, MAX_MONEY, zero=False)
    day = _day(received, invoice.issued)
    reference = parse_text(errors, "reference", reference, 140, required=False)
    owing = selectors.invoice_outstanding(invoice)
    if paid is None:
        errors["amount"] = BAD_MONEY.format(value=amount)
    elif owing == 0:
        errors["amount"] = SETTLED.format(code=invoice.code)
    elif paid > owing:
        errors["amount"] = OVERPAID.format(amount=paid, owing=owing, code=invoice.code)
    if day is None:
        errors["received"] = BAD_DATE.format(value=received)
    if errors or paid is None or day is None:
        raise ValidationError(errors)
    lines = [Line(BANK, paid), Line(RECEIVABLES, -paid), *_falling_due(invoice, paid, owing)]
    entry = post(
        date=day, kind=JournalEntry.PAYMENT, actor=account(actor), contract=invoice.contract,
        narration=f"Payment from {invoice.client} for {invoice.code}", lines=lines,
    )  # fmt: skip
    payment = Payment.objects.create(
        invoice=invoice, amount=paid, received=day, reference=reference,
        recorded_by=account(actor), entry=entry,
    )  # fmt: skip
    audit.record(
        actor=actor,
        action="payment.recorded",
        obj=payment,
        organisation=invoice.contract.posted_by_id,
        summary=f"Recorded a payment from {invoice.client} for {invoice.code}",
    )
    notices.payment_recorded(invoice, payment, actor=actor)
    return payment


def _falling_due(invoice: Invoice, paid: Decimal, owing: Decimal) -> list[Line]:
    """What falls due of the invoice's net once `paid` more has come in: the net of all that
    came in less what has fallen due already (all that may still fall due, once nothing is
    owing), out of the clearing account, shared over its parts still open in proportion.

    What has fallen due is read from the parts, not worked out from the payments: a reversed
    payment takes back what it made fall due then, which need not be what the net of the
    payments left would come to now (the rounding of each step differs)."""
    parts = list(invoice.parts.select_related("organisation"))
    still_open, payable = _open(invoice, parts)
    if paid == owing:
        due_now = payable
    else:
        received = selectors.invoice_received(invoice)
        now = ledger.net_received(received + paid, invoice.gross, invoice.net)
        fallen = invoice.net - sum(still_open, Decimal(0))
        due_now = min(max(now - fallen, Decimal(0)), payable)
    due = ledger.share_out(due_now, still_open)
    lines = [Line(CLEARING, due_now)]
    for part, amount in zip(parts, due, strict=True):
        lines.append(
            Line(_part_account(part, invoice.issued), -amount, part, part.get_kind_display())
        )
    return lines


def _open(invoice: Invoice, parts: list[InvoicePart]) -> tuple[list[Decimal], Decimal]:
    """What is open of each part, and how much of that may still fall due: not what credit
    notes cancelled (a credit note closes no part; it takes its net out of clearing)."""
    still_open = [selectors.part_open(part) for part in parts]
    cancelled = -selectors.cents(
        Invoice.objects.filter(credits=invoice).aggregate(total=Sum("net"))["total"]
    )
    return still_open, sum(still_open, Decimal(0)) - cancelled


def _part_account(part: InvoicePart, day: dt.date) -> str | Account:
    if part.kind == InvoicePart.COMMISSION or part.organisation is None:
        return COMMISSION
    return organisation_account(part.organisation, day)


CREDIT_REASON = "Say why the invoice is cancelled."


@transaction.atomic
def credit_note_issue(*, actor: User, invoice_id: int, reason: str) -> Invoice:
    """Cancel what is still owing on an invoice with a credit note, numbered in the invoices'
    sequence. What the client has paid stays paid (and due to the partners)."""
    invoice = _invoice(actor, invoice_id)
    errors: dict[str, str] = {}
    reason = parse_text(errors, "reason", reason, 2000, required=True)
    owing = selectors.invoice_outstanding(invoice)
    if owing == 0:
        errors["invoice"] = SETTLED.format(code=invoice.code)
    if errors:
        raise ValidationError(errors)
    _, net = _open(invoice, list(invoice.parts.all()))  # the net that may still fall due
    tax, today = owing - net, timezone.localdate()
    entry = post(
        date=today, kind=JournalEntry.CREDIT_NOTE, actor=account(actor), contract=invoice.contract,
        narration=f"Credit note to {invoice.client} cancelling {invoice.code}",
        lines=[Line(RECEIVABLES, -owing), Line(VAT, tax), Line(CLEARING, net)],
    )  # fmt: skip
    credit = Invoice.objects.create(
        number=_next_number("invoice"), kind=Invoice.CREDIT_NOTE, contract=invoice.contract,
        milestone=invoice.milestone, credits=invoice, reason=reason, issued=today,
        client=invoice.client, client_address=invoice.client_address,
        description=f"Cancels {invoice.code}: {invoice.description}"[:300], net=-net,
        vat_rate=invoice.vat_rate, vat=-tax, gross=-owing, currency=invoice.currency, entry=entry,
    )  # fmt: skip
    audit.record(
        actor=actor,
        action="credit_note.issued",
        obj=credit,
        organisation=invoice.contract.posted_by_id,
        summary=f"Issued credit note {credit.code} cancelling {invoice.code}",
    )
    return credit


@transaction.atomic
def payout_run(*, actor: User, reference: str = "", paid: Any = None) -> PayoutRun | None:
    """Pay each organisation what the network owes it (its account's credit balance), one
    transfer each, to the bank details it has given. None when nobody is owed anything."""
    coordinator_only(actor)
    _next_number("payout-run")  # one run at a time: the counter stays locked until commit
    day = _day(paid, EARLIEST_DATE)
    errors: dict[str, str] = {}
    reference = parse_text(errors, "reference", reference, 35, required=False)
    if day is None:
        errors["paid"] = BAD_DATE.format(value=paid)
    if errors or day is None:
        raise ValidationError(errors)
    owed = selectors.organisations_owed()
    if not owed:
        return None
    run = PayoutRun.objects.create(reference=reference, paid=day, created_by=account(actor))
    run.reference = reference or f"COOPNET-PAYOUT-{run.pk}"
    run.save(update_fields=["reference"])
    audit.record(
        actor=actor, action="payout_run.made", obj=run, summary=f"Made payout run {run.reference}"
    )
    for acct, amount in owed:
        payout = _payout(run, acct, amount, actor)
        audit.record(
            actor=actor,
            action="payout.made",
            obj=payout,
            organisation=payout.organisation_id,
            summary=f"Paid out {payout.reference} in run {run.reference}",
        )
        notices.payout_made(payout)
    return run


def _payout(run: PayoutRun, acct: Account, amount: Decimal, actor: User) -> Payout:
    organisation = acct.organisation
    assert organisation is not None
    bank = BankAccount.objects.filter(organisation=organisation).first()
    entry = post(
        date=run.paid, kind=JournalEntry.PAYOUT, actor=account(actor),
        narration=f"Payout {run.reference}", lines=[Line(acct, amount), Line(BANK, -amount)],
    )  # fmt: skip
    return Payout.objects.create(
        run=run, organisation=organisation, amount=amount, entry=entry,
        reference=f"R{run.pk}-{organisation.pk}", holder=bank.holder if bank else "",
        iban=bank.iban if bank else "", bic=bank.bic if bank else "",
    )  # fmt: skip


@transaction.atomic
def entry_reverse(*, actor: User, entry_id: int, reason: str) -> JournalEntry:
    """Correct a client's payment or a payout recorded in error: the mirror entry, dated today.
    The payment no longer counts against its invoice; the payout is owed again."""
    coordinator_only(actor)
    entry = JournalEntry.objects.select_for_update().get(
        pk=selectors.entry_for_user(actor, entry_id).pk
    )
    if entry.kind not in (JournalEntry.PAYMENT, JournalEntry.PAYOUT):
        raise ValidationError(NOT_REVERSIBLE)
    errors: dict[str, str] = {}
    reason = parse_text(errors, "reason", reason, 200, required=True)
    if errors:
        raise ValidationError(errors)
    reversal = reverse(
        entry=entry,
        date=timezone.localdate(),
        narration=f"Reversal: {reason}",
        actor=account(actor),
    )
    audit.record(
        actor=actor,
        action="entry.reversed",
        obj=reversal,
        organisation=_concerned(entry),
        summary=f"Reversed the {entry.get_kind_display().lower()} of entry {entry.pk}",
    )
    return reversal


def _concerned(entry: JournalEntry) -> int | None:
    """The organisation a payment's or a payout's entry concerns: the contract's poster, or
    the organisation paid."""
    if entry.contract_id is not None:
        return (
            Contract.objects.filter(pk=entry.contract_id)
            .values_list("posted_by_id", flat=True)
            .first()
        )
    return Payout.objects.filter(entry=entry).values_list("organisation_id", flat=True).first()


@transaction.atomic
def service_month_charge(*, actor: User, period: dt.date) -> list[ServiceMonth]:
    """Charge each shared service's members their fees in `period`'s schedule, and book what
    the service costs the network that month against it; each month once."""
    coordinator_only(actor)
    # one charge at a time: the counter stays locked until commit, so that a second charge of
    # the month finds it charged instead of failing on the unique month
    _next_number("service-month")
    period = period.replace(day=1)
    if period > timezone.localdate():
        raise ValidationError(FUTURE_MONTH.format(period=period))
    schedules = FeeSchedule.objects.filter(period=period).select_related("service")
    if not schedules.exists():
        raise ValidationError(NO_SCHEDULE.format(period=period.strftime("%B %Y")))
    done = set(ServiceMonth.objects.filter(period=period).values_list("service_id", flat=True))
    months = [_charge(s, actor) for s in schedules if s.service_id not in done]
    if not months:
        raise ValidationError(ALREADY_CHARGED.format(period=period.strftime("%B %Y")))
    for month in months:
        _record_month(actor, month)
    return months


def _record_month(actor: User, month: ServiceMonth) -> None:
    """One event for the network, and one for each organisation charged a fee."""
    label = f"{month.service.name}, {month.period.strftime('%B %Y')}"
    audit.record(
        actor=actor,
        action="service_month.charged",
        obj=month,
        summary=f"Charged the month: {label}",
    )
    charged = FeeSchedule.objects.get(service=month.service, period=month.period).fees.filter(
        fee__gt=0
    )
    for organisation_id in charged.values_list("organisation_id", flat=True):
        audit.record(
            actor=actor,
            action="service_fee.charged",
            obj=month,
            organisation=organisation_id,
            summary=f"Charged the service fee: {label}",
        )


def _charge(schedule: FeeSchedule, actor: User) -> ServiceMonth:
    service, period = schedule.service, schedule.period
    income = service_account(service, period)
    label = f"{service.name}, {period.strftime('%B %Y')}"
    fees = [f for f in schedule.fees.select_related("organisation") if f.fee > 0]
    charged = sum((f.fee for f in fees), Decimal(0))
    lines = [Line(organisation_account(f.organisation, period), f.fee) for f in fees]
    fee_entry = cost_entry = None
    if charged:
        lines.append(Line(income, -charged))
        fee_entry = post(date=period, kind=JournalEntry.SERVICE_FEES, actor=account(actor),
                         narration=f"Fees: {label}", lines=lines)  # fmt: skip
    if cost := schedule.pooled_cost:
        cost_lines = [Line(income, cost), Line(BANK, -cost)]
        cost_entry = post(date=period, kind=JournalEntry.SERVICE_COST, actor=account(actor),
                          narration=f"Cost: {label}", lines=cost_lines)  # fmt: skip
    return ServiceMonth.objects.create(
        service=service, period=period, fees=fee_entry, cost=cost_entry
    )
