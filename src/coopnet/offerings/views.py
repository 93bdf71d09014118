"""The offerings' pages: browse and compare (anyone signed in), an organisation's admins'
forms, and the directory's search for organisations. Each view checks access first (404
outside), then does its work through selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.common.once import accepted_once
from coopnet.directory import selectors as directory
from coopnet.offerings import selectors, services
from coopnet.offerings.forms import BrowseForm, OfferingForm, OrganisationSearchForm

#: offerings, and organisations, per page
PAGE_SIZE = 20


def _page_of(request: HttpRequest, paginator: Paginator[Any]) -> Page[Any]:
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))


def _administered(request: HttpRequest) -> list[Any]:
    return [m.organisation for m in directory.admin_memberships(request.user)]


@login_required
@require_safe
def browse(request: HttpRequest) -> HttpResponse:
    """Every offering in the network, filtered by skill and kind of organisation, a page at a
    time, with boxes to tick for the comparison."""
    form = BrowseForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.offerings_browse(
        request.user, skill=filters.get("skill", ""), kind=filters.get("kind", "")
    )
    administered = _administered(request)
    context = {
        "form": form,
        "page": _page_of(request, Paginator(rows, PAGE_SIZE)),
        "administered": administered,
        "administered_ids": {o.pk for o in administered},
        "most": selectors.MAX_COMPARED,
    }
    return render(request, "offerings/browse.html", context)


@login_required
@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    """The offerings of ?ids= side by side: overlap, complement, partners for a bundle."""
    try:
        ids = selectors.parse_ids(request.GET.getlist("ids"))
    except ValueError:
        messages.error(request, selectors.TOO_FEW)
        return redirect("offerings:browse")
    found = selectors.comparison(request.user, ids)
    return render(request, "offerings/compare.html", {"comparison": found})


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "offerings/form.html", context, status=status)


@login_required
@accepted_once
def create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = directory.organisation_for_admin(request.user, slug)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form = OfferingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offering = services.offering_create(
                actor=request.user, organisation_slug=slug, **form.offering_fields()
            )
        except ValidationError as error:
            apply_errors(error, form, renamed={"lead_time_days": "lead_time"})
        else:
            messages.success(request, f"{offering.name} was added.")
            return redirect("offerings:browse")
    return _form_page(request, {"organisation": organisation, "form": form})


@login_required
def edit(request: HttpRequest, offering_id: int) -> HttpResponse:
    offering = selectors.offering_for_admin(request.user, offering_id)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form = OfferingForm(request.POST or None, initial=OfferingForm.initial_for(offering))
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_update(
                actor=request.user, offering_id=offering.pk, **form.offering_fields()
            )
        except ValidationError as error:
            apply_errors(error, form, renamed={"lead_time_days": "lead_time"})
        else:
            messages.success(request, f"{form.cleaned_data['name']} was saved.")
            return redirect("offerings:browse")
    context = {"organisation": offering.organisation, "offering": offering, "form": form}
    return _form_page(request, context)


@login_required
def delete(request: HttpRequest, offering_id: int) -> HttpResponse:
    offering = selectors.offering_for_admin(request.user, offering_id)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    if request.method == "POST":
        services.offering_delete(actor=request.user, offering_id=offering.pk)
        messages.success(request, f"{offering.name} was removed.")
        return redirect("offerings:browse")
    return render(request, "offerings/delete.html", {"offering": offering})


@login_required
@require_safe
def organisations(request: HttpRequest) -> HttpResponse:
    """The directory's organisations: by name, kind, and a skill held or offered."""
    form = OrganisationSearchForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else None
    rows = selectors.organisations_found(**filters) if filters is not None else None
    page = _page_of(request, Paginator(rows, PAGE_SIZE)) if rows is not None else None
    return render(request, "offerings/organisations.html", {"form": form, "page": page})
