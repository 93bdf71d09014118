"""The client requests' API, mounted at /api/clients. Entry points only: read through the
selectors. The coordinator reads every request; an organisation's admins those passed to it;
anyone else an empty list, and 404 for one request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from coopnet.clients import selectors
from coopnet.clients.models import ClientRequest

router = Router(tags=["clients"])

#: the most requests one page of the list answers with
MAX_LIMIT = 100


class ClientRequestOut(Schema):
    id: int
    reference: str
    organisation: str
    contact_name: str
    email: str
    phone: str
    needs: str
    skills: list[str]
    #: the rough budget the client gave, in the network's currency (None: not said)
    budget: Decimal | None
    deadline: dt.date
    status: str
    created: dt.datetime


def _out(request: ClientRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "reference": request.reference,
        "organisation": request.organisation,
        "contact_name": request.contact_name,
        "email": request.email,
        "phone": request.phone,
        "needs": request.needs,
        "skills": [s.slug for s in request.skills.all()],
        "budget": request.budget,
        "deadline": request.deadline,
        "status": request.status,
        "created": request.created,
    }


@router.get("/requests", response=list[ClientRequestOut])
def list_requests(
    request: HttpRequest, status: str = "", limit: int = MAX_LIMIT, offset: int = 0
) -> list[dict[str, Any]]:
    """The client requests the caller may read, newest first: all for the coordinator, those
    passed to an organisation it administers for anyone else; of `status` (new, passed,
    opportunity, declined) when given; at most `limit` from `offset`."""
    rows = selectors.client_requests_visible(request.user)
    if status:
        rows = rows.filter(status=status)
    start = max(offset, 0)
    return [_out(r) for r in rows[start : start + max(1, min(limit, MAX_LIMIT))]]


@router.get("/requests/{request_id}", response=ClientRequestOut)
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """One client request (404 for whoever may not read it)."""
    return _out(selectors.client_request_for_user(request.user, request_id))
