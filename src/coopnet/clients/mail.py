"""Who is told of a client's request, by mail: the coordinators when one arrives, an
organisation's admins when it is passed to them. The mail names the reference and links to the
request's page (which checks who may read it); it holds no contact detail or figure, so that a
mail read by the wrong person reveals nothing. Sent once the transaction commits, and never
allowed to undo a request: a mail server that is down loses the mail, not the request."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from coopnet.clients.models import ClientRequest

ARRIVED = "Client request {reference}: a new request through the front door"
ARRIVED_BODY = (
    "A client has asked the network for work through its front door (reference {reference}).\n"
    "Read it, pass it on or turn it into an opportunity: {link}\n"
)
PASSED = "Client request {reference} was passed to {organisation}"
PASSED_BODY = (
    "The network's coordinator passed a client's request to {organisation} (reference "
    "{reference}).\nRead it and reply to the client: {link}\n"
)


def _link(request: ClientRequest, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("clients:detail", args=[request.pk])


def _send_after_commit(messages: list[tuple[str, str, str, list[str]]]) -> None:
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def tell_arrived(request: ClientRequest, emails: Iterable[str], site_url: str) -> None:
    fields = {"reference": request.reference, "link": _link(request, site_url)}
    subject, body = ARRIVED.format(**fields), ARRIVED_BODY.format(**fields)
    sender = settings.DEFAULT_FROM_EMAIL
    _send_after_commit([(subject, body, sender, [e]) for e in sorted(set(emails)) if e])


def tell_passed(
    request: ClientRequest, organisation: str, emails: Iterable[str], site_url: str
) -> None:
    fields = {"reference": request.reference, "organisation": organisation,
              "link": _link(request, site_url)}  # fmt: skip
    subject, body = PASSED.format(**fields), PASSED_BODY.format(**fields)
    sender = settings.DEFAULT_FROM_EMAIL
    _send_after_commit([(subject, body, sender, [e]) for e in sorted(set(emails)) if e])
