"""The books: contracts after formation, their milestones, the network's invoices to clients,
the clients' payments, payouts to organisations, and the double-entry journal under them all.

Who sees what (selectors enforce it; models only store):
- a contract, its milestones and invoices: the posting organisation, the partners and the
  network's coordinator; a partner's frozen payout is seen as the proposal showed it;
- an organisation's account, statement, payouts and bank details: its own members (bank
  details: its admins) and the coordinator; never another organisation;
- the network's books (every account): the coordinator.
Nothing here holds a rate, a capacity or a cost: the books know amounts agreed and moved.

Issued invoices and posted entries are never changed or deleted: a credit note cancels an
invoice, a reversing entry corrects an entry. The database refuses an edit (a trigger on both
SQLite and PostgreSQL) and, on PostgreSQL, an entry whose postings do not sum to zero when its
transaction commits (migration 0002).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coopnet.common.access import ADMIN, Rule
from coopnet.common.amounts import MONEY, Digits
from coopnet.directory.models import Organisation
from coopnet.opportunities.models import Opportunity, Proposal
from coopnet.sharedservices.models import SharedService

#: a rate such as VAT (0.2 is 20%)
RATE: Digits = {"max_digits": 5, "decimal_places": 4}
HALF_CENT = models.Value(Decimal("0.005"))


class BooksSettings(models.Model):
    """One row: what the network puts on its invoices and pays from, set by the coordinator."""

    #: VAT charged on invoices to clients (0.2 is 20%; 0 for none)
    vat_rate = models.DecimalField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(1)], **RATE
    )
    #: the invoicing party: the network's legal name, address and VAT number
    legal_name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    vat_number = models.CharField(max_length=40, blank=True)
    #: the account payouts are paid from (the debtor of a pain.001 batch)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)


class BankAccount(models.Model):
    """Where an organisation is paid: private to its admins and the coordinator."""

    access = Rule(owner="organisation", view=ADMIN)

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="bank_account"
    )
    holder = models.CharField(max_length=70)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    updated = models.DateTimeField(auto_now=True)


class Contract(models.Model):
    """A formed consortium's agreement, frozen when the last partner accepted."""

    RUNNING, COMPLETED, CANCELLED = "running", "completed", "cancelled"
    STATUSES = [(RUNNING, "Running"), (COMPLETED, "Completed"), (CANCELLED, "Cancelled")]

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="contract")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="contracts")
    posted_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    client = models.CharField(max_length=200)
    client_address = models.TextField(blank=True)
    value = models.DecimalField(**MONEY)
    commission = models.DecimalField(**MONEY)
    finder = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finder_fee = models.DecimalField(default=0, **MONEY)
    status = models.CharField(max_length=10, choices=STATUSES, default=RUNNING)
    cancel_reason = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    closed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def holder(self) -> str:
        """What holds its people's hours in the directory's reservations."""
        return f"contract:{self.pk}"


class Share(models.Model):
    """A partner's agreed payout, frozen from the proposal."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    payout = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "organisation"], name="one_share_each")
        ]


class Milestone(models.Model):
    """A part of the contract's value, invoiced when the posting organisation marks it
    delivered."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY)
    delivered = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="milestone_position"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="milestone_amount"),
        ]


class Counter(models.Model):
    """A gapless sequence (invoice numbers), and the lock a payout run holds."""

    name = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)


class Account(models.Model):
    """An account of the books, named as Beancount names it (`Liabilities:Organisations:X`).
    An organisation's accounts carry it; a shared service's carry the service."""

    name = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    service = models.ForeignKey(
        SharedService, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    opened = models.DateField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JournalEntry(models.Model):
    """A change of money: postings that sum to zero. Never changed once posted."""

    INVOICE, CREDIT_NOTE, PAYMENT, PAYOUT = "invoice", "credit_note", "payment", "payout"
    SERVICE_FEES, SERVICE_COST, REVERSAL = "service_fees", "service_cost", "reversal"
    KINDS = [
        (INVOICE, "Invoice"),
        (CREDIT_NOTE, "Credit note"),
        (PAYMENT, "Client payment"),
        (PAYOUT, "Payout"),
        (SERVICE_FEES, "Shared-service fees"),
        (SERVICE_COST, "Shared-service cost"),
        (REVERSAL, "Reversal"),
    ]

    date = models.DateField()
    kind = models.CharField(max_length=16, choices=KINDS)
    narration = models.CharField(max_length=300)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name_plural = "journal entries"


class Invoice(models.Model):
    """The network's invoice to a client for a delivered milestone, or a credit note that
    cancels what is still owed on one. Numbered without gaps, one sequence for both."""

    INVOICE, CREDIT_NOTE = "invoice", "credit_note"
    KINDS = [(INVOICE, "Invoice"), (CREDIT_NOTE, "Credit note")]

    number = models.PositiveIntegerField(unique=True)
    kind = models.CharField(max_length=12, choices=KINDS, default=INVOICE)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoices")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    #: the invoice a credit note cancels (what was owing on it then: a payment reversed after
    #: it, as bounced, is owed again, and may be cancelled by another)
    credits = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    reason = models.TextField(blank=True)
    issued = models.DateField()
    client = models.CharField(max_length=200)
    client_address = models.TextField(blank=True)
    description = models.CharField(max_length=300)
    net = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(**RATE)
    vat = models.DecimalField(**MONEY)
    gross = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="invoice")

    class Meta:
        ordering = ["number"]
        constraints = [
            # Within half a cent: the amounts are whole cents, so on PostgreSQL this is gross ==
            # net + vat exactly; SQLite adds decimals in binary floating point (0.1 + 0.02 is
            # 0.12000000000000001), where an exact comparison refuses good invoices.
            models.CheckConstraint(
                condition=models.Q(gross__gt=models.F("net") + models.F("vat") - HALF_CENT)
                & models.Q(gross__lt=models.F("net") + models.F("vat") + HALF_CENT),
                name="gross_is_net_vat",
            )
        ]

    @property
    def code(self) -> str:
        prefix = "CN" if self.kind == self.CREDIT_NOTE else "INV"
        return f"{prefix}-{self.number:06d}"


class InvoicePart(models.Model):
    """Who gets what of an invoice's net as the client pays it: the commission, the finder's
    fee, each partner's share (its part of the milestone, in proportion to the contract)."""

    COMMISSION, FINDER, SHARE = "commission", "finder", "share"
    KINDS = [(COMMISSION, "Commission"), (FINDER, "Finder's fee"), (SHARE, "Partner's share")]

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="parts")
    kind = models.CharField(max_length=10, choices=KINDS)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    #: positive debits, negative credits
    amount = models.DecimalField(**MONEY)
    #: the invoice part that fell due by this posting (payments and their reversals)
    part = models.ForeignKey(
        InvoicePart, null=True, blank=True, on_delete=models.PROTECT, related_name="postings"
    )
    memo = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "entry"], name="posting_account_entry")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="posting_not_zero")
        ]


class Payment(models.Model):
    """Money a client paid against an invoice, recorded by the coordinator."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(**MONEY)
    received = models.DateField()
    reference = models.CharField(max_length=140, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payment")

    class Meta:
        ordering = ["received", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount")
        ]


class PayoutRun(models.Model):
    """One batch of transfers paying each organisation what is due."""

    reference = models.CharField(max_length=35)
    paid = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]


class Payout(models.Model):
    """What one organisation was paid in a run, and the bank details it was paid to then."""

    access = Rule(owner="organisation")

    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="payouts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY)
    #: the end-to-end reference of the transfer, on the bank file and the statement
    reference = models.CharField(max_length=35, unique=True)
    holder = models.CharField(max_length=70, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payout")

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount")
        ]


class ServiceMonth(models.Model):
    """A shared service's month charged to its members (and its cost booked): once each."""

    service = models.ForeignKey(SharedService, on_delete=models.PROTECT, related_name="+")
    period = models.DateField()
    fees = models.OneToOneField(JournalEntry, null=True, on_delete=models.PROTECT, related_name="+")
    cost = models.OneToOneField(JournalEntry, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "period"], name="one_charge_a_month")
        ]


class IdempotencyKey(models.Model):
    """A write the API already did for an `Idempotency-Key`: a retry gets the same answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="one_answer_per_key")
        ]
