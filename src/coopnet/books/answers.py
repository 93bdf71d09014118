"""The books' rows shaped as the API answers them (books.schemas): plain dicts of what a reader
who got past the selectors may see, every amount with the network's currency."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from coopnet.books import selectors
from coopnet.books.models import (
    BankAccount,
    BooksSettings,
    Contract,
    Invoice,
    JournalEntry,
    Payment,
    Payout,
    PayoutRun,
)
from coopnet.common.money import network_currency

ISSUED, PART_PAID, PAID, CREDITED = "issued", "part_paid", "paid", "credited"


def invoice_status(invoice: Invoice, paid: Decimal, credited: Decimal, owing: Decimal) -> str:
    """issued, part_paid, paid or credited for an invoice; credit_note for a credit note."""
    if invoice.kind == Invoice.CREDIT_NOTE:
        return Invoice.CREDIT_NOTE
    if credited > 0:
        return CREDITED
    if owing == 0:
        return PAID
    return PART_PAID if paid > 0 else ISSUED


def _amounts(invoice: Invoice) -> dict[str, Any]:
    is_invoice = invoice.kind == Invoice.INVOICE
    paid = selectors.invoice_received(invoice) if is_invoice else selectors.ZERO
    credited = selectors.invoice_credited(invoice) if is_invoice else selectors.ZERO
    owing = selectors.invoice_outstanding(invoice)
    return {
        "status": invoice_status(invoice, paid, credited, owing),
        "paid": paid,
        "credited": credited,
        "outstanding": owing,
    }


def contract_answer(
    contract: Contract, whole: bool = True, own: Collection[int] = ()
) -> dict[str, Any]:
    """A contract as the API shows it: `whole` for those who may read its money
    (`selectors.sees_contract_money`); else only the shares of the organisations `own`, and
    no value, fee, milestone amount or invoice."""
    milestones = [
        {"id": m.pk, "position": m.position, "title": m.title,
         "amount": m.amount if whole else None, "delivered": m.delivered}
        for m in contract.milestones.all()
    ]  # fmt: skip
    shares = [
        {"organisation": s.organisation.slug, "name": s.organisation.name, "payout": s.payout}
        for s in contract.shares.select_related("organisation")
        if whole or s.organisation_id in own
    ]
    invoices = [
        {"id": i.pk, "code": i.code, "kind": i.kind, "issued": i.issued, "gross": i.gross,
         **_amounts(i)}
        for i in contract.invoices.order_by("number")
    ] if whole else []  # fmt: skip
    return {
        "id": contract.pk,
        "opportunity": contract.opportunity_id,
        "title": contract.title,
        "client": contract.client,
        "client_address": contract.client_address,
        "posted_by": contract.posted_by.slug,
        "status": contract.status,
        "cancel_reason": contract.cancel_reason,
        "currency": network_currency(),
        "value": contract.value if whole else None,
        "commission": contract.commission if whole else None,
        "finder": contract.finder.slug if contract.finder else None,
        "finder_fee": contract.finder_fee if whole else None,
        "created": contract.created,
        "closed": contract.closed,
        "milestones": milestones,
        "shares": shares,
        "invoices": invoices,
    }


def payment_answer(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "invoice": payment.invoice_id,
        "invoice_code": payment.invoice.code,
        "amount": payment.amount,
        "currency": payment.invoice.currency,
        "received": payment.received,
        "reference": payment.reference,
        "entry": payment.entry_id,
        "reversed": JournalEntry.objects.filter(reverses_id=payment.entry_id).exists(),
    }


def invoice_answer(invoice: Invoice) -> dict[str, Any]:
    note = Invoice.objects.filter(credits=invoice).first()
    payments = invoice.payments.select_related("invoice")
    return {
        "id": invoice.pk,
        "code": invoice.code,
        "number": invoice.number,
        "kind": invoice.kind,
        "contract": invoice.contract_id,
        "milestone": invoice.milestone_id,
        "credits": invoice.credits.code if invoice.credits else None,
        "credit_note": note.code if note else None,
        "reason": invoice.reason,
        "issued": invoice.issued,
        "client": invoice.client,
        "client_address": invoice.client_address,
        "description": invoice.description,
        "currency": invoice.currency,
        "net": invoice.net,
        "vat_rate": invoice.vat_rate,
        "vat": invoice.vat,
        "gross": invoice.gross,
        **_amounts(invoice),
        "payments": [payment_answer(p) for p in payments],
    }


def run_answer(run: PayoutRun) -> dict[str, Any]:
    payouts = list(run.payouts.select_related("organisation"))
    return {
        "id": run.pk,
        "reference": run.reference,
        "paid": run.paid,
        "currency": network_currency(),
        "total": sum((p.amount for p in payouts), selectors.ZERO),
        "payouts": [
            {"organisation": p.organisation.slug, "name": p.organisation.name,
             "amount": p.amount, "reference": p.reference, "holder": p.holder, "iban": p.iban,
             "bic": p.bic, "entry": p.entry_id}
            for p in payouts
        ],
    }  # fmt: skip


def statement_answer(statement: selectors.Statement, payouts: Iterable[Payout]) -> dict[str, Any]:
    return {
        "organisation": statement.organisation.slug,
        "name": statement.organisation.name,
        "account": statement.account.name if statement.account else None,
        "currency": network_currency(),
        "balance": statement.balance,
        "owed": statement.owed,
        "paid": statement.paid,
        "charged": statement.charged,
        "lines": [
            {"date": line.date, "entry": line.entry, "narration": line.narration,
             "memo": line.memo, "amount": line.amount, "balance": line.balance}
            for line in statement.lines
        ],
        "payouts": [
            {"reference": p.reference, "run": p.run.reference, "paid": p.run.paid,
             "amount": p.amount}
            for p in payouts
        ],
    }  # fmt: skip


def bank_account_answer(slug: str, found: BankAccount | None) -> dict[str, Any]:
    if found is None:
        return {"organisation": slug, "holder": "", "iban": "", "bic": "", "updated": None}
    return {
        "organisation": slug,
        "holder": found.holder,
        "iban": found.iban,
        "bic": found.bic,
        "updated": found.updated,
    }


def entry_answer(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.date,
        "kind": entry.kind,
        "narration": entry.narration,
        "reverses": entry.reverses_id,
        "currency": network_currency(),
        "postings": [
            {"account": p.account.name, "amount": p.amount, "memo": p.memo}
            for p in entry.postings.select_related("account")
        ],
    }


def settings_answer(found: BooksSettings) -> dict[str, Any]:
    return {
        "currency": network_currency(),
        "vat_rate": found.vat_rate,
        "legal_name": found.legal_name,
        "address": found.address,
        "vat_number": found.vat_number,
        "iban": found.iban,
        "bic": found.bic,
    }
