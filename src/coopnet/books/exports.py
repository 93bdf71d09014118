"""The books as files (spec/interfaces.md §5): Beancount and CSV, of the network's whole books
or of one organisation's view of them.

Both are streamed: the postings are read in one query, in chunks, ordered by entry date, entry
and posting, and each entry is written as soon as its last posting is read, so an export of a
million postings never holds more than one entry in memory. Beancount reads its directives in
any order, so each account's `open` is written after the transactions, dated on its first
posting as the stream saw it: every account is opened before use by construction, whatever is
posted while the export runs.

An organisation's view holds the entries that touch its own accounts, and of each only its own
postings and one counterpart, `NETWORK` (`Equity:Network`: "the rest of the network's books"),
carrying their negated sum so that the transaction balances. Nothing of another organisation
is in it: not its accounts, nor its amounts, nor words a coordinator typed (a reversal's
reason, a payout run's reference), which are replaced by the entry's kind and numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from coopnet.books.models import Account, Invoice, JournalEntry, Posting
from coopnet.common.access import User, is_coordinator
from coopnet.common.money import network_currency
from coopnet.directory.models import Organisation
from coopnet.directory.selectors import memberships, organisation_for_member
from coopnet.engine import ledger
from coopnet.engine.errors import BadInput

#: the organisation's view: the one account standing for the rest of the network's books
NETWORK = "Equity:Network"
FORMATS = ("beancount", "csv")
CONTENT_TYPES = {"beancount": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8"}
SUFFIXES = {"beancount": "beancount", "csv": "csv"}
CSV_HEADER = ("date", "entry", "account", "amount", "currency", "narration")
#: postings read from the database at a time
CHUNK = 20000

BAD_FORMAT = "format: {value!r} is not one of " + ", ".join(FORMATS)
NO_ORGANISATION = "organisation: no organisation {slug!r}"
CHOOSE = "organisation: you belong to several organisations; choose one ({slugs})"


@dataclass
class Transaction:
    """One entry as exported: its postings are (account, amount, memo)."""

    entry: int
    date: dt.date
    narration: str
    invoice: str = ""
    postings: list[tuple[str, Decimal, str]] = field(default_factory=list)


@dataclass
class Books:
    """What an export writes: a title, the currency, the transactions (a stream), and, filled
    as the stream is read, each account's first date."""

    title: str
    currency: str
    transactions: Iterator[Transaction]
    opened: dict[str, dt.date] = field(default_factory=dict)

    def stream(self) -> Iterator[Transaction]:
        for transaction in self.transactions:
            for account, _, _ in transaction.postings:
                self.opened.setdefault(account, transaction.date)
            yield transaction


def check_format(value: str) -> str:
    if value not in FORMATS:
        raise BadInput(BAD_FORMAT.format(value=value))
    return value


# Whose books -------------------------------------------------------------------------------


def organisation_named(slug: str) -> Organisation:
    """The organisation (for the command line, which acts for the network); BadInput if none."""
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise BadInput(NO_ORGANISATION.format(slug=slug))
    return found


def scope_for_user(user: User, slug: str | None) -> Organisation | None:
    """Whose books `user` may export: None for the network's (the coordinator, asking for no
    organisation); an organisation's view for its members and the coordinator; 404 for anyone
    else. With no organisation named, a member of exactly one gets its view; of several, a
    ValidationError asks which."""
    coordinator = is_coordinator(user)
    if slug:
        if not coordinator:
            return organisation_for_member(user, slug)  # 404 for outsiders
        found = Organisation.objects.filter(slug=slug).first()
        if found is None:
            raise Http404("no such organisation")
        return found
    if coordinator:
        return None
    mine = [m.organisation for m in memberships(user).order_by("organisation__slug")]
    if not mine:
        raise Http404("no books to export")
    if len(mine) > 1:
        slugs = ", ".join(o.slug for o in mine)
        raise ValidationError({"organisation": CHOOSE.format(slugs=slugs)})
    return mine[0]


def books(organisation: Organisation | None) -> Books:
    """The network's books (None) or `organisation`'s view, ready to stream."""
    currency = network_currency()
    if organisation is None:
        return Books("The network's books", currency, _network())
    title = f"{organisation.name}: its account with the network"
    return Books(title, currency, _organisation(organisation))


def filename(organisation: Organisation | None, form: str, day: dt.date) -> str:
    who = organisation.slug if organisation else "network"
    return f"coopnet-books-{who}-{day.isoformat()}.{SUFFIXES[form]}"


# Reading the postings --------------------------------------------------------------------------

_ENTRY = ("entry_id", "entry__date", "entry__narration")
_INVOICE = (
    "entry__invoice__number",
    "entry__invoice__kind",
    "entry__payment__invoice__number",
    "entry__payment__invoice__kind",
)
_POSTING = ("account_id", "amount", "memo")


class _Names(dict[int, str]):
    """Account ids to names, each checked against Beancount's grammar (a bad name would make
    the whole file unreadable, so it is refused before anything is written); an account
    opened while the export runs is read when its first posting comes."""

    def __init__(self, accounts: Iterable[tuple[int, str]]) -> None:
        super().__init__(accounts)
        for name in self.values():
            ledger.check_account(name)

    def __missing__(self, pk: int) -> str:
        name = Account.objects.values_list("name", flat=True).get(pk=pk)
        ledger.check_account(name)
        self[pk] = name
        return name


def _code(number: int | None, kind: str | None) -> str:
    if number is None:
        return ""
    prefix = "CN" if kind == Invoice.CREDIT_NOTE else "INV"
    return f"{prefix}-{number:06d}"


def _rows(postings: Any, columns: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    ordered = postings.order_by("entry__date", "entry_id", "pk").values_list(*columns)
    return iter(ordered.iterator(chunk_size=CHUNK))


def _network() -> Iterator[Transaction]:
    names = _Names(Account.objects.values_list("pk", "name"))
    current: Transaction | None = None
    for entry, date, narration, *invoice, account, amount, memo in _rows(
        Posting.objects.all(), _ENTRY + _INVOICE + _POSTING
    ):
        if current is None or current.entry != entry:
            if current is not None:
                yield current
            code = _code(*invoice[:2]) or _code(*invoice[2:])
            current = Transaction(entry, date, narration, code)
        current.postings.append((names[account], amount, memo))
    if current is not None:
        yield current


_VIEW = ("entry__kind", "entry__reverses_id", "entry__payout__reference")


def _organisation(organisation: Organisation) -> Iterator[Transaction]:
    names = _Names(organisation.accounts.values_list("pk", "name"))
    current: Transaction | None = None
    own = Posting.objects.filter(account__in=list(names))
    for entry, date, narration, *invoice, kind, reverses, payout, account, amount, memo in _rows(
        own, _ENTRY + _INVOICE + _VIEW + _POSTING
    ):
        if current is None or current.entry != entry:
            if current is not None:
                yield _balanced(current)
            said = _own_narration(kind, narration, reverses, payout)
            current = Transaction(entry, date, said, _code(*invoice[:2]) or _code(*invoice[2:]))
        current.postings.append((names[account], amount, memo))
    if current is not None:
        yield _balanced(current)


def _own_narration(kind: str, narration: str, reverses: int | None, payout: str | None) -> str:
    """What an organisation's view says of an entry. The services' own words (the client, the
    contract's title, an invoice's code, a shared service's month) stand; what a coordinator
    typed (a reversal's reason, a payout run's reference) may name anyone, so it is replaced."""
    if kind == JournalEntry.REVERSAL:
        return f"Reversal of entry {reverses}"
    if kind == JournalEntry.PAYOUT:
        return f"Payout {payout}" if payout else "Payout"
    return narration


def _balanced(transaction: Transaction) -> Transaction:
    """The organisation's postings and the network's counterpart for the rest."""
    rest = -sum((amount for _, amount, _ in transaction.postings), Decimal(0))
    if rest != 0:
        transaction.postings.append((NETWORK, rest, ""))
    return transaction


# Writing -------------------------------------------------------------------------------------


def _string(text: str) -> str:
    """A Beancount string: quotes and backslashes escaped, on one line."""
    one_line = " ".join(text.split())
    return '"' + one_line.replace("\\", "\\\\").replace('"', '\\"') + '"'


def beancount_text(books: Books) -> Iterator[str]:
    """The books as a Beancount file: the options, then one piece of text per transaction (a
    few lines, each ending with its newline), then the accounts' `open` directives."""
    currency = books.currency
    yield f"option {_string('title')} {_string(books.title)}\n"
    yield f'option "operating_currency" "{currency}"\n'
    for txn in books.stream():
        lines = [f"\n{txn.date.isoformat()} * {_string(txn.narration)}\n  entry: {txn.entry}\n"]
        if txn.invoice:
            lines.append(f"  invoice: {_string(txn.invoice)}\n")
        for account, amount, memo in txn.postings:
            lines.append(f"  {account}  {amount:.2f} {currency}\n")  # Decimal's: exact
            if memo:
                lines.append(f"    memo: {_string(memo)}\n")
        yield "".join(lines)
    yield "\n; each account opened on the date of its first posting\n"
    for account, day in sorted(books.opened.items()):
        yield f"{day.isoformat()} open {account} {currency}\n"


def _spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(books: Books) -> Iterator[str]:
    """One row per posting (spec §5) after a header row, with CSV's CRLF line ends: one piece
    of text per transaction."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    yield buffer.getvalue()
    for txn in books.stream():
        buffer.seek(0)
        buffer.truncate()
        narration = _spreadsheet_safe(txn.narration)
        day, currency = txn.date.isoformat(), books.currency
        writer.writerows(
            (day, txn.entry, account, f"{amount:.2f}", currency, narration)
            for account, amount, _ in txn.postings
        )
        yield buffer.getvalue()


def text(books: Books, form: str) -> Iterator[str]:
    """The export in `form`, as pieces of text that end with a newline."""
    return csv_text(books) if form == "csv" else beancount_text(books)


def blocks(lines: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """Lines gathered into blocks of about `size` characters: fewer, larger writes."""
    pending: list[str] = []
    length = 0
    for line in lines:
        pending.append(line)
        length += len(line)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)
