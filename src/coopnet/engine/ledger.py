"""The rules of the books: balanced entries, account names, and money falling due to the cent.

Double-entry: every change of money is an entry whose postings sum to exactly zero. A positive
amount is a debit, a negative one a credit (Beancount's sign convention), so an asset grows by
a positive posting and what the network owes an organisation grows by a negative one.

The money of a contract is split into parts (the network's commission, the finder's fee, each
partner's payout) once, when it is agreed. Every later amount (a milestone's value, the part of
a client's payment that is not VAT) is shared out over what is still open of those parts with
`share_out`, so that each step is in proportion to the cent and the steps add up to the parts
exactly, whatever the order and the sizes of the steps:

>>> share_out(Decimal("100"), [Decimal("5"), Decimal("60"), Decimal("35")])
[Decimal('5.00'), Decimal('60.00'), Decimal('35.00')]
>>> share_out(Decimal("33.33"), [Decimal("5"), Decimal("60"), Decimal("35")])
[Decimal('1.67'), Decimal('20.00'), Decimal('11.66')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from coopnet.engine.errors import BadInput
from coopnet.engine.money import CENT, allocate

UNBALANCED = "entry {entry!r}: its postings sum to {total}, not 0"
TOO_FEW = "entry {entry!r}: an entry needs at least two postings"
NOT_CENTS = "entry {entry!r}: {account} has {amount}, not a whole number of cents"
ZERO_POSTING = "entry {entry!r}: {account} has a posting of 0"
BAD_ACCOUNT = (
    "{name!r} is not an account name (Type:Component:..., each component A-Z or 0-9 first)"
)
TOO_MUCH = "{amount} is more than the {open} still open"
NEGATIVE = "{amount} is negative"

#: the five account types of Beancount, the roots of every account name
TYPES = ("Assets", "Liabilities", "Equity", "Income", "Expenses")
_COMPONENT = re.compile(r"[A-Z0-9][A-Za-z0-9]*")


@dataclass(frozen=True)
class Posting:
    account: str
    #: positive debits, negative credits, in whole cents
    amount: Decimal


@dataclass(frozen=True)
class Entry:
    date: dt.date
    narration: str
    postings: tuple[Posting, ...]


def check_entry(entry: Entry, name: str = "") -> None:
    """BadInput unless `entry` has two or more postings, in whole cents, none zero, summing to 0."""
    label = name or entry.narration
    if len(entry.postings) < 2:
        raise BadInput(TOO_FEW.format(entry=label))
    for posting in entry.postings:
        check_account(posting.account)
        if posting.amount != posting.amount.quantize(CENT):
            raise BadInput(NOT_CENTS.format(entry=label, **vars(posting)))
        if posting.amount == 0:
            raise BadInput(ZERO_POSTING.format(entry=label, account=posting.account))
    total = sum((p.amount for p in entry.postings), Decimal(0))
    if total != 0:
        raise BadInput(UNBALANCED.format(entry=label, total=total))


def check_account(name: str) -> None:
    parts = name.split(":")
    if len(parts) < 2 or parts[0] not in TYPES or not all(map(_COMPONENT.fullmatch, parts[1:])):
        raise BadInput(BAD_ACCOUNT.format(name=name))


def account_component(slug: str) -> str:
    """A slug as one component of an account name, in CamelCase (account names hold no hyphens).

    >>> account_component("outlier-co-op")
    'OutlierCoOp'
    >>> account_component("3d_studio")
    '3dStudio'
    """
    words = [w for w in re.split(r"[^A-Za-z0-9]+", slug) if w]
    component = "".join(w[0].upper() + w[1:] for w in words)
    if not component:
        raise BadInput(f"{slug!r} has no letters or digits to name an account with")
    return component


def balances(postings: Iterable[Posting]) -> dict[str, Decimal]:
    """Each account's balance: the sum of its postings."""
    totals: dict[str, Decimal] = {}
    for posting in postings:
        totals[posting.account] = totals.get(posting.account, Decimal(0)) + posting.amount
    return totals


def share_out(amount: Decimal, still_open: Sequence[Decimal]) -> list[Decimal]:
    """`amount` shared over parts in proportion to what is still open of each, to the cent.

    No part ever gets more than is open of it (each is a whole number of cents, so a share
    rounded up by the allocation stays within it), and an amount equal to all that is open
    closes every part exactly. BadInput for a negative amount or one above what is open.
    """
    amount = amount.quantize(CENT)
    total = sum(still_open, Decimal(0))
    if amount < 0 or any(part < 0 for part in still_open):
        raise BadInput(NEGATIVE.format(amount=min(amount, *still_open)))
    if amount > total:
        raise BadInput(TOO_MUCH.format(amount=amount, open=total))
    if amount == total:
        return [part.quantize(CENT) for part in still_open]
    if amount == 0:
        return [Decimal("0.00") for _ in still_open]
    return allocate(amount, still_open)


def vat(net: Decimal, rate: Decimal) -> Decimal:
    """The VAT on `net` at `rate` (0.2 is 20%), to the cent, half to even."""
    return (net * rate).quantize(CENT, rounding=ROUND_HALF_EVEN)


def net_received(received: Decimal, gross: Decimal, net: Decimal) -> Decimal:
    """How much of the net has come in once `received` of `gross` has: in proportion, to the
    cent, never decreasing as more comes in, and all of the net once all of the gross has."""
    if gross == 0:
        return net
    return (received * net / gross).quantize(CENT, rounding=ROUND_HALF_EVEN)
