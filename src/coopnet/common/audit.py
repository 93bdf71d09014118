"""The audit trail: who did what to which object, when.

Services call `record` inside their transaction, so that an event is written exactly when what
it tells of is (a failed write leaves no event):

    audit.record(actor=actor, action="proposal.accepted", obj=proposal,
                 organisation=partner, summary=f"Accepted the proposal for {title}")

The trail is read by the admins of the organisation concerned and by the coordinator (the
selectors of the floor above decide who administers what). The coordinator must never learn an
organisation's private figures from it, so a summary says *that* a rate changed, never what it
was or became, and names money by its reference, never its amount.

`AuditMiddleware` makes the request's id (the one the error logging gives `request.request_id`,
else a fresh one) the id of every event written while answering it, so that the events of one
request can be told apart and matched with its log lines.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from coopnet.common.models import AuditEvent

__all__ = ["AuditMiddleware", "events", "record"]

_request_id: ContextVar[str] = ContextVar("coopnet_audit_request_id", default="")


def _organisation_id(organisation: Model | int | None) -> int | None:
    if organisation is None or isinstance(organisation, int):
        return organisation
    return int(organisation.pk)


def record(
    *,
    actor: Any,
    action: str,
    summary: str,
    obj: Model | None = None,
    organisation: Model | int | None = None,
) -> AuditEvent:
    """Write one event: `actor` (a user, or None for the system) did `action` to `obj`, which
    concerns `organisation` (an organisation or its id; None for the network's own business).
    `summary` must hold no private figure: see the module's docstring."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=actor.get_username() if is_user else "",
        organisation_id=_organisation_id(organisation),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        request_id=_request_id.get(),
    )


def events(organisation_ids: Iterable[int] | None) -> QuerySet[AuditEvent]:
    """The events of these organisations, newest first; every event when None (the
    coordinator's view). Callers decide which organisations the reader may see."""
    found = AuditEvent.objects.select_related("actor")
    if organisation_ids is None:
        return found
    return found.filter(organisation_id__in=list(organisation_ids))


class AuditMiddleware:
    """Gives the events written during a request that request's id (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = str(getattr(request, "request_id", "") or uuid.uuid4().hex)[:64]
        token = _request_id.set(request_id)
        try:
            return self.get_response(request)
        finally:
            _request_id.reset(token)
