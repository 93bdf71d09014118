"""The coordinator's books: the trial balance, the clients' invoices still owing, what each
organisation is owed and the payout runs that paid them, a shared-service month's charge, and
the network's invoicing details. The coordinator's alone: 404 for anyone else, whatever the
method. The downloads (Beancount, CSV, bank files) are served elsewhere; this page links them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.books import details, selectors, settlement
from coopnet.books.forms import BooksSettingsForm, PayoutRunForm, ServiceMonthForm, initial_from
from coopnet.books.models import Invoice, PayoutRun
from coopnet.books.selectors import ZERO
from coopnet.books.services import books_settings
from coopnet.common.access import coordinator_or_404
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.common.money import network_money
from coopnet.common.once import accepted_once

PAID_OUT = "Payout run {reference}: {count} organisation{s} paid {total}."
NOBODY_OWED = "No organisation is owed anything: no payout run was made."
CHARGED = "{count} shared service{s} charged for {month}."
SETTINGS_SAVED = "The network's invoicing details were saved."


def _receivables(user: Any) -> list[tuple[Invoice, Decimal]]:
    """The clients' invoices with something still owing, oldest first."""
    invoices = selectors.invoice_list(user).filter(kind=Invoice.INVOICE).order_by("number")
    owing = ((invoice, selectors.invoice_outstanding(invoice)) for invoice in invoices)
    return [(invoice, amount) for invoice, amount in owing if amount > 0]


def network_page(
    request: HttpRequest, forms: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    bound = forms or {}
    balances = selectors.trial_balance(request.user)
    receivables = _receivables(request.user)
    owed = selectors.organisations_owed()
    context = {
        "balances": [(acct, max(b, ZERO), max(-b, ZERO)) for acct, b in balances],
        "balances_total": sum((amount for _, amount in balances), Decimal(0)),
        "receivables": receivables,
        "receivables_total": sum((amount for _, amount in receivables), Decimal(0)),
        "owed": owed,
        "owed_total": sum((amount for _, amount in owed), Decimal(0)),
        "runs": PayoutRun.objects.prefetch_related("payouts__organisation")[:20],
        "payout_form": bound.get("payout") or PayoutRunForm(),
        "service_form": bound.get("service") or ServiceMonthForm(),
        "settings_form": bound.get("settings")
        or BooksSettingsForm(initial=initial_from(books_settings(), BooksSettingsForm)),
    }
    return render(request, "books/network.html", context, status=status)


@login_required
def network(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "GET"):
        return refused
    return network_page(request)


@login_required
@accepted_once
def payout_run(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "POST"):
        return refused
    form = PayoutRunForm(request.POST)
    if form.is_valid():
        try:
            run = settlement.payout_run(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            _ran(request, run)
            return redirect("books:network")
    return network_page(request, {"payout": form}, status=400)


def _ran(request: HttpRequest, run: PayoutRun | None) -> None:
    if run is None:
        messages.info(request, NOBODY_OWED)
        return
    payouts = list(run.payouts.all())
    total = network_money(sum((p.amount for p in payouts), Decimal(0)))
    count = len(payouts)
    text = PAID_OUT.format(reference=run.reference, count=count, s="s"[: count != 1], total=total)
    messages.success(request, text)


@login_required
@accepted_once
def service_month(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "POST"):
        return refused
    form = ServiceMonthForm(request.POST)
    if form.is_valid():
        period = form.cleaned_data["period"]
        try:
            months = settlement.service_month_charge(actor=request.user, period=period)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            count = len(months)
            month = period.strftime("%B %Y")
            messages.success(request, CHARGED.format(count=count, s="s"[: count != 1], month=month))
            return redirect("books:network")
    return network_page(request, {"service": form}, status=400)


@login_required
def settings(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "POST"):
        return refused
    form = BooksSettingsForm(request.POST)
    if form.is_valid():
        try:
            details.books_settings_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, SETTINGS_SAVED)
            return redirect("books:network")
    return network_page(request, {"settings": form}, status=400)
