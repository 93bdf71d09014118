"""What the books' services tell people (`notifications.notify`), in their transaction.

The contract's parties hear of a milestone delivered; an invoice and a payment against it are
the poster's and the coordinator's business (an invoice shows the contract's value); a payout
is told to the admins of the organisation paid, with its own amount only."""

from __future__ import annotations

from typing import Any

from coopnet.books.models import Contract, Invoice, Milestone, Payment, Payout
from coopnet.common.money import network_money
from coopnet.notifications import models as kinds
from coopnet.notifications.services import admins_of, coordinators, members_of, notify

DELIVERED_TEXT = "Milestone “{milestone}” of “{contract}” was delivered."
INVOICE_TEXT = "Invoice {code} was issued to {client} for “{contract}”: {milestone}."
PAYMENT_TEXT = "A payment from {client} was recorded against invoice {code}."
PAYOUT_TEXT = "A payout of {amount} to your organisation was made (reference {reference})."


def _parties(contract: Contract) -> list[int]:
    shares = contract.shares.values_list("organisation_id", flat=True)
    return [contract.posted_by_id, *shares]


def milestone_delivered(
    contract: Contract, milestone: Milestone, invoice: Invoice, actor: Any = None
) -> None:
    """Everyone in the contract's parties; then the poster's admins and the coordinators of
    the invoice it gave."""
    notify(
        recipients=members_of(_parties(contract)),
        kind=kinds.MILESTONE,
        text=DELIVERED_TEXT.format(milestone=milestone.title, contract=contract.title),
        link=f"/books/contracts/{contract.pk}/",
        actor=actor,
    )
    text = INVOICE_TEXT.format(code=invoice.code, client=contract.client,
                               contract=contract.title, milestone=milestone.title)  # fmt: skip
    notify(
        recipients=[*admins_of([contract.posted_by_id]), *coordinators()],
        kind=kinds.INVOICE,
        text=text,
        link=f"/books/invoices/{invoice.pk}/",
        actor=actor,
    )


def payment_recorded(invoice: Invoice, payment: Payment, actor: Any = None) -> None:
    """The poster's admins and the coordinators."""
    contract = invoice.contract
    notify(
        recipients=[*admins_of([contract.posted_by_id]), *coordinators()],
        kind=kinds.PAYMENT,
        text=PAYMENT_TEXT.format(client=invoice.client, code=invoice.code),
        link=f"/books/invoices/{invoice.pk}/",
        actor=actor,
    )


def payout_made(payout: Payout) -> None:
    """The admins of the organisation paid, of its own payout."""
    organisation = payout.organisation
    notify(
        recipients=admins_of([organisation.pk]),
        kind=kinds.PAYOUT,
        text=PAYOUT_TEXT.format(amount=network_money(payout.amount), reference=payout.reference),
        link=f"/books/organisations/{organisation.slug}/payouts/",
    )
