"""A synthetic ledger for the ledger benchmark, as the services would have written it.

Day after day from `START`, the network's consortia deliver milestones (each invoiced to its
client with 20% VAT: Dr receivables, Cr VAT, Cr clearing; its net split into the commission and
three partners' shares as `InvoicePart`s); clients pay each invoice in one or two payments some
weeks later (Dr bank, Cr receivables; Dr clearing, Cr commission, Cr each partner's account for
its part of the net received, the last payment closing every part exactly); and every Friday a
payout run pays each organisation what it is owed (Dr its account, Cr bank; a `PayoutRun` and a
`Payout` each). Partners are drawn with weights 1/√rank, so some organisations are much busier
than the median. It stops at the end of the day on which the postings reach the target.

Amounts are whole cents (ints) while generating; the rows are written as PostgreSQL `COPY`
text, one buffer per table, so that a million postings load in seconds (`load`).
"""

from __future__ import annotations

import datetime as dt
import heapq
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

START = dt.date(2023, 1, 2)
SEED = 7
PARTNERS = 3
VAT_PERCENT = 20
COMMISSION_PERCENT = 5
CONTRACTS_PER_ORGANISATION = 5
NOON = dt.time(12, tzinfo=dt.UTC)


def cents(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


def _cell(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class CopyTable:
    """A table's rows as COPY text, in the order of the model's concrete fields; a field not
    given takes the model's default (Django's defaults are not the database's)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, **values: Any) -> int:
        self.rows += 1
        values.setdefault("id", self.rows)
        cells = []
        for f in self.fields:
            if f.attname in values:
                cells.append(_cell(values[f.attname]))
            elif f.has_default():
                cells.append(_cell(f.get_default()))
            elif f.null:
                cells.append("\\N")
            else:
                cells.append("")  # a blank CharField
        self.buffer.write("\t".join(cells) + "\n")
        return int(values["id"])

    def statement(self) -> str:
        columns = ", ".join(f.column for f in self.fields)
        return f"COPY {self.model._meta.db_table} ({columns}) FROM STDIN"


@dataclass
class Contract:
    poster: int
    partners: list[int]
    weights: list[float]
    milestones: list[int] = field(default_factory=list)  # net of each, in cents


def split(amount: int, weights: list[int] | list[float]) -> list[int]:
    """`amount` cents in proportion to `weights`, largest remainders first: exact."""
    total = sum(weights)
    exact = [amount * w / total for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: amount - sum(parts)]:
        parts[i] += 1
    return parts


class Builder:
    """Writes the journal tables' rows; `accounts` maps an organisation (or a fixed name) to
    its account id."""

    def __init__(self, models: dict[str, Any], organisations: int, coordinator: int) -> None:
        self.rng = random.Random(SEED)
        self.tables = {name: CopyTable(model) for name, model in models.items()}
        self.organisations = organisations
        self.coordinator = coordinator
        ranks = list(range(1, organisations + 1))
        self.rng.shuffle(ranks)
        self.org_weights = [1 / r**0.5 for r in ranks]
        count = organisations * CONTRACTS_PER_ORGANISATION
        self.contracts = [self._contract() for _ in range(count)]
        self.owed: dict[int, int] = defaultdict(int)
        self.pending: list[tuple[dt.date, int, int, int]] = []  # day, order, invoice, gross
        self.invoices: dict[int, dict[str, Any]] = {}
        self.postings = 0

    # accounts: 1 bank, 2 receivables, 3 VAT, 4 clearing, 5 commission, 5 + k organisation k
    BANK, RECEIVABLES, VAT, CLEARING, COMMISSION = 1, 2, 3, 4, 5

    @staticmethod
    def org_account(organisation: int) -> int:
        return 5 + organisation

    def _contract(self) -> Contract:
        orgs = range(1, self.organisations + 1)
        partners: set[int] = set()
        while len(partners) < PARTNERS:
            partners.update(self.rng.choices(orgs, self.org_weights, k=PARTNERS - len(partners)))
        weights = [self.rng.uniform(0.5, 1.5) for _ in partners]
        return Contract(self.rng.randrange(1, self.organisations + 1), sorted(partners), weights)

    def _entry(self, day: dt.date, kind: str, narration: str, contract: int | None) -> int:
        return self.tables["entry"].add(
            date=day, kind=kind, narration=narration, contract_id=contract,
            created_by_id=self.coordinator, created=dt.datetime.combine(day, NOON),
        )  # fmt: skip

    def _post(self, entry: int, account: int, amount: int, part: int | None = None) -> None:
        memo = (
            ""
            if part is None
            else ("Commission" if account == self.COMMISSION else "Partner's share")
        )
        self.tables["posting"].add(
            entry_id=entry, account_id=account, amount=cents(amount), part_id=part, memo=memo
        )
        self.postings += 1

    def deliver(self, day: dt.date) -> None:
        """A milestone of a random contract delivered and invoiced; its payments scheduled."""
        number = self.rng.randrange(len(self.contracts))
        contract = self.contracts[number]
        net = self.rng.randint(100_000, 2_000_000)
        contract.milestones.append(net)
        vat = net * VAT_PERCENT // 100
        position = len(contract.milestones)
        client = f"Client {number + 1}"
        entry = self._entry(
            day, "invoice", f"Invoice to {client}: Contract {number + 1}, Milestone {position}",
            number + 1,
        )  # fmt: skip
        self._post(entry, self.RECEIVABLES, net + vat)
        self._post(entry, self.VAT, -vat)
        self._post(entry, self.CLEARING, -net)
        invoice = self.tables["invoice"].add(
            number=self.tables["invoice"].rows + 1, kind="invoice", contract_id=number + 1,
            milestone_id=None, issued=day, client=client,
            description=f"Contract {number + 1}: Milestone {position}", net=cents(net),
            vat_rate="0.2000", vat=cents(vat), gross=cents(net + vat), currency="GBP",
            entry_id=entry,
        )  # fmt: skip
        commission = net * COMMISSION_PERCENT // 100
        amounts = [commission, *split(net - commission, contract.weights)]
        owners = [None, *contract.partners]
        parts = [
            (self.tables["part"].add(
                invoice_id=invoice, kind="commission" if org is None else "share",
                organisation_id=org, amount=cents(amount),
            ), org, amount)
            for org, amount in zip(owners, amounts, strict=True)
        ]  # fmt: skip
        self.invoices[invoice] = {"net": net, "gross": net + vat, "paid": 0, "parts": parts,
                                  "open": list(amounts), "entry_contract": number + 1,
                                  "client": client, "code": f"INV-{invoice:06d}"}  # fmt: skip
        self._schedule(day, invoice, net + vat)

    def _schedule(self, day: dt.date, invoice: int, gross: int) -> None:
        if self.rng.random() < 0.5:
            payments = [(self.rng.randint(10, 40), gross)]
        else:
            first = gross * self.rng.randint(30, 70) // 100
            payments = [
                (self.rng.randint(10, 30), first),
                (self.rng.randint(35, 60), gross - first),
            ]
        for days, amount in payments:
            due = day + dt.timedelta(days=days)
            heapq.heappush(self.pending, (due, len(self.pending) + self.postings, invoice, amount))

    def pay(self, day: dt.date, invoice: int, amount: int) -> None:
        """A client's payment: what falls due of the net goes to the commission and shares."""
        state = self.invoices[invoice]
        before = state["paid"] * state["net"] // state["gross"]
        state["paid"] += amount
        final = state["paid"] == state["gross"]
        now = state["net"] if final else state["paid"] * state["net"] // state["gross"]
        due = list(state["open"]) if final else split(now - before, state["open"])
        entry = self._entry(
            day, "payment", f"Payment from {state['client']} for {state['code']}",
            state["entry_contract"],
        )  # fmt: skip
        self._post(entry, self.BANK, amount)
        self._post(entry, self.RECEIVABLES, -amount)
        if now - before:
            self._post(entry, self.CLEARING, now - before)
        for k, ((part, org, _), share) in enumerate(zip(state["parts"], due, strict=True)):
            state["open"][k] -= share
            if share:
                account = self.COMMISSION if org is None else self.org_account(org)
                self._post(entry, account, -share, part)
                if org is not None:
                    self.owed[org] += share
        self.tables["payment"].add(
            invoice_id=invoice, amount=cents(amount), received=day, reference="",
            recorded_by_id=self.coordinator, entry_id=entry,
        )  # fmt: skip
        if final:
            del self.invoices[invoice]

    def payout_run(self, day: dt.date) -> None:
        run = self.tables["run"].rows + 1
        reference = f"COOPNET-PAYOUT-{run}"
        self.tables["run"].add(
            reference=reference, paid=day, created_by_id=self.coordinator,
            created=dt.datetime.combine(day, NOON),
        )  # fmt: skip
        for org in sorted(o for o, amount in self.owed.items() if amount > 0):
            amount = self.owed.pop(org)
            entry = self._entry(day, "payout", f"Payout {reference}", None)
            self._post(entry, self.org_account(org), amount)
            self._post(entry, self.BANK, -amount)
            self.tables["payout"].add(
                run_id=run, organisation_id=org, amount=cents(amount),
                reference=f"R{run}-{org}", entry_id=entry,
            )  # fmt: skip

    def run(self, target: int, per_day: int) -> dt.date:
        """Days of business until the postings reach `target`; returns the last day."""
        day = START
        while True:
            for _ in range(per_day):
                self.deliver(day)
            while self.pending and self.pending[0][0] <= day:
                _, _, invoice, amount = heapq.heappop(self.pending)
                self.pay(day, invoice, amount)
            if day.weekday() == 4:
                self.payout_run(day)
            if self.postings >= target:
                return day
            day += dt.timedelta(days=1)
