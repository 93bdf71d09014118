"""Reads. Who may see what of the books is decided here:

- a contract: members of the posting organisation and of each partner, and the coordinator;
  its money (value, what is taken off the top, every share, milestones' amounts, invoices):
  the poster's members and the coordinator, the partners only their own share unless the
  network shows them the others' payouts (`sees_contract_money`);
- an organisation's account and statement: its members and the coordinator; its bank details:
  its admins and the coordinator;
- the network's books: the coordinator.
Anything else is Http404, so that a competitor cannot even learn that a thing exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from coopnet.books.models import (
    Account,
    BankAccount,
    Contract,
    Invoice,
    InvoicePart,
    JournalEntry,
    Milestone,
    Payment,
    Payout,
    Posting,
)
from coopnet.common.access import ADMIN, User, coordinator_or_404, is_coordinator, restrict
from coopnet.directory.models import NetworkSettings, Organisation
from coopnet.directory.selectors import memberships, network_settings, organisation_for_member
from coopnet.engine.money import CENT

ZERO = Decimal("0.00")


def cents(total: Decimal | float | int | None) -> Decimal:
    """An aggregate as money: SQLite sums decimals in binary floating point, so a sum of cents
    comes back a hair off (9.09E-13 for 0); to the cent it is exact again."""
    return Decimal(str(total or 0)).quantize(CENT)


def _organisations(user: User) -> QuerySet[Any, Any]:
    return memberships(user).values("organisation")


def contract_list(user: User) -> QuerySet[Contract]:
    """The contracts `user`'s organisations posted or are partners in; all, for a coordinator."""
    contracts = Contract.objects.select_related("posted_by", "finder")
    if is_coordinator(user):
        return contracts
    mine = _organisations(user)
    return contracts.filter(Q(posted_by__in=mine) | Q(shares__organisation__in=mine)).distinct()


def sees_contract_money(user: User, contract: Contract) -> bool:
    """May `user` read the contract's value, what is taken off the top, every partner's share,
    the milestones' amounts and the invoices? The coordinator and the posting organisation's
    members; the partners only when the network shows them the others' payouts
    (`NetworkSettings.partner_view`): with a partner's own figures, the value gives another
    partner's cost (see `opportunities.payouts`). A partner always reads its own share."""
    if is_coordinator(user) or network_settings().partner_view != NetworkSettings.OWN_ONLY:
        return True
    return memberships(user).filter(organisation=contract.posted_by_id).exists()


def contract_for_user(user: User, contract_id: int) -> Contract:
    contract = contract_list(user).filter(pk=contract_id).first()
    if contract is None:
        raise Http404("no such contract")
    return contract


def milestone_for_user(user: User, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.filter(pk=milestone_id, contract__in=contract_list(user)).first()
    if milestone is None:
        raise Http404("no such milestone")
    return milestone


def invoice_list(user: User) -> QuerySet[Invoice]:
    """The invoices of the contracts whose money `user` may read (`sees_contract_money`)."""
    contracts = contract_list(user)
    if not (is_coordinator(user) or network_settings().partner_view != NetworkSettings.OWN_ONLY):
        contracts = contracts.filter(posted_by__in=_organisations(user))
    return Invoice.objects.filter(contract__in=contracts).select_related("contract")


def invoice_for_user(user: User, invoice_id: int) -> Invoice:
    invoice = invoice_list(user).filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404("no such invoice")
    return invoice


def entry_for_user(user: User, entry_id: int) -> JournalEntry:
    coordinator_or_404(user)
    entry = JournalEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise Http404("no such entry")
    return entry


# Amounts -----------------------------------------------------------------------------------


def _live_payments(invoice: Invoice) -> QuerySet[Payment]:
    """Its payments, less those reversed as recorded in error."""
    return invoice.payments.filter(entry__reversed_by__isnull=True)


def invoice_received(invoice: Invoice) -> Decimal:
    return cents(_live_payments(invoice).aggregate(total=Sum("amount"))["total"])


def invoice_credited(invoice: Invoice) -> Decimal:
    """What its credit notes cancelled of it."""
    notes = Invoice.objects.filter(credits=invoice).aggregate(total=Sum("gross"))
    return -cents(notes["total"])


def invoice_outstanding(invoice: Invoice) -> Decimal:
    """What the client still owes on an invoice: its gross less payments and any credit note."""
    if invoice.kind != Invoice.INVOICE:
        return ZERO
    return invoice.gross - invoice_received(invoice) - invoice_credited(invoice)


def part_open(part: InvoicePart) -> Decimal:
    """What of an invoice part has not yet fallen due (its due postings are credits)."""
    return part.amount + cents(part.postings.aggregate(total=Sum("amount"))["total"])


def organisations_owed() -> list[tuple[Account, Decimal]]:
    """Each organisation's account with a credit balance (the network owes it), and how much."""
    rows = (
        Posting.objects.filter(account__organisation__isnull=False)
        .values("account")
        .annotate(balance=Sum("amount"))
        .order_by("account")
    )
    owed = {row["account"]: -cents(row["balance"]) for row in rows}
    owed = {pk: amount for pk, amount in owed.items() if amount > 0}
    accounts = Account.objects.in_bulk(list(owed))
    return [(accounts[pk], amount) for pk, amount in owed.items()]


# An organisation's statement -----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    date: dt.date
    entry: int
    narration: str
    memo: str
    #: positive: the network owes the organisation more (a credit to its account)
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    organisation: Organisation
    account: Account | None
    lines: list[Line]
    #: what the network owes it now (negative: what it owes the network)
    balance: Decimal
    #: all that fell due to it (shares, finder's fees) and all it was paid, to date
    owed: Decimal
    paid: Decimal
    charged: Decimal


def statement(user: User, slug: str, limit: int = 200) -> Statement:
    """An organisation's account with the network: its members and the coordinator only. The
    latest `limit` lines, newest last, with the running balance."""
    organisation = _organisation_for_books(user, slug)
    acct = Account.objects.filter(organisation=organisation).first()
    if acct is None:
        return Statement(organisation, None, [], ZERO, ZERO, ZERO, ZERO)
    totals = _totals(acct.postings.all())
    balance, lines = totals["balance"], []
    for day, entry, narration, memo, amount in _latest(acct, limit):  # newest first
        lines.append(Line(day, entry, narration, memo, -amount, balance))
        balance += amount
    return Statement(
        organisation,
        acct,
        lines[::-1],
        totals["balance"],
        totals["owed"],
        totals["paid"],
        totals["charged"],
    )


def _latest(acct: Account, limit: int) -> list[tuple[dt.date, int, str, str, Decimal]]:
    """The account's latest postings, newest first, as (date, entry, narration, memo, amount):
    which ones is found from the indexes alone (migration 0005 covers the columns), and only
    those rows are read, so a busy account's statement does not read all its entries."""
    order = ("-entry__date", "-entry_id", "-pk")
    day = JournalEntry.objects.filter(pk=OuterRef("entry_id")).values("date")
    dated = acct.postings.annotate(day=Subquery(day)).order_by("-day", "-entry_id", "-pk")
    latest = dated.values_list("pk", flat=True)[:limit]
    rows = Posting.objects.filter(pk__in=latest).order_by(*order)
    return list(rows.values_list("entry__date", "entry_id", "entry__narration", "memo", "amount"))


def _totals(postings: QuerySet[Posting]) -> dict[str, Decimal]:
    """Its balance, and what made it: what fell due to it (payments' shares and finder's fees,
    less reversals), what it was paid (payouts, less reversals) and its services' fees.
    Payouts and fees carry no invoice part, so only those postings are looked up in their
    entries (a busy organisation has thousands of shares for each payout)."""
    sums = postings.aggregate(
        balance=Sum("amount"), owed=Sum("amount", filter=Q(part__isnull=False))
    )
    entry = JournalEntry.objects.filter(pk=OuterRef("entry_id"))
    kinds = postings.filter(part__isnull=True).annotate(
        kind=Subquery(entry.values("kind")), reversed=Subquery(entry.values("reverses__kind"))
    )
    payout = Q(kind=JournalEntry.PAYOUT) | Q(reversed=JournalEntry.PAYOUT)
    found = kinds.aggregate(
        paid=Sum("amount", filter=payout),
        charged=Sum("amount", filter=Q(kind=JournalEntry.SERVICE_FEES)),
    )
    return {
        "balance": -cents(sums["balance"]),
        "owed": -cents(sums["owed"]),
        "paid": cents(found["paid"]),
        "charged": cents(found["charged"]),
    }


def _organisation_for_books(user: User, slug: str) -> Organisation:
    if is_coordinator(user):
        found = Organisation.objects.filter(slug=slug).first()
        if found is None:
            raise Http404("no such organisation")
        return found
    return organisation_for_member(user, slug)  # 404 for outsiders


def bank_account(user: User, slug: str) -> BankAccount | None:
    """An organisation's bank details: its admins and the coordinator; else 404."""
    if is_coordinator(user):
        organisation = _organisation_for_books(user, slug)
        return BankAccount.objects.filter(organisation=organisation).first()
    organisation = organisation_for_member(user, slug)
    if not memberships(user).filter(organisation=organisation, role=ADMIN).exists():
        raise Http404("no such organisation")
    return BankAccount.objects.filter(organisation=organisation).first()


def payouts_of(user: User, slug: str) -> QuerySet[Payout]:
    organisation = _organisation_for_books(user, slug)
    payouts = Payout.objects.filter(organisation=organisation).select_related("run")
    return payouts if is_coordinator(user) else restrict(payouts, user)


# The network's books -----------------------------------------------------------------------


def trial_balance(user: User) -> list[tuple[Account, Decimal]]:
    """Every account's balance (debit +, credit -): the coordinator only."""
    coordinator_or_404(user)
    rows = Posting.objects.values("account").annotate(balance=Sum("amount")).order_by("account")
    accounts = Account.objects.in_bulk([row["account"] for row in rows])
    balances = ((accounts[r["account"]], cents(r["balance"])) for r in rows)
    return sorted(balances, key=lambda row: row[0].name)
