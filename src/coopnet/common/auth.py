"""Who is asking: the browser's session (with Django's CSRF check on unsafe methods) or a
script's bearer token. Every API router authenticates with `API_AUTH`, or with `guarded(check)`
where a whole router is closed to outsiders: the check runs as soon as the user is known, before
the request's body is read, so that an outsider gets 404 whatever it sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from coopnet.common.access import User
from coopnet.common.models import ApiToken
from coopnet.common.tokens import token_touch

#: raises Http404 (or PermissionDenied) when `user` may not use the router at all
Check = Callable[[HttpRequest, User], None]


def token_for_key(key: str) -> ApiToken | None:
    """The token whose key this is, if it still works: unexpired, its owner active and still
    under the password it was issued with; its use recorded (`last_used`)."""
    found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(key)).first()
    now = timezone.now()
    if found is None or not found.works(now):
        return None
    token_touch(found, now)
    return found


class TokenAuth(HttpBearer):
    def __init__(self, check: Check | None = None) -> None:
        super().__init__()
        self.check = check

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for_key(token)
        if found is None:
            return None
        user = found.user
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        if self.check is not None:
            self.check(request, user)
        return user


class CheckedSession(SessionAuth):
    def __init__(self, check: Check) -> None:
        super().__init__()
        self.check = check

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            self.check(request, user)
        return user


def guarded(check: Check) -> list[Any]:
    """Token or session authentication that then runs `check`."""
    return [TokenAuth(check), CheckedSession(check)]


API_AUTH: list[Any] = [TokenAuth(), SessionAuth()]


class _SettingsRate(SimpleRateThrottle):
    """A throttle whose rate is `settings.COOPNET_API_RATES[scope]`, read on every request (ninja
    reads it once, when the API is built), so that a changed setting applies at once."""

    def __init__(self) -> None:
        super().__init__(rate=settings.COOPNET_API_RATES[self.scope or ""])

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.COOPNET_API_RATES[self.scope or ""]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Each signed-in user's requests (session or token alike), counted by user."""


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    """Each address's requests to the routes open without credentials."""


#: every API operation's throttles: over its rate, a caller gets 429 with Retry-After. Counts
#: are kept in Django's cache (each process's own memory unless CACHES says otherwise).
API_THROTTLES: list[Any] = [UserThrottle(), AnonThrottle()]
