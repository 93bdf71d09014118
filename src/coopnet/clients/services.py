"""Writes. A client sends a request without signing in (`client_request_submit`); the
coordinator passes it to organisations, declines it, or turns it into an opportunity, which an
admin of an organisation it was passed to may do too. Each validates everything before saving
anything, in one transaction.

An opportunity from a client request is posted with `found_by_network`: the network found the
client, so there is no finder organisation and no finder's fee leaves the network
(docs/money.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coopnet.clients import selectors
from coopnet.clients.models import ClientRequest, new_reference
from coopnet.common import audit
from coopnet.common.access import User, coordinator_or_404, is_coordinator
from coopnet.common.amounts import MAX_MONEY, parse_amount, parse_text
from coopnet.common.dates import date_problem
from coopnet.directory.models import Organisation, Skill
from coopnet.notifications import models as kinds
from coopnet.notifications.services import admins_of, coordinators, notify
from coopnet.opportunities import services as opportunities
from coopnet.opportunities.models import Opportunity

BAD_EMAIL = "An e-mail address we can reply to, e.g. name@example.org."
BAD_BUDGET = "A rough budget is an amount of more than 0, to the cent at most, or left empty."
BAD_DEADLINE = "A date as YYYY-MM-DD."
DEADLINE_NOT_AHEAD = "The deadline must be after today."
UNKNOWN_SKILLS = "Unknown skills: {slugs}. Choose them from the network's skill list."
MAX_SKILLS = 12
TOO_MANY_SKILLS = f"At most {MAX_SKILLS} skills."
NO_ORGANISATION = "Choose at least one organisation to pass the request to."
UNKNOWN_ORGANISATIONS = "Unknown organisations: {slugs}."
CLOSED = "This request is {status}: it can no longer be passed on, declined or turned."
NOT_PASSED_TO = "You may post this request's opportunity only for an organisation it was passed to."
#: what people are told (no contact detail, no figure: the link's page checks who may read it)
ARRIVED = "A client's request {reference} arrived through the front door."
PASSED_ON = "The coordinator passed a client's request {reference} to {organisation}."
NAME_LIMIT, CONTACT_LIMIT, PHONE_LIMIT, NEEDS_LIMIT = 200, 200, 40, 5000


def _deadline(errors: dict[str, str], value: Any) -> dt.date | None:
    day = value if isinstance(value, dt.date) else None
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    today = timezone.localdate()
    if day is None:
        errors["deadline"] = BAD_DEADLINE
    elif day <= today:
        errors["deadline"] = DEADLINE_NOT_AHEAD
    elif problem := date_problem(day, today=today):
        errors["deadline"] = problem
    return day


def _skills(errors: dict[str, str], slugs: Iterable[str]) -> list[Skill]:
    wanted = list(dict.fromkeys(s for s in slugs if s))
    if len(wanted) > MAX_SKILLS:
        errors["skills"] = TOO_MANY_SKILLS
        return []
    known = Skill.objects.in_bulk(wanted, field_name="slug")
    if missing := [s for s in wanted if s not in known]:
        errors["skills"] = UNKNOWN_SKILLS.format(slugs=", ".join(missing))
    return [known[s] for s in wanted if s in known]


def _email(errors: dict[str, str], value: Any) -> str:
    text = parse_text(errors, "email", value, 254, required=True)
    if "email" not in errors:
        try:
            validate_email(text)
        except ValidationError:
            errors["email"] = BAD_EMAIL
    return text


def _budget(errors: dict[str, str], value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = parse_amount(value, MAX_MONEY, zero=False)
    if amount is None:
        errors["budget"] = BAD_BUDGET
    return amount


@transaction.atomic
def client_request_submit(
    *,
    organisation: str,
    contact_name: str,
    email: str,
    needs: str,
    deadline: Any,
    phone: str = "",
    skills: Iterable[str] = (),
    budget: Any = None,
) -> ClientRequest:
    """Receive a client's request from the public front door (nobody signed in): it lands
    in the coordinator's inbox with a reference to give the client.

    >>> client_request_submit(organisation="Acme", contact_name="Ann", email="ann@acme.example",
    ...     needs="A booking system", deadline="2031-03-31", skills=["elixir"])  # doctest: +SKIP
    """
    errors: dict[str, str] = {}
    request = ClientRequest(
        organisation=parse_text(errors, "organisation", organisation, NAME_LIMIT, required=True),
        contact_name=parse_text(errors, "contact_name", contact_name, CONTACT_LIMIT, True),
        email=_email(errors, email),
        phone=parse_text(errors, "phone", phone, PHONE_LIMIT, required=False),
        needs=parse_text(errors, "needs", needs, NEEDS_LIMIT, required=True),
        budget=_budget(errors, budget),
    )
    day, wanted = _deadline(errors, deadline), _skills(errors, skills)
    if errors or day is None:
        raise ValidationError(errors)
    request.deadline = day
    _save_with_a_fresh_reference(request)
    request.skills.set(wanted)
    audit.record(actor=None, action="client_request.received", obj=request,
                 summary=f"Client request {request.reference} received")  # fmt: skip
    notify(recipients=coordinators(), kind=kinds.CLIENT_REQUEST, link=_link(request),
           text=ARRIVED.format(reference=request.reference))  # fmt: skip
    return request


def _save_with_a_fresh_reference(request: ClientRequest) -> None:
    """Save under a new random reference, drawing again on the (rare) clash."""
    for _ in range(5):
        request.reference = new_reference()
        try:
            with transaction.atomic():
                request.save()
            return
        except IntegrityError:
            continue
    raise IntegrityError("no free client request reference")


def _link(request: ClientRequest) -> str:
    return reverse("clients:detail", args=[request.pk])


def _open(request_id: int) -> ClientRequest:
    """The request locked for the change; a closed one refused."""
    request = ClientRequest.objects.select_for_update().get(pk=request_id)
    if request.status in (ClientRequest.OPPORTUNITY, ClientRequest.DECLINED):
        raise ValidationError(CLOSED.format(status=request.get_status_display().lower()))
    return request


@transaction.atomic
def client_request_pass(
    *, actor: User, request_id: int, organisation_slugs: Iterable[str]
) -> ClientRequest:
    """Pass the request to organisations (the coordinator's, 404 for anyone else): their
    admins then read it, contact details included, and may turn it into an opportunity; they
    are told (those it had already been passed to are not told again)."""
    coordinator_or_404(actor)
    selectors.client_request_for_user(actor, request_id)
    slugs = list(dict.fromkeys(organisation_slugs))
    if not slugs:
        raise ValidationError({"organisations": NO_ORGANISATION})
    found = Organisation.objects.in_bulk(slugs, field_name="slug")
    if missing := [s for s in slugs if s not in found]:
        raise ValidationError(
            {"organisations": UNKNOWN_ORGANISATIONS.format(slugs=", ".join(missing))}
        )
    request = _open(request_id)
    already = set(request.passed_to.values_list("pk", flat=True))
    request.passed_to.add(*found.values())
    request.status = ClientRequest.PASSED
    request.save(update_fields=["status"])
    for organisation in found.values():
        if organisation.pk in already:
            continue
        audit.record(actor=actor, action="client_request.passed", obj=request,
                     organisation=organisation,
                     summary=f"Client request {request.reference} passed on")  # fmt: skip
        text = PASSED_ON.format(reference=request.reference, organisation=organisation.name)
        notify(recipients=admins_of([organisation.pk]), kind=kinds.CLIENT_REQUEST,
               text=text, link=_link(request), actor=actor)  # fmt: skip
    return request


@transaction.atomic
def client_request_decline(*, actor: User, request_id: int) -> ClientRequest:
    """Decline the request: the coordinator's (404 for anyone else)."""
    coordinator_or_404(actor)
    selectors.client_request_for_user(actor, request_id)
    request = _open(request_id)
    request.status = ClientRequest.DECLINED
    request.save(update_fields=["status"])
    audit.record(actor=actor, action="client_request.declined", obj=request,
                 summary=f"Client request {request.reference} declined")  # fmt: skip
    return request


@transaction.atomic
def client_request_turn(
    *,
    actor: User,
    request_id: int,
    organisation_slug: str,
    title: str,
    value: Any,
    deadline: Any,
    requirements: list[dict[str, Any]],
) -> Opportunity:
    """Turn the request into an opportunity posted by `organisation_slug`, through the
    opportunities' own service, as one the network found (no finder's fee). The coordinator
    may choose any organisation; an admin of an organisation the request was passed to, only
    such an organisation (404 for whoever may not read the request)."""
    request = selectors.client_request_for_user(actor, request_id)
    if not is_coordinator(actor):
        allowed = {o.slug for o in selectors.posters_for(actor, request)}
        if organisation_slug not in allowed:
            raise PermissionDenied(NOT_PASSED_TO)
    request = _open(request_id)
    opportunity = opportunities.opportunity_create(
        actor=actor, organisation_slug=organisation_slug, title=title,
        client=request.organisation, description=request.needs, value=value,
        deadline=deadline, requirements=requirements, found_by_network=True,
    )  # fmt: skip
    request.status, request.opportunity = ClientRequest.OPPORTUNITY, opportunity
    request.save(update_fields=["status", "opportunity"])
    request.passed_to.add(opportunity.posted_by)
    summary = f"Client request {request.reference} turned into an opportunity"
    audit.record(actor=actor, action="client_request.opportunity", obj=request,
                 organisation=opportunity.posted_by, summary=summary)  # fmt: skip
    return opportunity
