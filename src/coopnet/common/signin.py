"""Sign-in against password guessing: django-axes counts the failed sign-ins of each username
from each address, and after `AXES_FAILURE_LIMIT` of them within the cool-off period
(`AXES_COOLOFF_TIME`) refuses that username from that address, right password or not, until
the period has passed. A successful sign-in clears the count.

The pieces axes takes by name from the settings live here: the backend that guards
`authenticate`, the client's address behind the deployment's proxies, and the page that says
why the sign-in was refused."""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKED_OUT = (
    "Too many failed sign-ins for this account from your address. Wait {minutes} minutes, "
    "then try again, or reset your password."
)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' guard, first of the backends: refuses a locked-out username before any password is
    checked. `authenticate` called without a request (code, not a sign-in form: the test
    client's `login`, management commands) has no address to count, so it is let through to
    the password check, which then guards nothing more than the caller already could."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[no-any-return]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the one `COOPNET_PROXY_HOPS` trusted proxies saw, counting from
    the right of X-Forwarded-For (the left part is the client's to forge), else the socket's."""
    hops: int = settings.COOPNET_PROXY_HOPS
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if hops > 0 and forwarded:
        addresses = [a.strip() for a in forwarded.split(",")]
        return addresses[-min(hops, len(addresses))]
    return str(request.META.get("REMOTE_ADDR", "")) or None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """429 with a page in words, and Retry-After: when the cool-off period ends."""
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else 0
    message = LOCKED_OUT.format(minutes=max(1, math.ceil(seconds / 60)))
    response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
