"""The shapes of the books' API: what it takes and what it answers. Money is a decimal string
to the cent ("1200.00"), always with the network's `currency` beside it; nothing here holds a
rate, an hour or a cost, so no answer can carry one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from coopnet.common.amounts import Number


class MilestoneOut(Schema):
    id: int
    position: int
    title: str
    #: null for a partner who may not read the contract's money (`ContractOut`)
    amount: Decimal | None
    #: when the posting organisation marked it delivered (and the client was invoiced)
    delivered: dt.datetime | None


class ShareOut(Schema):
    """A partner's payout, frozen as the accepted proposal showed it to every partner."""

    organisation: str
    name: str
    payout: Decimal


class InvoiceBrief(Schema):
    id: int
    code: str
    kind: str
    #: issued, part_paid, paid, credited (an invoice); credit_note (a credit note)
    status: str
    issued: dt.date
    gross: Decimal
    outstanding: Decimal


class ContractOut(Schema):
    """A contract. A partner that did not post it reads only its own share, and no value, fee,
    milestone amount or invoice, unless the network shows partners the others' payouts
    (`partner_view`): with its own figures, they would give another partner's cost."""

    id: int
    opportunity: int
    title: str
    client: str
    client_address: str
    posted_by: str
    #: running, completed or cancelled
    status: str
    cancel_reason: str
    currency: str
    value: Decimal | None
    commission: Decimal | None
    #: the organisation that brought the client (null: none)
    finder: str | None
    finder_fee: Decimal | None
    created: dt.datetime
    closed: dt.datetime | None
    milestones: list[MilestoneOut]
    shares: list[ShareOut]
    invoices: list[InvoiceBrief]


class MilestoneIn(Schema):
    title: str
    amount: Number


class MilestonesIn(Schema):
    #: in order; they must add up to the contract's value exactly
    milestones: list[MilestoneIn]


class ClientIn(Schema):
    #: the client's name and postal address, as the next invoices will carry them
    client: str
    address: str = ""


class ReasonIn(Schema):
    reason: str


class PaymentOut(Schema):
    id: int
    invoice: int
    invoice_code: str
    amount: Decimal
    currency: str
    received: dt.date
    reference: str
    entry: int
    #: recorded in error and reversed: no longer counts against the invoice
    reversed: bool


class InvoiceOut(Schema):
    id: int
    code: str
    number: int
    #: invoice or credit_note
    kind: str
    status: str
    contract: int
    milestone: int | None
    #: for a credit note: the code of the invoice it cancels
    credits: str | None
    #: for an invoice: the code of the credit note that cancelled what was owing
    credit_note: str | None
    reason: str
    issued: dt.date
    client: str
    client_address: str
    description: str
    currency: str
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    gross: Decimal
    paid: Decimal
    credited: Decimal
    outstanding: Decimal
    payments: list[PaymentOut]


class PaymentIn(Schema):
    amount: Number
    #: YYYY-MM-DD; today when left out
    received: dt.date | None = None
    reference: str = ""


class PayoutOut(Schema):
    organisation: str
    name: str
    amount: Decimal
    #: the transfer's end-to-end reference, on the bank file and the statement
    reference: str
    holder: str
    iban: str
    bic: str
    entry: int


class PayoutRunOut(Schema):
    id: int
    reference: str
    paid: dt.date
    currency: str
    total: Decimal
    payouts: list[PayoutOut]


class PayoutRunIn(Schema):
    #: the batch's reference (COOPNET-PAYOUT-<id> when left out)
    reference: str = ""
    #: YYYY-MM-DD; today when left out
    paid: dt.date | None = None


class StatementLineOut(Schema):
    date: dt.date
    entry: int
    narration: str
    memo: str
    #: positive: the network owes the organisation more
    amount: Decimal
    balance: Decimal


class StatementPayoutOut(Schema):
    reference: str
    run: str
    paid: dt.date
    amount: Decimal


class StatementOut(Schema):
    organisation: str
    name: str
    #: its account's name in the books (null: nothing has been posted to it yet)
    account: str | None
    currency: str
    #: what the network owes it now (negative: what it owes the network)
    balance: Decimal
    #: all that fell due to it, all it was paid, all its shared services charged it, to date
    owed: Decimal
    paid: Decimal
    charged: Decimal
    #: the latest lines, oldest first, with the running balance
    lines: list[StatementLineOut]
    payouts: list[StatementPayoutOut]


class BankAccountOut(Schema):
    organisation: str
    #: empty (and `updated` null) until its admins give them
    holder: str
    iban: str
    bic: str
    updated: dt.datetime | None


class BankAccountIn(Schema):
    holder: str
    iban: str
    bic: str = ""


class BalanceOut(Schema):
    account: str
    #: debit positive, credit negative
    balance: Decimal


class TrialBalanceOut(Schema):
    currency: str
    accounts: list[BalanceOut]
    #: the sum of every balance: 0.00 in books that balance
    total: Decimal


class PostingOut(Schema):
    account: str
    amount: Decimal
    memo: str


class EntryOut(Schema):
    id: int
    date: dt.date
    kind: str
    narration: str
    reverses: int | None
    currency: str
    postings: list[PostingOut]


class ServiceMonthIn(Schema):
    #: YYYY-MM
    period: str


class ServiceMonthOut(Schema):
    service: str
    #: YYYY-MM
    period: str
    fees_entry: int | None
    cost_entry: int | None


class SettingsOut(Schema):
    #: the network's currency (a deployment setting, not changed here)
    currency: str
    #: VAT on invoices: 0.2 is 20%
    vat_rate: Decimal
    legal_name: str
    address: str
    vat_number: str
    iban: str
    bic: str


class SettingsIn(Schema):
    """Any of the settings; those left out stay as they are."""

    vat_rate: Number | None = None
    legal_name: str | None = None
    address: str | None = None
    vat_number: str | None = None
    iban: str | None = None
    bic: str | None = None
