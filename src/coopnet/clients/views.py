"""The front door (public: no sign-in) and the pages where the coordinator, and the admins of
the organisations a request was passed to, deal with client requests. Each view checks access
first (404 outside), then works through selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coopnet.clients import selectors, services
from coopnet.clients.forms import ClientRequestForm
from coopnet.clients.limits import FrontDoorThrottle
from coopnet.clients.models import ClientRequest, new_reference
from coopnet.common.access import coordinator_or_404, is_coordinator
from coopnet.common.errors import apply_errors
from coopnet.common.http import not_allowed
from coopnet.common.money import network_currency
from coopnet.directory.selectors import is_member
from coopnet.opportunities.forms import (
    MAX_ROWS,
    OpportunityForm,
    requirement_formset,
)
from coopnet.opportunities.models import Opportunity
from coopnet.opportunities.views import apply_opportunity_errors

#: the confirmation page's address holds the reference signed, so that it shows nothing else
SENT_SALT = "coopnet.clients.sent"
PASSED = "Passed to {names}: their admins can now read the request and reply to the client."
DECLINED = "Request {reference} was declined."
TURNED = (
    "“{title}” was posted for {organisation}: the network found this client, so no finder's "
    "fee is paid."
)


POSTER_HELP = "The organisation that posts it and leads the work with the client."


def _sent(reference: str) -> HttpResponse:
    return redirect("clients:sent", token=signing.dumps(reference, salt=SENT_SALT))


def front_door(request: HttpRequest) -> HttpResponse:
    """The network's public front door: a client describes what it needs, no sign-in."""
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    if request.method != "POST":
        return render(request, "clients/front_door.html", {"form": ClientRequestForm()})
    throttle = FrontDoorThrottle()
    if throttle.full(request):
        wait = throttle.retry_after()
        context = {"minutes": max(1, -(-wait // 60))}
        response = render(request, "clients/too_many.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    if ClientRequestForm.honeypot_filled(request.POST):  # a robot: accepted-looking, kept nowhere
        throttle.count(request)
        return _sent(new_reference())
    form = ClientRequestForm(request.POST)
    if form.is_valid():
        try:
            sent = services.client_request_submit(**form.request_fields())
        except ValidationError as error:
            apply_errors(error, form)
        else:
            throttle.count(request)
            return _sent(sent.reference)
    return render(request, "clients/front_door.html", {"form": form}, status=400)


def sent(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation: the reference, and what happens next."""
    try:
        reference = signing.loads(token, salt=SENT_SALT)
    except signing.BadSignature:
        raise Http404("no such request") from None
    if refused := not_allowed(request, "GET"):
        return refused
    return render(request, "clients/sent.html", {"reference": reference})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The coordinator's inbox of client requests (404 for anyone else)."""
    rows = selectors.client_inbox(request.user)
    if refused := not_allowed(request, "GET"):
        return refused
    context = {"requests": rows, "counts": selectors.inbox_counts(), "organisation": None}
    return render(request, "clients/list.html", context)


@login_required
def organisation_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """The requests passed to an organisation, for its admins (404 for anyone else)."""
    organisation, rows = selectors.client_requests_of(request.user, slug)
    if refused := not_allowed(request, "GET"):
        return refused
    context = {"requests": rows, "organisation": organisation}
    return render(request, "clients/list.html", context)


@login_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.client_request_for_user(request.user, request_id)
    if refused := not_allowed(request, "GET"):
        return refused
    coordinator = is_coordinator(request.user)
    context: dict[str, Any] = {
        "request_": found,
        "coordinator": coordinator,
        "may_turn": bool(selectors.posters_for(request.user, found)),
        "open": found.status in (ClientRequest.NEW, ClientRequest.PASSED),
        "opportunity_shown": _opportunity_shown(request, found, coordinator),
    }
    if coordinator:
        passed_to = list(found.passed_to.order_by("name"))
        matches, passed_ids = selectors.matching_organisations(found), {o.pk for o in passed_to}
        to_pass = [m for m in matches if m.organisation.pk not in passed_ids]
        context |= {"matches": matches, "passed_to": passed_to, "passed_ids": passed_ids,
                    "to_pass": to_pass}  # fmt: skip
    return render(request, "clients/detail.html", context)


def _opportunity_shown(
    request: HttpRequest, found: ClientRequest, coordinator: bool
) -> Opportunity | None:
    """The opportunity made of the request, for the coordinator and its poster's members
    only: another organisation it was passed to does not learn who got the work."""
    opportunity = found.opportunity
    if opportunity is None:
        return None
    return opportunity if coordinator or is_member(request.user, opportunity.posted_by) else None


@login_required
def pass_on(request: HttpRequest, request_id: int) -> HttpResponse:
    coordinator_or_404(request.user)
    found = selectors.client_request_for_user(request.user, request_id)
    if refused := not_allowed(request, "POST"):
        return refused
    try:
        done = services.client_request_pass(
            actor=request.user, request_id=found.pk,
            organisation_slugs=request.POST.getlist("organisations"),
        )  # fmt: skip
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        names = ", ".join(o.name for o in done.passed_to.order_by("name"))
        messages.success(request, PASSED.format(names=names))
    return redirect("clients:detail", request_id=found.pk)


@login_required
def decline(request: HttpRequest, request_id: int) -> HttpResponse:
    coordinator_or_404(request.user)
    found = selectors.client_request_for_user(request.user, request_id)
    if refused := not_allowed(request, "POST"):
        return refused
    try:
        services.client_request_decline(actor=request.user, request_id=found.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, DECLINED.format(reference=found.reference))
    return redirect("clients:detail", request_id=found.pk)


def _turn_initial(found: ClientRequest) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The opportunity form prefilled from the request: its client, deadline, budget as the
    value, and a requirement row for each skill (the levels and hours left to choose)."""
    form = {"title": found.needs.splitlines()[0][:200] if found.needs else found.organisation,
            "client": found.organisation, "description": found.needs,
            "value": found.budget, "deadline": found.deadline}  # fmt: skip
    rows = [{"skill": skill.name} for skill in found.skills.order_by("name")[:MAX_ROWS]]
    return form, rows


@login_required
def turn(request: HttpRequest, request_id: int) -> HttpResponse:
    """Turn the request into an opportunity posted by an organisation the user may choose."""
    found = selectors.client_request_for_user(request.user, request_id)
    if refused := not_allowed(request, "GET", "POST"):
        return refused
    posters = selectors.posters_for(request.user, found)
    if not posters:
        raise Http404("no organisation to post for")
    if found.status not in (ClientRequest.NEW, ClientRequest.PASSED):
        messages.error(request, services.CLOSED.format(status=found.get_status_display().lower()))
        return redirect("clients:detail", request_id=found.pk)
    initial, rows = _turn_initial(found)
    form = OpportunityForm(request.POST or None, initial=initial, organisations=posters)
    form.fields["organisation"].help_text = POSTER_HELP
    formset = requirement_formset(request.POST or None)
    if request.method != "POST":
        formset = requirement_formset(None)
        formset.initial = rows
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        data = form.cleaned_data
        try:
            opportunity = services.client_request_turn(
                actor=request.user, request_id=found.pk, organisation_slug=data["organisation"],
                title=data["title"], value=str(data["value"]), deadline=data["deadline"],
                requirements=formset.requirements(),
            )  # fmt: skip
        except ValidationError as error:
            apply_opportunity_errors(error, form, formset)
        else:
            organisation = opportunity.posted_by.name
            messages.success(
                request, TURNED.format(title=opportunity.title, organisation=organisation)
            )
            return redirect("clients:detail", request_id=found.pk)
    status = 400 if request.method == "POST" else 200
    context = {"request_": found, "form": form, "formset": formset, "max_rows": MAX_ROWS,
               "currency": network_currency()}  # fmt: skip
    return render(request, "clients/turn.html", context, status=status)
