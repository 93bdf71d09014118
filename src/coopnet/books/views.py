"""The contracts' pages: the list (the user's organisations' contracts; every contract for the
coordinator) and a contract's page, with the poster's admins' forms (milestones, delivery,
cancellation). Every view starts with a selector that 404s whoever may not see the contract,
whatever the method; the services refuse (403) a member who may see it but not change it. A
form with errors comes back with status 400 and the errors on its fields.

Invoices and payments are views_invoices'; statements, payouts and bank details
views_accounts'; the coordinator's books views_network'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.books import selectors, services
from coopnet.books.forms import (
    CancelForm,
    ClientForm,
    CreditNoteForm,
    MilestonesForm,
    PaymentForm,
)
from coopnet.books.models import Contract, Invoice, Milestone
from coopnet.common.access import is_coordinator
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.common.money import network_money
from coopnet.common.once import accepted_once
from coopnet.directory.models import NetworkSettings, Organisation
from coopnet.directory.selectors import is_admin, memberships, network_settings

SPLIT = "The contract's value is now in {count} milestone{s}."
DELIVERED = "“{title}” is delivered: invoice {code} for {gross} was issued to {client}."
CANCELLED = "The contract is cancelled."
CLIENT_SAVED = "The client's details are saved: the next invoices carry them."


@dataclass
class InvoiceRow:
    """An invoice of the contract, what has come in and what is owing, and, for the
    coordinator, its forms."""

    invoice: Invoice
    received: Decimal
    outstanding: Decimal
    payment: PaymentForm | None = None
    credit: CreditNoteForm | None = None


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    if refused := not_allowed(request, "GET"):
        return refused
    own = memberships(request.user).select_related("organisation").order_by("organisation__name")
    context = {
        "contracts": selectors.contract_list(request.user),
        "own": {m.organisation_id for m in own},
        "values_shown": is_coordinator(request.user)
        or network_settings().partner_view != NetworkSettings.OWN_ONLY,
        "memberships": own,
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "books/contract_list.html", context)


def _invoice_rows(request: HttpRequest, contract: Contract, bound: dict[str, Form]) -> list[Any]:
    coordinator = is_coordinator(request.user)
    rows = []
    for invoice in contract.invoices.select_related("credits").order_by("number"):
        row = InvoiceRow(
            invoice,
            selectors.invoice_received(invoice),
            selectors.invoice_outstanding(invoice),
        )
        if coordinator and invoice.kind == Invoice.INVOICE and row.outstanding > 0:
            payment, credit = bound.get(f"payment-{invoice.pk}"), bound.get(f"credit-{invoice.pk}")
            row.payment = (
                payment
                if isinstance(payment, PaymentForm)
                else PaymentForm(auto_id=f"inv{invoice.pk}-%s")
            )
            row.credit = (
                credit
                if isinstance(credit, CreditNoteForm)
                else CreditNoteForm(auto_id=f"cn{invoice.pk}-%s")
            )
        rows.append(row)
    return rows


def milestones_text(contract: Contract) -> str:
    return "\n".join(f"{m.title}: {m.amount}" for m in contract.milestones.all())


def contract_page(
    request: HttpRequest,
    contract: Contract,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The contract's page, with `forms` (bound, with errors) in place of the blank ones."""
    bound = forms or {}
    poster_admin = is_admin(request.user, contract.posted_by)
    milestones = list(contract.milestones.prefetch_related("invoices"))
    running = contract.status == Contract.RUNNING
    whole = selectors.sees_contract_money(request.user, contract)
    shares = contract.shares.select_related("organisation")
    if not whole:  # its own share only: see selectors.sees_contract_money
        shares = shares.filter(organisation__in=memberships(request.user).values("organisation"))
    context = {
        "contract": contract,
        "whole": whole,
        "shares": shares,
        "milestones": milestones,
        "invoices": _invoice_rows(request, contract, bound) if whole else [],
        "is_coordinator": is_coordinator(request.user),
        "poster_admin": poster_admin,
        "can_deliver": poster_admin and running,
        "can_split": poster_admin and running and not any(m.delivered for m in milestones),
        "milestones_form": bound.get("milestones")
        or MilestonesForm(initial={"milestones": milestones_text(contract)}),
        "cancel_form": bound.get("cancel") or CancelForm(),
        "client_form": bound.get("client")
        or ClientForm(initial={"client": contract.client, "address": contract.client_address}),
        "statements": _statement_links(request, contract),
    }
    return render(request, "books/contract.html", context, status=status)


def _statement_links(request: HttpRequest, contract: Contract) -> list[Organisation]:
    """The organisations whose self-billing statement for the contract the user may read:
    its partners and finder the user belongs to (all of them, for the coordinator)."""
    paid = {s.organisation for s in contract.shares.select_related("organisation")}
    if contract.finder is not None:
        paid.add(contract.finder)
    if not is_coordinator(request.user):
        mine = set(memberships(request.user).values_list("organisation_id", flat=True))
        paid = {o for o in paid if o.pk in mine}
    return sorted(paid, key=lambda o: o.name)


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_for_user(request.user, contract_id)
    if refused := not_allowed(request, "GET"):
        return refused
    return contract_page(request, contract)


def _poster_admin_only(request: HttpRequest, contract: Contract) -> None:
    """403 for someone who may see the contract but not change it, even with a bad form."""
    if not is_admin(request.user, contract.posted_by):
        raise PermissionDenied(services.NOT_POSTER)


_MILESTONE_FIELD = re.compile(r"milestones\[(\d+)\]\.(\w+)")


def _milestone_route(form: Form) -> Any:
    """Puts the service's `milestones[2].amount` on the milestones field, as "Line 3: ..."."""

    def route(name: str, message: str) -> bool:
        found = _MILESTONE_FIELD.fullmatch(name)
        if found is None:
            return False
        form.add_error("milestones", f"Line {int(found[1]) + 1}: {message}")
        return True

    return route


@login_required
def client_set(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_for_user(request.user, contract_id)
    if refused := not_allowed(request, "POST"):
        return refused
    _poster_admin_only(request, contract)
    form = ClientForm(request.POST)
    if form.is_valid():
        try:
            services.contract_client_set(
                actor=request.user,
                contract_id=contract.pk,
                client=form.cleaned_data["client"],
                address=form.cleaned_data["address"],
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, CLIENT_SAVED)
            return redirect("books:contract", contract_id=contract.pk)
    return contract_page(request, contract, {"client": form}, status=400)


@login_required
@accepted_once
def milestones_set(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_for_user(request.user, contract_id)
    if refused := not_allowed(request, "POST"):
        return refused
    _poster_admin_only(request, contract)
    form = MilestonesForm(request.POST)
    if form.is_valid():
        try:
            services.milestones_set(
                actor=request.user,
                contract_id=contract.pk,
                milestones=form.cleaned_data["milestones"],
            )
        except ValidationError as error:
            apply_errors(error, form, route=_milestone_route(form))
        else:
            count = contract.milestones.count()
            messages.success(request, SPLIT.format(count=count, s="" if count == 1 else "s"))
            return redirect("books:contract", contract_id=contract.pk)
    return contract_page(request, contract, {"milestones": form}, status=400)


@login_required
def milestone_deliver(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone: Milestone = selectors.milestone_for_user(request.user, milestone_id)
    if refused := not_allowed(request, "POST"):
        return refused
    try:
        invoice = services.milestone_deliver(actor=request.user, milestone_id=milestone.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        contract = selectors.contract_for_user(request.user, milestone.contract_id)
        return contract_page(request, contract, status=400)
    gross = network_money(invoice.gross)
    text = DELIVERED.format(
        title=milestone.title, code=invoice.code, gross=gross, client=invoice.client
    )
    messages.success(request, text)
    return redirect("books:invoice", invoice_id=invoice.pk)


@login_required
def contract_cancel(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_for_user(request.user, contract_id)
    if refused := not_allowed(request, "POST"):
        return refused
    _poster_admin_only(request, contract)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.contract_cancel(
                actor=request.user, contract_id=contract.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, CANCELLED)
            return redirect("books:contract", contract_id=contract.pk)
    return contract_page(request, contract, {"cancel": form}, status=400)
