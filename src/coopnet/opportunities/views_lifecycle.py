"""The poster's pages for an opportunity's life before formation: edit it, withdraw or close
it (`lifecycle`). Each finds the opportunity for the user first (404 for outsiders); the
service refuses anyone but the poster's admins (403) and what its status does not allow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.common.http import not_allowed
from coopnet.opportunities import lifecycle, selectors
from coopnet.opportunities.forms import (
    MAX_ROWS,
    OpportunityEditForm,
    requirement_formset,
    requirement_formset_grown,
)
from coopnet.opportunities.models import Opportunity
from coopnet.opportunities.views import apply_opportunity_errors

EDITED = "“{title}” was saved. Find the consortium when you are ready."
WITHDRAWN = "“{title}” was withdrawn."
CLOSED = "“{title}” was closed."


def _typed(opportunity: Opportunity) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    names = [name for name in OpportunityEditForm.base_fields if name != "organisation"]
    fields = {name: getattr(opportunity, name) for name in names}
    rows = [
        {"skill": r.skill.slug, "min_level": r.min_level, "hours": r.hours}
        for r in opportunity.requirements.select_related("skill")
    ]
    return fields, rows


def _page(
    request: HttpRequest, opportunity: Opportunity, form: Any, rows: Any, status: int = 200
) -> HttpResponse:
    context = {"form": form, "formset": rows, "max_rows": MAX_ROWS, "editing": opportunity}
    return render(request, "opportunities/form.html", context, status=status)


@login_required
def opportunity_edit(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = selectors.opportunity_for_user(request.user, opportunity_id)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    try:
        lifecycle.may_edit(actor=request.user, opportunity=opportunity)  # 403 for a member
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("opportunities:detail", opportunity_id=opportunity_id)
    if request.method != "POST":
        fields, rows = _typed(opportunity)
        return _page(request, opportunity, OpportunityEditForm(initial=fields),
                     requirement_formset(initial=rows))  # fmt: skip
    if "add_row" in request.POST:
        typed = {name: request.POST.get(name, "") for name in OpportunityEditForm.base_fields}
        grown = requirement_formset_grown(request.POST)
        return _page(request, opportunity, OpportunityEditForm(initial=typed), grown)
    form, formset = OpportunityEditForm(request.POST), requirement_formset(request.POST)
    if all([form.is_valid(), formset.is_valid()]):
        data = form.cleaned_data
        try:
            lifecycle.opportunity_update(
                actor=request.user, opportunity_id=opportunity_id, title=data["title"],
                client=data["client"], description=data["description"],
                value=str(data["value"]), deadline=data["deadline"],
                requirements=formset.requirements(),
            )  # fmt: skip
        except ValidationError as error:
            apply_opportunity_errors(error, form, formset)
        else:
            messages.success(request, EDITED.format(title=data["title"]))
            return redirect("opportunities:detail", opportunity_id=opportunity_id)
    return _page(request, opportunity, form, formset, status=400)


def _ending(request: HttpRequest, opportunity_id: int, end: Any, done: str) -> HttpResponse:
    selectors.opportunity_for_user(request.user, opportunity_id)  # 404 for outsiders
    if refused := not_allowed(request, "POST"):
        return refused
    try:
        opportunity = end(actor=request.user, opportunity_id=opportunity_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(title=opportunity.title))
    return redirect("opportunities:detail", opportunity_id=opportunity_id)


@login_required
def opportunity_withdraw(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    return _ending(request, opportunity_id, lifecycle.opportunity_withdraw, WITHDRAWN)


@login_required
def opportunity_close(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    return _ending(request, opportunity_id, lifecycle.opportunity_close, CLOSED)
