"""The books' API, mounted at /api/books. Entry points only: parse, call a selector or service,
shape the answer. Who may see what is the selectors' (contracts and invoices: the posting
organisation, the partners and the coordinator; an organisation's statement: its members and
the coordinator; its bank details: its admins and the coordinator; the network's books: the
coordinator). Authentication 404s anyone else before the request's body is read, so that an
outsider gets 404 whatever it sends. Recording a payment and running payouts take an
`Idempotency-Key` (books.idempotency)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from coopnet.books import details, selectors, services, settlement
from coopnet.books.answers import (
    bank_account_answer,
    contract_answer,
    entry_answer,
    invoice_answer,
    payment_answer,
    run_answer,
    settings_answer,
    statement_answer,
)
from coopnet.books.idempotency import KEY_HEADER, idempotent
from coopnet.books.models import Contract
from coopnet.books.schemas import (
    BankAccountIn,
    BankAccountOut,
    ClientIn,
    ContractOut,
    EntryOut,
    InvoiceOut,
    MilestonesIn,
    PaymentIn,
    PaymentOut,
    PayoutRunIn,
    PayoutRunOut,
    ReasonIn,
    ServiceMonthIn,
    ServiceMonthOut,
    SettingsIn,
    SettingsOut,
    StatementOut,
    TrialBalanceOut,
)
from coopnet.common.access import User, coordinator_or_404, is_coordinator
from coopnet.common.auth import guarded
from coopnet.common.money import network_currency
from coopnet.directory.selectors import memberships, organisation_for_member
from coopnet.sharedservices.pricing import parse_period

NOBODY_OWED = "Nobody is owed anything: no payout run was made."


def _organisation_visible(user: User, slug: str) -> None:
    if not is_coordinator(user):
        organisation_for_member(user, slug)


#: what the path names, and who may see it (Http404 for anyone else)
_FINDERS: dict[str, Any] = {
    "contract_id": selectors.contract_for_user,
    "milestone_id": selectors.milestone_for_user,
    "invoice_id": selectors.invoice_for_user,
    "entry_id": selectors.entry_for_user,
    "slug": _organisation_visible,
}


def _visible(request: HttpRequest, user: User) -> None:
    """404 unless `user` may see what the path names."""
    match = request.resolver_match
    for name, value in (match.kwargs if match else {}).items():
        if name in _FINDERS:
            _FINDERS[name](user, value)


def _coordinator(request: HttpRequest, user: User) -> None:
    coordinator_or_404(user)


router = Router(tags=["books"], auth=guarded(_visible))
#: the network's books: the coordinator's; a 404 for anyone else
COORDINATOR = guarded(_coordinator)


# Contracts ---------------------------------------------------------------------------------


def _contract(request: HttpRequest, contract: Contract) -> dict[str, Any]:
    """The contract as `request.user` may read it (`selectors.sees_contract_money`)."""
    own = set(memberships(request.user).values_list("organisation_id", flat=True))
    whole = selectors.sees_contract_money(request.user, contract)
    return contract_answer(contract, whole, own)


@router.get("/contracts", response=list[ContractOut], summary="List contracts")
def list_contracts(request: HttpRequest) -> list[dict[str, Any]]:
    """The contracts your organisations posted or are partners in (all, for the coordinator),
    newest first."""
    return [_contract(request, c) for c in selectors.contract_list(request.user)]


@router.get("/contracts/{int:contract_id}", response=ContractOut, summary="Get a contract")
def get_contract(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    """A contract with its milestones, the partners' frozen payouts and its invoices."""
    return _contract(request, selectors.contract_for_user(request.user, contract_id))


@router.put(
    "/contracts/{int:contract_id}/milestones", response=ContractOut, summary="Set milestones"
)
def set_milestones(request: HttpRequest, contract_id: int, body: MilestonesIn) -> dict[str, Any]:
    """Split the contract's value into milestones, before any is delivered: they must add up
    to the value exactly. The posting organisation's admins only."""
    services.milestones_set(
        actor=request.user,
        contract_id=contract_id,
        milestones=[{"title": m.title, "amount": str(m.amount)} for m in body.milestones],
    )
    return get_contract(request, contract_id)


@router.put("/contracts/{int:contract_id}/client", response=ContractOut, summary="Set the client")
def set_client(request: HttpRequest, contract_id: int, body: ClientIn) -> dict[str, Any]:
    """The client's name and address on the next invoices. The posting organisation's admins
    only, while the contract runs."""
    services.contract_client_set(
        actor=request.user, contract_id=contract_id, client=body.client, address=body.address
    )
    return get_contract(request, contract_id)


@router.post(
    "/milestones/{int:milestone_id}/delivery",
    response={201: InvoiceOut},
    summary="Mark a milestone delivered",
)
def deliver_milestone(request: HttpRequest, milestone_id: int) -> Status[Any]:
    """Mark a milestone delivered: the network invoices the client for it at once, and this
    answers that invoice. The posting organisation's admins only."""
    invoice = services.milestone_deliver(actor=request.user, milestone_id=milestone_id)
    return Status(201, get_invoice(request, invoice.pk))


@router.post(
    "/contracts/{int:contract_id}/cancellation", response=ContractOut, summary="Cancel a contract"
)
def cancel_contract(request: HttpRequest, contract_id: int, body: ReasonIn) -> dict[str, Any]:
    """Cancel a running contract, with a reason, while nothing invoiced is owing (a credit
    note cancels an invoice first). The posting organisation's admins only."""
    services.contract_cancel(actor=request.user, contract_id=contract_id, reason=body.reason)
    return get_contract(request, contract_id)


# Invoices and payments ---------------------------------------------------------------------


@router.get("/invoices", response=list[InvoiceOut], summary="List invoices")
def list_invoices(request: HttpRequest) -> list[dict[str, Any]]:
    """The invoices and credit notes of the contracts you may see, by number."""
    return [invoice_answer(i) for i in selectors.invoice_list(request.user).order_by("number")]


@router.get("/invoices/{int:invoice_id}", response=InvoiceOut, summary="Get an invoice")
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    """An invoice (or credit note): net, VAT, gross, what was paid, credited and is owing."""
    return invoice_answer(selectors.invoice_for_user(request.user, invoice_id))


@router.post(
    "/invoices/{int:invoice_id}/payments",
    response={201: PaymentOut},
    summary="Record a client's payment",
    openapi_extra=KEY_HEADER,
)
@idempotent("payment", PaymentOut)
def record_payment(request: HttpRequest, invoice_id: int, body: PaymentIn) -> Status[Any]:
    """Record what the client paid against an invoice: part of what is owing, or all of it,
    never more. The coordinator only. Safe to retry with an `Idempotency-Key`."""
    payment = settlement.payment_record(
        actor=request.user,
        invoice_id=invoice_id,
        amount=str(body.amount),
        received=body.received,
        reference=body.reference,
    )
    return Status(201, payment_answer(payment))


@router.post(
    "/invoices/{int:invoice_id}/credit-note",
    response={201: InvoiceOut},
    summary="Issue a credit note",
)
def issue_credit_note(request: HttpRequest, invoice_id: int, body: ReasonIn) -> Status[Any]:
    """Cancel what is still owing on an invoice with a credit note (answered), numbered in the
    invoices' sequence. The coordinator only."""
    note = settlement.credit_note_issue(
        actor=request.user, invoice_id=invoice_id, reason=body.reason
    )
    return Status(201, get_invoice(request, note.pk))


# Payouts and organisations' accounts ------------------------------------------------------


@router.post(
    "/payout-runs",
    response={201: PayoutRunOut},
    auth=COORDINATOR,
    summary="Run payouts",
    openapi_extra=KEY_HEADER,
)
@idempotent("payout-run", PayoutRunOut)
def run_payouts(request: HttpRequest, body: PayoutRunIn | None = None) -> Status[Any]:
    """Pay each organisation what the network owes it, one transfer each; 422 when nobody is
    owed anything. The coordinator only. Safe to retry with an `Idempotency-Key`."""
    body = body or PayoutRunIn()
    run = settlement.payout_run(actor=request.user, reference=body.reference, paid=body.paid)
    if run is None:
        raise ValidationError(NOBODY_OWED)
    return Status(201, run_answer(run))


@router.get(
    "/organisations/{slug}/statement", response=StatementOut, summary="An organisation's statement"
)
def get_statement(request: HttpRequest, slug: str) -> dict[str, Any]:
    """An organisation's account with the network: what fell due to it, what it was paid and
    when, what its shared services charged it. Its members and the coordinator only."""
    statement = selectors.statement(request.user, slug)
    payouts = selectors.payouts_of(request.user, slug).order_by("run__paid", "pk")
    return statement_answer(statement, payouts)


@router.get(
    "/organisations/{slug}/bank-account",
    response=BankAccountOut,
    summary="An organisation's bank details",
)
def get_bank_account(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Where the organisation is paid. Its admins and the coordinator only."""
    return bank_account_answer(slug, selectors.bank_account(request.user, slug))


@router.put(
    "/organisations/{slug}/bank-account",
    response=BankAccountOut,
    summary="Set an organisation's bank details",
)
def put_bank_account(request: HttpRequest, slug: str, body: BankAccountIn) -> dict[str, Any]:
    """Set where the organisation is paid (the IBAN and BIC are checked). Its admins only."""
    found = details.bank_account_set(
        actor=request.user, organisation_slug=slug, holder=body.holder, iban=body.iban, bic=body.bic
    )
    return bank_account_answer(slug, found)


# The network's books -----------------------------------------------------------------------


@router.get(
    "/trial-balance", response=TrialBalanceOut, auth=COORDINATOR, summary="The trial balance"
)
def get_trial_balance(request: HttpRequest) -> dict[str, Any]:
    """Every account's balance (debit positive, credit negative) and their sum, 0.00 in books
    that balance. The coordinator only."""
    rows = selectors.trial_balance(request.user)
    return {
        "currency": network_currency(),
        "accounts": [{"account": a.name, "balance": b} for a, b in rows],
        "total": sum((b for _, b in rows), selectors.ZERO),
    }


@router.post(
    "/entries/{int:entry_id}/reversal", response={201: EntryOut}, summary="Reverse an entry"
)
def reverse_entry(request: HttpRequest, entry_id: int, body: ReasonIn) -> Status[Any]:
    """Correct a client's payment or a payout recorded in error with its mirror entry
    (answered), dated today. The coordinator only."""
    entry = settlement.entry_reverse(actor=request.user, entry_id=entry_id, reason=body.reason)
    return Status(201, entry_answer(entry))


@router.post(
    "/service-months",
    response={201: list[ServiceMonthOut]},
    auth=COORDINATOR,
    summary="Charge a month of shared services",
)
def charge_service_month(request: HttpRequest, body: ServiceMonthIn) -> Status[Any]:
    """Charge each shared service's members their fees for a month (YYYY-MM) that has begun,
    and book what each service costs the network; each month once. The coordinator only."""
    months = settlement.service_month_charge(actor=request.user, period=parse_period(body.period))
    return Status(
        201,
        [
            {
                "service": m.service.slug,
                "period": m.period.strftime("%Y-%m"),
                "fees_entry": m.fees_id,
                "cost_entry": m.cost_id,
            }
            for m in months
        ],
    )


@router.get("/settings", response=SettingsOut, auth=COORDINATOR, summary="The books' settings")
def get_settings(request: HttpRequest) -> dict[str, Any]:
    """What the network puts on its invoices (legal name, address, VAT number and rate) and
    pays from (IBAN, BIC). The coordinator only."""
    return settings_answer(services.books_settings())


@router.put(
    "/settings", response=SettingsOut, auth=COORDINATOR, summary="Change the books' settings"
)
def put_settings(request: HttpRequest, body: SettingsIn) -> dict[str, Any]:
    """Change any of the settings (those left out stay); a new VAT rate applies to invoices
    issued from now. The coordinator only."""
    changes = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    return settings_answer(details.books_settings_set(actor=request.user, **changes))
