"""Small helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed


def not_allowed(request: HttpRequest, *methods: str) -> HttpResponse | None:
    """405 for a method the view does not take, else None. Views call it after their access
    check, so that someone who may not see the page gets 404 whatever the method."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
    return None if request.method in allowed else HttpResponseNotAllowed(sorted(allowed))


def site_url(request: HttpRequest) -> str:
    """The address this site is reached at, without a trailing slash, for links in mail."""
    return request.build_absolute_uri("/").rstrip("/")
