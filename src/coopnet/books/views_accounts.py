"""An organisation's account with the network: its statement (its self-billing statement: the
organisation's sub-invoice to the network for its shares), its payouts, and its bank details;
and the self-billing statement of one contract for one of its partners.

Statements and payouts: the organisation's members and the coordinator. Bank details: its
admins (to read and change) and the coordinator (to read). Anyone else gets 404, whatever the
method; a member who may read but not change gets 403."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.books import details, selectors
from coopnet.books.forms import BankAccountForm, initial_from
from coopnet.books.models import Contract, Invoice, InvoicePart, Posting
from coopnet.books.selectors import ZERO, Statement, cents
from coopnet.books.services import books_settings
from coopnet.common.access import is_coordinator
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.directory.models import Organisation
from coopnet.directory.selectors import is_admin

BANK_SAVED = "{organisation}'s bank details were saved."


@login_required
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.statement(request.user, slug)  # 404 for outsiders
    if refused := not_allowed(request, "GET"):
        return refused
    context = {
        "statement": found,
        "organisation": found.organisation,
        "payouts": selectors.payouts_of(request.user, slug)[:50],
        "may_see_bank": is_coordinator(request.user) or is_admin(request.user, found.organisation),
        "contracts": _partner_contracts(request, found.organisation),
    }
    return render(request, "books/statement.html", context)


def _partner_contracts(request: HttpRequest, organisation: Organisation) -> list[Contract]:
    """The contracts the organisation is paid from (a partner or the finder), for links to
    their self-billing statements."""
    contracts = selectors.contract_list(request.user)
    shares = contracts.filter(shares__organisation=organisation)
    return list((shares | contracts.filter(finder=organisation)).distinct())


@login_required
def payouts(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.payouts_of(request.user, slug).order_by("-run__paid", "-pk")
    if refused := not_allowed(request, "GET"):
        return refused
    organisation = Organisation.objects.get(slug=slug)
    context = {"organisation": organisation, "payouts": found}
    return render(request, "books/payouts.html", context)


@login_required
def bank(request: HttpRequest, slug: str) -> HttpResponse:
    account = selectors.bank_account(request.user, slug)  # its admins and the coordinator
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    organisation = Organisation.objects.get(slug=slug)
    admin = is_admin(request.user, organisation)
    if request.method == "POST" and not admin:
        raise PermissionDenied(details.NOT_ORG_ADMIN)
    form = BankAccountForm(request.POST or None, initial=initial_from(account, BankAccountForm))
    if request.method == "POST" and form.is_valid():
        try:
            details.bank_account_set(
                actor=request.user, organisation_slug=slug, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, BANK_SAVED.format(organisation=organisation.name))
            return redirect("books:bank", slug=slug)
    context = {"organisation": organisation, "account": account, "form": form, "is_admin": admin}
    status = 400 if request.method == "POST" else 200
    return render(request, "books/bank.html", context, status=status)


# A contract's self-billing statement for one partner ----------------------------------------


@dataclass(frozen=True)
class ShareLine:
    """The organisation's part of one of the contract's invoices."""

    invoice: Invoice
    amount: Decimal
    due: Decimal
    cancelled: Decimal
    pending: Decimal


def _share_lines(contract: Contract, organisation: Organisation) -> list[ShareLine]:
    parts = InvoicePart.objects.filter(
        invoice__contract=contract, organisation=organisation
    ).select_related("invoice")
    by_invoice: dict[int, tuple[Invoice, Decimal, Decimal]] = {}
    for part in parts:
        invoice, amount, open_ = by_invoice.get(part.invoice_id, (part.invoice, ZERO, ZERO))
        by_invoice[part.invoice_id] = (
            invoice,
            amount + part.amount,
            open_ + selectors.part_open(part),
        )
    lines = []
    for invoice, amount, open_ in sorted(by_invoice.values(), key=lambda row: row[0].number):
        credited = Invoice.objects.filter(credits=invoice).exists()
        cancelled, pending = (open_, ZERO) if credited else (ZERO, open_)
        lines.append(ShareLine(invoice, amount, amount - open_, cancelled, pending))
    return lines


def settled(found: Statement, contract: Contract) -> Decimal:
    """What of the contract's amounts fallen due to the organisation has been settled, by
    payouts (or set off against its service fees): its account is settled oldest contract
    first, so all it was ever owed less what is owed now is spread from the oldest."""
    if found.account is None:
        return ZERO
    rows = (
        Posting.objects.filter(account=found.account, part__isnull=False)
        .values("entry__contract")
        .annotate(due=Sum("amount"), first=Min("entry__date"))
        .order_by("first", "entry__contract")
    )
    left = max(found.owed - max(found.balance, ZERO), ZERO)
    for row in rows:
        due = -cents(row["due"])
        paid = min(max(left, ZERO), max(due, ZERO))
        if row["entry__contract"] == contract.pk:
            return paid
        left -= due
    return ZERO


@login_required
def contract_statement(request: HttpRequest, contract_id: int, slug: str) -> HttpResponse:
    """The partner's self-billing statement for one contract: its share of each of the
    contract's invoices, what fell due as the client paid, and what has been paid."""
    contract = selectors.contract_for_user(request.user, contract_id)
    found = selectors.statement(request.user, slug, limit=0)  # its members, the coordinator
    organisation = found.organisation
    paid_by = contract.finder_id == organisation.pk
    if not paid_by and not contract.shares.filter(organisation=organisation).exists():
        raise Http404("not a partner of this contract")
    if refused := not_allowed(request, "GET"):
        return refused
    lines = _share_lines(contract, organisation)
    due = sum((line.due for line in lines), ZERO)
    share = contract.shares.filter(organisation=organisation).first()
    context = {
        "contract": contract,
        "whole": selectors.sees_contract_money(request.user, contract),
        "organisation": organisation,
        "network": books_settings(),
        "share": share.payout if share else ZERO,
        "finder_fee": contract.finder_fee if paid_by else ZERO,
        "lines": lines,
        "invoiced": sum((line.amount for line in lines), ZERO),
        "due": due,
        "cancelled": sum((line.cancelled for line in lines), ZERO),
        "pending": sum((line.pending for line in lines), ZERO),
        "paid": (paid := settled(found, contract)),
        "unpaid": due - paid,
        "payouts": selectors.payouts_of(request.user, slug).order_by("run__paid", "pk"),
    }
    return render(request, "books/contract_statement.html", context)
