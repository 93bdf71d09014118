"""The shared-service pages. Everyone signed in sees the services, their cost models, their
members' names and pooled costs; each organisation's panel (its going-alone cost, fee, saving)
is shown to its own people only, and every other organisation's row to the coordinator only
(`selectors.visible`). Per-organisation URLs start with `organisation_for_member`, so outsiders
get 404 whatever the method; the services check roles (403 for a member who is not an admin)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from coopnet.common import derived
from coopnet.common.access import coordinator_or_404
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
    seen = selectors.viewer(request.user)
    context = {
        "summaries": selectors.service_list_kept(seen.names),
        "is_coordinator": seen.coordinator,
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
#
# What the page shows is kept until the next change, in parts keyed by what about the viewer
# changes them: the service's head (the coordinator sees an edit link), each of the viewer's
# organisations' figures (its own people see them, whoever else is in the key's set), and the
# fees chart and schedules (every row for the coordinator, else the rows of the viewer's
# organisations among the members). Forms, and so the CSRF token, are rendered per request.


@dataclass
class Panel:
    """One of the user's organisations: its standing in the service, this month and next."""

    organisation: selectors.OwnOrganisation
    is_admin: bool
    #: what its open enrolment's going-alone cost was stated from, as the form's initial
    #: values: the cost itself, or the hours, rate and tools it was worked out from (None when
    #: it has no open enrolment)
    enrolment: dict[str, Decimal | None] | None
    now: Row | None
    next: Row | None
    #: the figures above its forms, rendered (plain HTML, no form)
    figures: str = ""
    form: EnrolmentForm | None = None
    #: not in next month's pool: the equal share with it added (public), the pool's size then,
    #: and, when coopnet knows what going alone costs it, its forecast fee in the new game
    joining_fee: Decimal | None = None
    joining_size: int = 0
    forecast: pricing.Forecast | None = None
    one_member_cost: Decimal | None = None


def _row(schedule: Schedule | None, organisation: selectors.OwnOrganisation) -> Row | None:
    rows = schedule.rows if schedule else []
    return next((r for r in rows if r.organisation_id == organisation.pk), None)


def _organisation(own: selectors.OwnOrganisation) -> Organisation:
    """The organisation as the selectors and pricing take it (its id, slug and name)."""
    return Organisation(pk=own.pk, slug=own.slug, name=own.name)


def _joining(panel: Panel, service: SharedService, nxt: Schedule) -> None:
    """What joining next month would mean for an organisation outside next month's pool: at
    the going-alone cost it last stated for this service, if any, through the pooling game."""
    panel.joining_size = nxt.count + 1
    model = pricing.cost_model(service)
    panel.joining_fee = pricing.joining_fee(model, nxt.count)
    panel.one_member_cost = model.cost(1)
    organisation = _organisation(panel.organisation)
    known = selectors.latest_enrolment(service, organisation)
    if known is not None:
        panel.forecast = pricing.joining_forecast(
            service, nxt.period, organisation, known.alone_cost
        )


def _typed(enrolment: Enrolment) -> dict[str, Decimal | None]:
    """The enrolment's going-alone cost as it was typed: restating it starts from there."""
    if enrolment.cost_stated:
        return {"alone_cost": enrolment.alone_cost, "hours_alone": enrolment.hours_alone}
    return {
        "hours_alone": enrolment.hours_alone,
        "rate": enrolment.rate,
        "tools_cost": enrolment.tools_cost or None,
    }


def _panel(
    service: SharedService, period: dt.date, organisation: selectors.OwnOrganisation
) -> Panel:
    """An organisation's figures, kept until the next change under its own key: only its own
    people ask for it (the viewer's organisations come from their memberships)."""

    def compute() -> Panel:
        now, nxt = selectors.schedules_kept(service, period)
        enrolment = selectors.open_enrolment(service, _organisation(organisation))
        stated = None if enrolment is None else _typed(enrolment)
        panel = Panel(organisation, False, stated, _row(now, organisation), _row(nxt, organisation))
        if panel.next is None and nxt is not None:
            _joining(panel, service, nxt)
        context = {
            "panel": panel,
            "month_now": _month(period),
            "month_next": _month(pricing.next_period(period)),
        }
        panel.figures = str(render_to_string("sharedservices/_panel_figures.html", context))
        return panel

    key = f"services:panel:{service.pk}:{period.isoformat()}:{organisation.pk}"
    return derived.kept(key, compute)


def _panels(
    service: SharedService,
    period: dt.date,
    seen: selectors.Viewer,
    bound: dict[int, EnrolmentForm],
) -> list[Panel]:
    panels = []
    for organisation in seen.organisations:
        kept = _panel(service, period, organisation)
        # the viewer's own standing in it, not that of whoever computed the figures
        panel = replace(kept, organisation=organisation, is_admin=organisation.is_admin)
        panel.figures = mark_safe(panel.figures)  # rendered by the template engine
        initial = panel.enrolment or {}
        panel.form = bound.get(organisation.pk) or EnrolmentForm(
            initial=initial, auto_id=f"{organisation.slug}-%s"
        )
        panels.append(panel)
    return panels


def _head(service: SharedService, period: dt.date, coordinator: bool) -> str:
    """The service's name, cost model and cost curve (public; an edit link for the
    coordinator)."""

    def compute() -> str:
        now, _ = selectors.schedules_kept(service, period)
        model = now.cost_model if now else pricing.cost_model(service)
        context = {
            "service": service,
            "now": now,
            "is_coordinator": coordinator,
            "curve": charts.cost_curve(model, now.count if now else 0),
            "model_changed": now is not None and now.cost_model != pricing.cost_model(service),
        }
        return str(render_to_string("sharedservices/_detail_head.html", context))

    key = f"services:head:{service.pk}:{period.isoformat()}:{int(coordinator)}"
    return derived.kept(key, compute)


def _tail(service: SharedService, period: dt.date, seen: selectors.Viewer) -> str:
    """The fees chart and both schedules as the viewer may see them: kept for every viewer
    who sees the same rows (the coordinator all of them; anyone else the rows of their own
    organisations among the members, so that all who are in none share one)."""
    members = selectors.row_owners(service, period)
    who = "all" if seen.coordinator else ",".join(map(str, sorted(seen.ids & members)))

    def compute() -> str:
        full_now, full_next = selectors.schedules_kept(service, period)
        now = None if full_now is None else selectors.visible_to(full_now, seen)
        nxt = None if full_next is None else selectors.visible_to(full_next, seen)
        charted = now if now and now.rows else nxt
        context = {
            "now": now,
            "next": nxt,
            "month_now": _month(period),
            "month_next": _month(pricing.next_period(period)),
            "fee_chart": charts.fee_chart(charted.rows) if charted else None,
            "charted": charted,
        }
        return str(render_to_string("sharedservices/_detail_tail.html", context))

    return derived.kept(f"services:tail:{service.pk}:{period.isoformat()}:{who}", compute)


def _detail(
    request: HttpRequest,
    service: SharedService,
    bound: dict[int, EnrolmentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    period = pricing.current_period()
    seen = selectors.viewer(request.user)
    context: dict[str, Any] = {
        "service": service,
        # both rendered by the template engine from plain data, free of forms
        "head": mark_safe(_head(service, period, seen.coordinator)),
        "tail": mark_safe(_tail(service, period, seen)),
        "panels": _panels(service, period, seen, bound or {}),
    }
    return render(request, "sharedservices/detail.html", context, status=status)


@login_required
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_kept(slug)
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
