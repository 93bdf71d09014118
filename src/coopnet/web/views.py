"""Pages that belong to no one app: the signed-in home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from coopnet.directory import selectors
from coopnet.directory.models import Membership


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the user's organisations, the invitations waiting for their answer, and
    where to go next, by what the user may do (post for an organisation it administers, keep
    its own hours and skills when it is one of the directory's people, run the network)."""
    memberships = list(selectors.memberships(request.user).order_by("organisation__name"))
    context = {
        "memberships": memberships,
        "invitations": selectors.invitations_pending(request.user),
        "may_post": any(m.role == Membership.ADMIN for m in memberships),
        "person": selectors.own_person(request.user),
    }
    return render(request, "home.html", context)
