"""A network of organisations and its books, driven by random operations through the real
services, next to a model of what the books should say, kept from what the operations did (the
payments recorded, the payouts made, the fees charged) and never read back from the books.

Each operation is a name and a seed: the seed drives every choice the operation makes (which
invoice, how much), so a sequence of (name, seed) pairs replays exactly, and hypothesis can
shrink one. Contracts are built as rows (running the solver for each would be slow); every
change of money goes through books.services and books.settlement.
"""

import datetime as dt
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Max
from invariants import dues_by_organisation

from coopnet.books import details, services, settlement
from coopnet.books.models import Contract, JournalEntry, Milestone, Share
from coopnet.directory.models import Organisation
from coopnet.engine.money import CENT, allocate
from coopnet.opportunities.models import FormationRun, Opportunity, Proposal
from coopnet.sharedservices.models import Fee, FeeSchedule, SharedService

OPERATIONS = {
    # name: weight in a random sequence
    "form": 8,
    "deliver": 12,
    "pay": 24,
    "overpay": 3,
    "credit": 4,
    "payout": 6,
    "reverse": 7,
    "misreverse": 2,
    "charge": 2,
    "cancel": 2,
    "vat": 2,
}
VAT_RATES = ["0", "0.2", "0.175", "0.05", "0.0725"]


def cents(n: int) -> Decimal:
    return (Decimal(n) * CENT).quantize(CENT)


def amount_up_to(rng: random.Random, top: Decimal) -> Decimal:
    """A whole amount at least a cent: often all of `top`, sometimes a few cents, else any."""
    n, roll = int(top / CENT), rng.random()
    if roll < 0.3:
        return top
    return cents(rng.randint(1, min(n, 5)) if roll < 0.45 else rng.randint(1, n))


def split(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """`total` cut at random into `parts` amounts of at least a cent each."""
    n = int(total / CENT)
    cuts = sorted(rng.sample(range(1, n), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, n]
    return [cents(b - a) for a, b in itertools.pairwise(bounds)]


@dataclass
class Deal:
    """A contract as the test made it."""

    pk: int
    poster: int
    parties: set[int]  # the poster and the partners: who may see it
    finder: int | None
    milestones: list[int]  # not yet delivered
    invoices: list[int] = field(default_factory=list)
    running: bool = True


@dataclass
class Expected:
    """What the books should say, from what the operations did."""

    owing: dict[int, Decimal] = field(default_factory=dict)  # invoice pk -> still owed
    gross: dict[int, Decimal] = field(default_factory=dict)
    credited: set[int] = field(default_factory=set)
    payments: dict[int, tuple[int, Decimal]] = field(default_factory=dict)  # live, by entry
    payouts: dict[int, tuple[int, Decimal]] = field(default_factory=dict)  # live, by entry
    paid: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    fees: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    service: defaultdict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    bank: Decimal = Decimal(0)
    invoices: int = 0  # invoices and credit notes issued
    refusals: int = 0


class World:
    """The network (built once by `network`) and the books grown on it by `apply`."""

    def __init__(self, network: "Network") -> None:
        self.net = network
        self.deals: list[Deal] = []
        self.expected = Expected()
        self.charged: set[dt.date] = set()

    # -- the operations --------------------------------------------------------------------

    def apply(self, name: str, seed: int) -> None:
        getattr(self, f"_{name}")(random.Random(seed))

    def _form(self, rng: random.Random) -> None:
        deal = build_contract(self.net, rng)
        self.deals.append(deal)

    def _deliver(self, rng: random.Random) -> None:
        deals = [d for d in self.deals if d.running and d.milestones]
        if not deals:
            return
        deal = rng.choice(deals)
        milestone = deal.milestones.pop(rng.randrange(len(deal.milestones)))
        actor = self.net.admin[deal.poster]
        invoice = services.milestone_deliver(actor=actor, milestone_id=milestone)
        self.expected.invoices += 1
        assert invoice.number == self.expected.invoices
        self.expected.owing[invoice.pk] = self.expected.gross[invoice.pk] = invoice.gross
        deal.invoices.append(invoice.pk)
        deal.running = bool(deal.milestones)

    def _owing(self) -> list[int]:
        return sorted(pk for pk, owing in self.expected.owing.items() if owing > 0)

    def _pay(self, rng: random.Random) -> None:
        if not (owing := self._owing()):
            return
        invoice = rng.choice(owing)
        amount = amount_up_to(rng, self.expected.owing[invoice])
        payment = settlement.payment_record(
            actor=self.net.coordinator, invoice_id=invoice, amount=str(amount), reference="x"
        )
        self.expected.owing[invoice] -= amount
        self.expected.payments[payment.entry_id] = (invoice, amount)
        self.expected.bank += amount

    def _overpay(self, rng: random.Random) -> None:
        if not self.expected.owing:
            return
        invoice = rng.choice(sorted(self.expected.owing))
        amount = self.expected.owing[invoice] + cents(rng.randint(1, 100_000))
        self._refused("amount", settlement.payment_record, invoice_id=invoice, amount=str(amount))

    def _credit(self, rng: random.Random) -> None:
        if not (owing := self._owing()):
            return
        invoice = rng.choice(owing)
        note = settlement.credit_note_issue(
            actor=self.net.coordinator, invoice_id=invoice, reason="Withdrawn"
        )
        self.expected.invoices += 1
        assert note.number == self.expected.invoices
        assert note.gross == -self.expected.owing[invoice]
        self.expected.owing[invoice] = Decimal(0)
        self.expected.credited.add(invoice)

    def _payout(self, rng: random.Random) -> None:
        owed = {pk: b for pk, b in self.balances().items() if b > 0}
        run = settlement.payout_run(
            actor=self.net.coordinator, reference=f"RUN{rng.randint(0, 99)}"
        )
        if run is None:
            assert owed == {}
            return
        payouts = list(run.payouts.all())
        assert {p.organisation_id: p.amount for p in payouts} == owed
        for payout in payouts:
            self.expected.payouts[payout.entry_id] = (payout.organisation_id, payout.amount)
            self.expected.paid[payout.organisation_id] += payout.amount
            self.expected.bank -= payout.amount

    def _reverse(self, rng: random.Random) -> None:
        live = sorted([*self.expected.payments, *self.expected.payouts])
        if not live:
            return
        entry = rng.choice(live)
        settlement.entry_reverse(actor=self.net.coordinator, entry_id=entry, reason="Bounced")
        if entry in self.expected.payments:
            invoice, amount = self.expected.payments.pop(entry)
            self.expected.owing[invoice] += amount
            self.expected.bank -= amount
        else:
            organisation, amount = self.expected.payouts.pop(entry)
            self.expected.paid[organisation] -= amount
            self.expected.bank += amount

    def _misreverse(self, rng: random.Random) -> None:
        """Reversing an invoice, a credit note, a reversal or an entry reversed already."""
        kinds = [JournalEntry.INVOICE, JournalEntry.CREDIT_NOTE, JournalEntry.REVERSAL]
        wrong = list(JournalEntry.objects.filter(kind__in=kinds).values_list("pk", flat=True))
        wrong += JournalEntry.objects.filter(reversed_by__isnull=False).values_list("pk", flat=True)
        if wrong:
            self._refused(None, settlement.entry_reverse, entry_id=rng.choice(wrong), reason="x")

    def _charge(self, rng: random.Random) -> None:
        months = [m for m in self.net.months if m not in self.charged]
        if not months:
            period = rng.choice(self.net.months)
            self._refused(None, settlement.service_month_charge, period=period)
            return
        period = rng.choice(months)
        settlement.service_month_charge(actor=self.net.coordinator, period=period)
        self.charged.add(period)
        for schedule in FeeSchedule.objects.filter(period=period).prefetch_related("fees"):
            fees = [f for f in schedule.fees.all() if f.fee > 0]
            for fee in fees:
                self.expected.fees[fee.organisation_id] += fee.fee
            self.expected.service[schedule.service_id] += schedule.pooled_cost - sum(
                (f.fee for f in fees), Decimal(0)
            )
            self.expected.bank -= schedule.pooled_cost

    def _cancel(self, rng: random.Random) -> None:
        deals = [d for d in self.deals if d.running]
        if not deals:
            return
        deal = rng.choice(deals)
        actor = self.net.admin[deal.poster]
        if any(self.expected.owing[i] > 0 for i in deal.invoices):
            self._refused(
                None, services.contract_cancel, actor=actor, contract_id=deal.pk, reason="x"
            )
            return
        services.contract_cancel(actor=actor, contract_id=deal.pk, reason="Client withdrew")
        deal.running = False

    def _vat(self, rng: random.Random) -> None:
        details.books_settings_set(actor=self.net.coordinator, vat_rate=rng.choice(VAT_RATES))

    def _refused(self, key: str | None, write, actor: User | None = None, **kwargs) -> None:
        """`write` must refuse with a ValidationError (naming `key`) and post nothing."""
        before = JournalEntry.objects.aggregate(last=Max("pk"))["last"]
        with pytest.raises(ValidationError) as caught:
            write(actor=actor or self.net.coordinator, **kwargs)
        if key is not None:
            assert key in caught.value.message_dict
        assert JournalEntry.objects.aggregate(last=Max("pk"))["last"] == before
        self.expected.refusals += 1

    # -- what the model says ---------------------------------------------------------------

    def balances(self) -> dict[int, Decimal]:
        """What the network owes each organisation (credit balance) by the books' dues, less
        what the model says it was paid and charged."""
        due = dues_by_organisation()
        orgs = set(due) | set(self.expected.paid) | set(self.expected.fees)
        return {
            pk: due.get(pk, Decimal(0)) - self.expected.paid[pk] - self.expected.fees[pk]
            for pk in orgs
        }


@dataclass
class Network:
    coordinator: User
    organisations: list[Organisation]
    admin: dict[int, User]  # organisation pk -> its admin
    months: list[dt.date]
    counter: list[int] = field(default_factory=lambda: [0])


def build_network(coordinator: User, size: int, months: list[dt.date]) -> Network:
    """`size` organisations, each with an admin; three shared services with fee schedules for
    `months`, each charging some of the organisations."""
    from coopnet.directory.services import organisation_create

    organisations, admin = [], {}
    for n in range(size):
        user = User.objects.create_user(f"admin{n}", password="pw")
        org = organisation_create(name=f"Co-op {n}", slug=f"co-op-{n}", admin=user)
        organisations.append(org)
        admin[org.pk] = user
    rng = random.Random(size)
    for s in range(3):
        service = SharedService.objects.create(
            name=f"Service {s}", slug=f"service-{s}", fixed_cost=Decimal(100)
        )
        members = rng.sample(organisations, rng.randint(2, 12))
        for month in months:
            _schedule(rng, service, month, members)
    return Network(coordinator, organisations, admin, months)


def _schedule(rng, service, month, members) -> None:
    fees = [cents(rng.choice([0, rng.randint(1, 50_000)])) for _ in members]
    cost = sum(fees, Decimal(0)) + cents(rng.randint(0, 20_000))
    zero = Decimal(0)
    schedule = FeeSchedule.objects.create(
        service=service, period=month, pooled_cost=cost, fixed_cost=cost, per_member_cost=zero,
        unit_cost=zero, members_per_unit=1,
    )  # fmt: skip
    Fee.objects.bulk_create(
        Fee(schedule=schedule, organisation=org, fee=fee, alone_cost=fee, hours_alone=zero,
            saving=zero)
        for org, fee in zip(members, fees, strict=True)
    )  # fmt: skip


def build_contract(net: Network, rng: random.Random) -> Deal:
    """A formed contract as rows: a poster, partners (the poster among them or not), maybe a
    finder, a value split into commission, finder's fee and shares; then its milestones set
    through the service."""
    net.counter[0] += 1
    parties = rng.sample(net.organisations, rng.randint(2, 5))
    poster, partners = parties[0], parties[rng.randint(0, 1) :]
    finder = rng.choice(net.organisations) if rng.random() < 0.3 else None
    n_milestones = rng.randint(1, 4)
    value = cents(rng.randint(10, 10 ** rng.randint(2, 9)))
    commission = (value * Decimal(rng.choice(["0", "0.05", "0.1333"]))).quantize(CENT)
    most = int((value - commission) / CENT) // 10
    finder_fee = cents(rng.randint(0, most) if finder else 0)
    rest = value - commission - finder_fee
    payouts = allocate(rest, [rng.randint(1, 100) for _ in partners])
    title = f"Contract {net.counter[0]}"
    opportunity = Opportunity.objects.create(
        posted_by=poster, title=title, client=f"Client {rng.randint(1, 9)}", value=value,
        deadline=dt.date(2026, 9, 1), status=Opportunity.FORMED,
    )  # fmt: skip
    run = FormationRun.objects.create(opportunity=opportunity, status=FormationRun.DONE)
    proposal = Proposal.objects.create(
        opportunity=opportunity, run=run, kind=Proposal.CHEAPEST, cost=0, status=Proposal.FORMED
    )
    contract = Contract.objects.create(
        proposal=proposal, opportunity=opportunity, posted_by=poster, title=title,
        client=opportunity.client, value=value, commission=commission, finder=finder,
        finder_fee=finder_fee,
    )  # fmt: skip
    Share.objects.bulk_create(
        Share(contract=contract, organisation=o, payout=p)
        for o, p in zip(partners, payouts, strict=True)
    )
    Milestone.objects.create(contract=contract, position=1, title="Delivery", amount=value)
    amounts = split(rng, value, n_milestones)
    services.milestones_set(
        actor=net.admin[poster.pk],
        contract_id=contract.pk,
        milestones=[{"title": f"Part {i}", "amount": str(a)} for i, a in enumerate(amounts)],
    )
    milestones = list(contract.milestones.order_by("position").values_list("pk", flat=True))
    return Deal(
        contract.pk, poster.pk, {o.pk for o in parties}, finder.pk if finder else None, milestones
    )
