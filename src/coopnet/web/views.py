"""Pages that belong to no one app: the signed-in home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from coopnet.directory import selectors


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the user's organisations, the invitations waiting for their answer, and
    where to go next."""
    memberships = selectors.memberships(request.user).order_by("organisation__name")
    invitations = selectors.invitations_pending(request.user)
    context = {"memberships": memberships, "invitations": invitations}
    return render(request, "home.html", context)
