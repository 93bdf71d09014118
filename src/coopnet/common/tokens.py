"""API tokens, managed by their owner: issued with a name and a life in days (the key shown
once), listed with when each was made, last used and expires, and revoked. Nobody sees or
revokes another's tokens: someone else's token is a 404.

A token used to issue another cannot give it a longer life than its own, or a leaked token
could keep itself alive for ever by issuing fresh ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from coopnet.common import audit
from coopnet.common.models import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, TOUCH_EVERY, ApiToken

NAME_REQUIRED = "Give the token a name: what it is for."
NAME_TOO_LONG = "A token's name has at most 100 characters."
EXPIRY_OUT_OF_RANGE = f"A token lasts from 1 to {MAX_EXPIRY_DAYS} days."
OUTLIVES_ISSUER = "A token cannot outlive the token that issues it: choose fewer days."


def tokens_for_user(user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first."""
    return ApiToken.objects.filter(user=user).select_related("user")


def token_for_user_or_404(user: Any, token_id: int) -> ApiToken:
    """One of the user's own tokens; anyone else's, or none, is a 404."""
    token = tokens_for_user(user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def _validate(name: str, days: int, not_after: dt.datetime | None) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = NAME_REQUIRED
    elif len(name.strip()) > 100:
        errors["name"] = NAME_TOO_LONG
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        errors["expires_days"] = EXPIRY_OUT_OF_RANGE
    elif not_after is not None and timezone.now() + dt.timedelta(days=days) > not_after:
        errors["expires_days"] = OUTLIVES_ISSUER
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def token_issue(
    *,
    actor: Any,
    name: str,
    days: int = DEFAULT_EXPIRY_DAYS,
    not_after: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `actor` and its key, to be shown once: only its hash is kept.
    `not_after`: the expiry of the token making the request, when one is."""
    _validate(name, days, not_after)
    token, key = ApiToken.issue(actor, name.strip(), days=days)
    summary = f"Issued API token {token.name!r} to {actor.get_username()}"
    audit.record(actor=actor, action="token.issued", obj=token, summary=summary)
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token_id: int) -> ApiToken:
    """Delete one of `actor`'s tokens (returned, for its name); it stops working at once."""
    token = token_for_user_or_404(actor, token_id)
    summary = f"Revoked API token {token.name!r} of {actor.get_username()}"
    audit.record(actor=actor, action="token.revoked", obj=token, summary=summary)
    token.delete()
    return token


def token_touch(token: ApiToken, now: dt.datetime) -> None:
    """Record that the token was used, at most once a `TOUCH_EVERY`."""
    if token.last_used is None or now - token.last_used >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now


def token_status(token: ApiToken, now: dt.datetime | None = None) -> str:
    """The token's state: "active", "expired" or "void" (its owner's password has changed
    since it was issued)."""
    if token.is_void():
        return "void"
    return "expired" if token.is_expired(now) else "active"
