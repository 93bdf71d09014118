"""Small helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed


def not_allowed(request: HttpRequest, *methods: str) -> HttpResponse | None:
    """405 for a method the view does not take, else None. Views call it after their access
    check, so that someone who may not see the page gets 404 whatever the method."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
    return None if request.method in allowed else HttpResponseNotAllowed(sorted(allowed))
