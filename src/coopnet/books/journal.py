"""Posting to the journal: the one way money changes in the books.

`post` checks an entry with the engine's rules (at least two postings, whole cents, none zero,
summing to zero) before it saves anything; `reverse` posts the mirror image of an entry. Rows
are only ever added: the database refuses an update or a delete of a posted entry.

The network's accounts have fixed names; an organisation's balance with the network is one
account, `Liabilities:Organisations:<Slug in CamelCase>`: a credit balance is what the network
owes it, a debit balance what it owes the network. A shared service's fees and costs meet in
`Income:Services:<Slug>`, whose balance is the service's surplus (credit) or deficit (debit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from coopnet.books.models import Account, Contract, InvoicePart, JournalEntry, Posting
from coopnet.directory.models import Organisation
from coopnet.engine import ledger
from coopnet.engine.errors import BadInput
from coopnet.sharedservices.models import SharedService

RECEIVABLES = "Assets:Receivables:Clients"
BANK = "Assets:Bank"
VAT = "Liabilities:VAT"
#: invoiced for the consortia and not yet paid by their clients
CLEARING = "Liabilities:Clearing:Contracts"
COMMISSION = "Income:Commission"
ORGANISATIONS = "Liabilities:Organisations"
SERVICES = "Income:Services"


@dataclass(frozen=True)
class Line:
    """One posting to be made: an account (its name or row), an amount (debit +, credit -)."""

    account: str | Account
    amount: Decimal
    part: InvoicePart | None = None
    memo: str = ""


def organisation_account(organisation: Organisation, opened: dt.date) -> Account:
    """The organisation's balance with the network, opened on first use."""
    found = Account.objects.filter(organisation=organisation).first()
    if found is not None:
        return found
    name = f"{ORGANISATIONS}:{ledger.account_component(organisation.slug)}"
    return _open(name, "organisation", organisation, opened)


def service_account(service: SharedService, opened: dt.date) -> Account:
    found = Account.objects.filter(service=service).first()
    if found is not None:
        return found
    name = f"{SERVICES}:{ledger.account_component(service.slug)}"
    return _open(name, "service", service, opened)


def _open(name: str, field: str, owner: Organisation | SharedService, opened: dt.date) -> Account:
    """The account `name` of `owner` (its `field`), or `name` followed by its pk when two
    slugs make one name. Found or made by the unique name, so that two transactions opening it
    at once get one account (on PostgreSQL the second waits for the first, then reads it)
    rather than an IntegrityError."""
    defaults = {field: owner, "opened": opened}
    found = Account.objects.get_or_create(name=name, defaults=defaults)[0]
    if getattr(found, f"{field}_id") == owner.pk:
        return found
    return Account.objects.get_or_create(name=f"{name}{owner.pk}", defaults=defaults)[0]


def _account(account: str | Account, opened: dt.date) -> Account:
    if isinstance(account, Account):
        return account
    return Account.objects.get_or_create(name=account, defaults={"opened": opened})[0]


def post(
    *,
    date: dt.date,
    kind: str,
    narration: str,
    lines: Sequence[Line],
    actor: User | None = None,
    contract: Contract | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry; ValidationError (and nothing saved) if it does not balance."""
    lines = [line for line in lines if line.amount != 0]
    names = [a.name if isinstance(a, Account) else a for a in (line.account for line in lines)]
    check = ledger.Entry(
        date,
        narration,
        tuple(ledger.Posting(n, line.amount) for n, line in zip(names, lines, strict=True)),
    )
    try:
        ledger.check_entry(check)
    except BadInput as error:
        raise ValidationError(str(error)) from error
    entry = JournalEntry.objects.create(
        date=date, kind=kind, narration=narration[:300], contract=contract,
        reverses=reverses, created_by=actor,
    )  # fmt: skip
    accounts = [_account(line.account, date) for line in lines]
    _open_by(accounts, date)
    Posting.objects.bulk_create(
        Posting(entry=entry, account=acct, amount=line.amount, part=line.part,
                memo=line.memo[:120])
        for acct, line in zip(accounts, lines, strict=True)
    )  # fmt: skip
    return entry


def _open_by(accounts: Sequence[Account], date: dt.date) -> None:
    """An account is open from its earliest posting: an entry may be dated before the first
    one that used the account (a past month's service fees charged after this month's
    payments), and Beancount refuses a posting to an account not yet open."""
    early = [acct for acct in accounts if acct.opened > date]
    if early:
        Account.objects.filter(pk__in=[a.pk for a in early]).update(opened=date)
        for acct in early:
            acct.opened = date


ALREADY_REVERSED = "This entry has already been reversed."
NOT_REVERSIBLE = "A reversal cannot itself be reversed: post the entry again instead."


def reverse(
    *, entry: JournalEntry, date: dt.date, narration: str, actor: User | None
) -> JournalEntry:
    """The mirror image of `entry`, linked to it: the correction of an append-only journal."""
    if entry.kind == JournalEntry.REVERSAL:
        raise ValidationError(NOT_REVERSIBLE)
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(ALREADY_REVERSED)
    lines = [
        Line(p.account, -p.amount, p.part, p.memo)
        for p in entry.postings.select_related("account", "part")
    ]
    return post(
        date=date, kind=JournalEntry.REVERSAL, narration=narration, lines=lines,
        actor=actor, contract=entry.contract, reverses=entry,
    )  # fmt: skip
