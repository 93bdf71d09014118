"""An invoice (or credit note): its printable page and its PDF, for whoever may see its
contract (the coordinator, the poster, the partners; 404 for anyone else); and the
coordinator's forms on the contract's page: a client's payment and a credit note."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.books import pdf, selectors, settlement
from coopnet.books.forms import CreditNoteForm, PaymentForm
from coopnet.books.models import Invoice
from coopnet.books.services import books_settings, coordinator_only
from coopnet.books.views import contract_page
from coopnet.common.context import DEFAULT_NAME
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.common.money import network_money
from coopnet.common.once import accepted_once

RECORDED = "{amount} received on {code} was recorded."
CREDITED = "Credit note {note} cancels what was owing on {code}."


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """What the invoice's page and PDF show: the network's details as the invoicing party,
    the invoice, and what has been paid and is outstanding on it."""
    payments = invoice.payments.filter(entry__reversed_by__isnull=True)
    return {
        "invoice": invoice,
        "network": books_settings(),
        # the page has it from the site's context; the PDF may be made without a request
        "network_name": getattr(settings, "COOPNET_NETWORK_NAME", DEFAULT_NAME),
        "is_credit_note": invoice.kind == Invoice.CREDIT_NOTE,
        "cancels": invoice.credits,
        "credit_note": Invoice.objects.filter(credits=invoice).first(),
        "payments": list(payments),
        "received": selectors.invoice_received(invoice),
        "credited": selectors.invoice_credited(invoice),
        "outstanding": selectors.invoice_outstanding(invoice),
        "vat_percent": invoice.vat_rate * 100,
    }


@login_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_for_user(request.user, invoice_id)
    if refused := not_allowed(request, "GET"):
        return refused
    return render(request, "books/invoice.html", invoice_context(invoice))


@login_required
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_for_user(request.user, invoice_id)
    if refused := not_allowed(request, "GET"):
        return refused
    response = HttpResponse(pdf.invoice_pdf(invoice_context(invoice), request), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.code}.pdf"'
    return response


@login_required
@accepted_once
def payment_record(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_for_user(request.user, invoice_id)
    if refused := not_allowed(request, "POST"):
        return refused
    coordinator_only(request.user)  # 403 for the partners, who may see the invoice
    form = PaymentForm(request.POST, auto_id=f"inv{invoice.pk}-%s")
    if form.is_valid():
        try:
            payment = settlement.payment_record(
                actor=request.user, invoice_id=invoice.pk, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            amount = network_money(payment.amount)
            messages.success(request, RECORDED.format(amount=amount, code=invoice.code))
            return redirect("books:contract", contract_id=invoice.contract_id)
    return contract_page(request, invoice.contract, {f"payment-{invoice.pk}": form}, 400)


@login_required
@accepted_once
def credit_note_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_for_user(request.user, invoice_id)
    if refused := not_allowed(request, "POST"):
        return refused
    coordinator_only(request.user)
    form = CreditNoteForm(request.POST, auto_id=f"cn{invoice.pk}-%s")
    if form.is_valid():
        try:
            note = settlement.credit_note_issue(
                actor=request.user, invoice_id=invoice.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, CREDITED.format(note=note.code, code=invoice.code))
            return redirect("books:invoice", invoice_id=note.pk)
    return contract_page(request, invoice.contract, {f"credit-{invoice.pk}": form}, 400)
