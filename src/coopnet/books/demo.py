"""Demo books, on top of the seeded demo network: the network's invoicing details (20% VAT, the
account payouts leave from), every organisation's bank details, the shared services' months
charged, and the formed contracts walked through every stage of their money, all through the
services, as a coordinator and the posting organisations' admins would:

1. paid out: delivered, invoiced, paid in full, and its partners paid in a payout run;
2. partly paid: delivered and invoiced; the client paid part before the run and part after, so
   its partners are owed the rest on their statements;
3. delivered and invoiced, not yet paid;
4. two milestones, the first delivered (invoiced), the second still to do;
5. cancelled with a credit note: the first of two milestones invoiced, the client withdrew, the
   invoice was cancelled by a credit note and the contract with a reason.

Everything is dated today (the services date what they do) except the service months, dated
their first days, which are charged first; so the demo can be seeded on any day of the year.
Deterministic, given the contracts the demo's formations made (fewer than five: the first
stages are taken first)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from schwifty import IBAN

from coopnet.books import details, services, settlement
from coopnet.books.models import Contract, Invoice, ServiceMonth
from coopnet.common.models import Coordinator
from coopnet.directory.models import Membership, Organisation
from coopnet.engine.money import CENT
from coopnet.sharedservices.models import FeeSchedule

NETWORK = {
    "legal_name": "Coopnet Demo Network Ltd",
    "address": "1 Union Street\nManchester M4 1AA\nUnited Kingdom",
    "vat_number": "GB123456789",
    "vat_rate": "0.2",
    "iban": "GB29NWBK60161331926819",
    "bic": "NWBKGB2L",
}
#: the demo organisations bank with one bank, an account each from this number on
BANK_CODE, FIRST_ACCOUNT = "NWBK601613", 40_000_000
CREDIT_REASON = "The client withdrew after the discovery phase; nothing more is owed."
CANCEL_REASON = "The client withdrew after the discovery phase."


def _admin(organisation: Organisation) -> User:
    membership = organisation.memberships.filter(role=Membership.ADMIN).order_by("pk").first()
    assert membership is not None  # every demo organisation has its admin
    return membership.user


def _share(amount: Decimal, fraction: str) -> Decimal:
    return (amount * Decimal(fraction)).quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def seed_demo() -> None:
    """Add the demo books to the seeded demo network (see the module docstring)."""
    coordinator = Coordinator.objects.select_related("user").order_by("pk").first()
    if coordinator is None:
        return
    actor = coordinator.user
    details.books_settings_set(actor=actor, **NETWORK)
    _bank_details()
    _charge_service_months(actor)
    contracts = list(Contract.objects.filter(status=Contract.RUNNING).order_by("pk"))
    contracts.sort(key=lambda c: -c.shares.count())  # the most partners are paid out
    for contract, stage in zip(contracts, STAGES, strict=False):
        stage(actor, contract)
    settlement.payout_run(actor=actor)
    if len(contracts) > 1:  # the partly paid contract's client pays some more after the run
        _pay(actor, contracts[1], "0.25", "BACS 2/3")


def _bank_details() -> None:
    """Each organisation's admin gives its bank details."""
    for k, organisation in enumerate(Organisation.objects.order_by("pk")):
        iban = IBAN.generate("GB", bank_code=BANK_CODE, account_code=f"{FIRST_ACCOUNT + k:08d}")
        details.bank_account_set(
            actor=_admin(organisation), organisation_slug=organisation.slug,
            holder=organisation.name[:70], iban=iban.compact, bic=NETWORK["bic"],
        )  # fmt: skip


def _charge_service_months(actor: User) -> None:
    """Every month with a fee schedule that has begun, charged to the services' members."""
    begun = FeeSchedule.objects.filter(period__lte=timezone.localdate())
    for period in sorted(set(begun.values_list("period", flat=True))):
        if not ServiceMonth.objects.filter(period=period).exists():
            settlement.service_month_charge(actor=actor, period=period)


def _deliver(contract: Contract, position: int = 1) -> Invoice:
    milestone = contract.milestones.get(position=position)
    admin = _admin(contract.posted_by)
    return services.milestone_deliver(actor=admin, milestone_id=milestone.pk)


def _pay(actor: User, contract: Contract, fraction: str, reference: str) -> None:
    invoice = contract.invoices.filter(kind=Invoice.INVOICE).order_by("number").first()
    assert invoice is not None
    amount = _share(invoice.gross, fraction)
    settlement.payment_record(
        actor=actor, invoice_id=invoice.pk, amount=amount, reference=reference
    )


def _paid_out(actor: User, contract: Contract) -> None:
    _deliver(contract)
    _pay(actor, contract, "1", "BACS 1/1")


def _partly_paid(actor: User, contract: Contract) -> None:
    _deliver(contract)
    _pay(actor, contract, "0.4", "BACS 1/3")


def _invoiced(actor: User, contract: Contract) -> None:
    _deliver(contract)


def _two_milestones(contract: Contract, first: str) -> None:
    part = _share(contract.value, "0.4")
    services.milestones_set(
        actor=_admin(contract.posted_by), contract_id=contract.pk,
        milestones=[{"title": first, "amount": part},
                    {"title": "Delivery", "amount": contract.value - part}],
    )  # fmt: skip


def _first_of_two_delivered(actor: User, contract: Contract) -> None:
    _two_milestones(contract, "Design")
    _deliver(contract, position=1)


def _cancelled_with_credit_note(actor: User, contract: Contract) -> None:
    _two_milestones(contract, "Discovery")
    invoice = _deliver(contract, position=1)
    settlement.credit_note_issue(actor=actor, invoice_id=invoice.pk, reason=CREDIT_REASON)
    services.contract_cancel(
        actor=_admin(contract.posted_by), contract_id=contract.pk, reason=CANCEL_REASON
    )


#: what happens to the demo's contracts, in order (see the module docstring)
STAGES: tuple[Callable[[User, Contract], None], ...] = (
    _paid_out, _partly_paid, _invoiced, _first_of_two_delivered, _cancelled_with_credit_note,
)  # fmt: skip
