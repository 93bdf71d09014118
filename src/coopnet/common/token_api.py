"""The API of a user's own tokens: list them, issue one (its key in the answer, once), revoke
one. Mounted at /api/tokens by the project; someone else's token is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from coopnet.common.models import DEFAULT_EXPIRY_DAYS, ApiToken
from coopnet.common.tokens import token_issue, token_revoke, token_status, tokens_for_user

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    created: dt.datetime
    last_used: dt.datetime | None
    expires: dt.datetime
    #: "active", "expired" or "void" (the password changed since it was issued)
    status: str


class TokenIssued(TokenOut):
    #: the key, shown this once: only its hash is kept
    key: str


class TokenIn(Schema):
    name: str
    expires_days: int = DEFAULT_EXPIRY_DAYS


def _out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "created": token.created,
        "last_used": token.last_used,
        "expires": token.expires,
        "status": token_status(token),
    }


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(t) for t in tokens_for_user(request.user)]


@router.post("/tokens", response={201: TokenIssued})
def issue_token(request: HttpRequest, body: TokenIn) -> Status[Any]:
    issuer: ApiToken | None = getattr(request, "api_token", None)
    token, key = token_issue(
        actor=request.user,
        name=body.name,
        days=body.expires_days,
        not_after=issuer.expires if issuer else None,
    )
    return Status(201, _out(token) | {"key": key})


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Status[Any]:
    token_revoke(actor=request.user, token_id=token_id)
    return Status(204, None)
