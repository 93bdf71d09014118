"""The shared-service pages. Everyone signed in sees the services, their cost models, their
members' names and pooled costs; each organisation's panel (its going-alone cost, fee, saving)
is shown to its own people only, and every other organisation's row to the coordinator only
(`selectors.visible`). Per-organisation URLs start with `organisation_for_member`, so outsiders
get 404 whatever the method; the services check roles (403 for a member who is not an admin)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.common.access import coordinator_or_404, is_coordinator
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.common.once import accepted_once
from coopnet.directory.models import Organisation
from coopnet.directory.selectors import organisation_for_member
from coopnet.sharedservices import charts, pricing, selectors, services
from coopnet.sharedservices.forms import EnrolmentForm, ServiceForm
from coopnet.sharedservices.models import Enrolment, SharedService
from coopnet.sharedservices.pricing import Row, Schedule

CREATED = "“{name}” was created. Organisations can join it from next month."
UPDATED = "“{name}” was saved. A new cost model applies from next month."
JOINED = "{organisation} joins “{service}” from {month}; this month's fees stand."
RESTATED = "{organisation}'s costs were restated; next month's fees use them."
LEFT = "{organisation} leaves “{service}” from {month}; this month's fee stands."


def _month(period: dt.date) -> str:
    return period.strftime("%B %Y")


# -- the list, and the coordinator's forms ----------------------------------------------------


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    if refused := not_allowed(request, "GET"):
        return refused
    context = {
        "summaries": selectors.service_list(request.user),
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "sharedservices/list.html", context)


def _service_form(
    request: HttpRequest, service: SharedService | None
) -> tuple[ServiceForm, SharedService | None]:
    initial = {}
    if service is not None:
        initial = {f: getattr(service, f) for f in ServiceForm.base_fields}
    form = ServiceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return form, None
    try:
        if service is None:
            saved = services.service_create(actor=request.user, **form.cleaned_data)
        else:
            saved = services.service_update(
                actor=request.user, slug=service.slug, **form.cleaned_data
            )
    except ValidationError as error:
        apply_errors(error, form)
        return form, None
    return form, saved


@login_required
@accepted_once
def service_create(request: HttpRequest) -> HttpResponse:
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form, saved = _service_form(request, None)
    if saved is not None:
        messages.success(request, CREATED.format(name=saved.name))
        return redirect("sharedservices:detail", slug=saved.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "sharedservices/form.html", {"form": form}, status=status)


@login_required
def service_edit(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_public(slug)
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    form, saved = _service_form(request, service)
    if saved is not None:
        messages.success(request, UPDATED.format(name=saved.name))
        return redirect("sharedservices:detail", slug=saved.slug)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "service": service}
    return render(request, "sharedservices/form.html", context, status=status)


# -- a service's page -------------------------------------------------------------------------


@dataclass
class Panel:
    """One of the user's organisations: its standing in the service, this month and next."""

    organisation: Organisation
    is_admin: bool
    enrolment: Enrolment | None
    now: Row | None
    next: Row | None
    form: EnrolmentForm
    #: not in next month's pool: the equal share with it added (public), the pool's size then,
    #: and, when coopnet knows what going alone costs it, its forecast fee in the new game
    joining_fee: Decimal | None = None
    joining_size: int = 0
    forecast: pricing.Forecast | None = None
    one_member_cost: Decimal | None = None


def _row(schedule: Schedule | None, organisation: Organisation) -> Row | None:
    rows = schedule.rows if schedule else []
    return next((r for r in rows if r.organisation_id == organisation.pk), None)


def _panels(
    request: HttpRequest,
    service: SharedService,
    now: Schedule | None,
    nxt: Schedule | None,
    bound: dict[int, EnrolmentForm],
) -> list[Panel]:
    panels = []
    for organisation, is_admin in selectors.own_organisations(request.user):
        enrolment = selectors.open_enrolment(service, organisation)
        initial = {}
        if enrolment is not None:
            initial = {"alone_cost": enrolment.alone_cost, "hours_alone": enrolment.hours_alone}
        form = bound.get(organisation.pk) or EnrolmentForm(
            initial=initial, auto_id=f"{organisation.slug}-%s"
        )
        row_now, row_next = _row(now, organisation), _row(nxt, organisation)
        panel = Panel(organisation, is_admin, enrolment, row_now, row_next, form)
        if row_next is None and nxt is not None:
            _joining(panel, service, nxt)
        panels.append(panel)
    return panels


def _joining(panel: Panel, service: SharedService, nxt: Schedule) -> None:
    """What joining next month would mean for an organisation outside next month's pool: at
    the going-alone cost it last stated for this service, if any, through the pooling game."""
    panel.joining_size = nxt.count + 1
    model = pricing.cost_model(service)
    panel.joining_fee = pricing.joining_fee(model, nxt.count)
    panel.one_member_cost = model.cost(1)
    known = selectors.latest_enrolment(service, panel.organisation)
    if known is not None:
        panel.forecast = pricing.joining_forecast(
            service, nxt.period, panel.organisation, known.alone_cost
        )


def _detail(
    request: HttpRequest,
    service: SharedService,
    bound: dict[int, EnrolmentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    period = pricing.current_period()
    nxt_period = pricing.next_period(period)
    now = selectors.schedule_for(request.user, service, period)
    nxt = selectors.schedule_for(request.user, service, nxt_period)
    charted = now if now and now.rows else nxt
    model = now.cost_model if now else pricing.cost_model(service)
    context: dict[str, Any] = {
        "service": service,
        "now": now,
        "next": nxt,
        "month_now": _month(period),
        "month_next": _month(nxt_period),
        "is_coordinator": is_coordinator(request.user),
        "panels": _panels(request, service, now, nxt, bound or {}),
        "curve": charts.cost_curve(model, now.count if now else 0),
        "fee_chart": charts.fee_chart(charted.rows) if charted else None,
        "charted": charted,
        "model_changed": now is not None and now.cost_model != pricing.cost_model(service),
    }
    return render(request, "sharedservices/detail.html", context, status=status)


@login_required
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_public(slug)
    if refused := not_allowed(request, "GET"):
        return refused
    return _detail(request, service)


@login_required
def enrolment(request: HttpRequest, slug: str, organisation: str) -> HttpResponse:
    """Join, or restate what going alone costs, for an organisation the user administers."""
    service = selectors.service_public(slug)
    found = organisation_for_member(request.user, organisation)
    if refused := not_allowed(request, "POST"):
        return refused
    form = EnrolmentForm(request.POST, auto_id=f"{found.slug}-%s")
    was_enrolled = selectors.open_enrolment(service, found) is not None
    if form.is_valid():
        try:
            saved = services.enrolment_set(
                actor=request.user,
                service_slug=service.slug,
                organisation_slug=found.slug,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            text = RESTATED if was_enrolled else JOINED
            month = _month(saved.joins)
            messages.success(
                request, text.format(organisation=found.name, service=service.name, month=month)
            )
            return redirect("sharedservices:detail", slug=service.slug)
    return _detail(request, service, bound={found.pk: form}, status=400)


@login_required
def leave(request: HttpRequest, slug: str, organisation: str) -> HttpResponse:
    service = selectors.service_public(slug)
    found = organisation_for_member(request.user, organisation)
    if refused := not_allowed(request, "POST"):
        return refused
    try:
        services.enrolment_leave(
            actor=request.user, service_slug=service.slug, organisation_slug=found.slug
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, service, status=400)
    month = _month(pricing.next_period(pricing.current_period()))
    text = LEFT.format(organisation=found.name, service=service.name, month=month)
    messages.success(request, text)
    return redirect("sharedservices:detail", slug=service.slug)
