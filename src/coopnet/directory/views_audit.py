"""The audit trail's pages: an organisation's events for its admins, every event for the
coordinator. Anyone else gets 404 (a competitor cannot even learn that the page exists)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coopnet.common.access import coordinator_or_404
from coopnet.common.http import not_allowed
from coopnet.common.models import AuditEvent
from coopnet.directory import selectors
from coopnet.directory.models import Organisation

PAGE_SIZE = 100


def _page(
    request: HttpRequest, events: QuerySet[AuditEvent], organisation: Organisation | None
) -> HttpResponse:
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[AuditEvent] = list(page.object_list)
    names = selectors.organisation_names(e.organisation_id for e in shown)
    rows = [(e, names.get(e.organisation_id or 0, "")) for e in shown]
    context = {"organisation": organisation, "page": page, "rows": rows}
    return render(request, "directory/audit.html", context)


@login_required
def organisation_audit(request: HttpRequest, slug: str) -> HttpResponse:
    """Who did what to the organisation's things, and when: for its admins."""
    organisation = selectors.organisation_for_admin(request.user, slug)  # 404, whatever the method
    if refused := not_allowed(request, "GET", "HEAD"):
        return refused
    return _page(request, selectors.audit_trail(request.user, slug), organisation)


@login_required
def network_audit(request: HttpRequest) -> HttpResponse:
    """Every event in the network: for the coordinator, with no private figure in any."""
    coordinator_or_404(request.user)
    if refused := not_allowed(request, "GET", "HEAD"):
        return refused
    return _page(request, selectors.audit_trail(request.user), None)
