"""Reads. A client's request is the coordinator's, and the admins' of the organisations it was
passed to: anyone else gets 404, so that nobody learns who asked the network for what. Which
offerings match it, and where it was passed, the coordinator alone sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from coopnet.clients.models import ClientRequest
from coopnet.common.access import User, coordinator_or_404, is_coordinator
from coopnet.directory.models import Organisation
from coopnet.directory.selectors import admin_memberships, organisation_for_admin
from coopnet.offerings.models import Offering


def client_requests_visible(user: User) -> QuerySet[ClientRequest]:
    """Every request for the coordinator; those passed to an organisation the user
    administers for anyone else (none for the anonymous)."""
    rows = ClientRequest.objects.prefetch_related("skills")
    if is_coordinator(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    administered = admin_memberships(user).values("organisation_id")
    return rows.filter(passed_to__in=administered).distinct()


def client_request_for_user(user: User, request_id: int) -> ClientRequest:
    """The request, if `user` may read it (above); 404 otherwise."""
    return get_object_or_404(client_requests_visible(user), pk=request_id)


def client_inbox(user: User) -> QuerySet[ClientRequest]:
    """The coordinator's inbox: every request, newest first (404 for anyone else)."""
    coordinator_or_404(user)
    return ClientRequest.objects.prefetch_related("skills")


def client_requests_of(user: User, slug: str) -> tuple[Organisation, QuerySet[ClientRequest]]:
    """The requests passed to the organisation `slug`, for its admins (404 for anyone else)."""
    organisation = organisation_for_admin(user, slug)
    rows = ClientRequest.objects.filter(passed_to=organisation).prefetch_related("skills")
    return organisation, rows


@dataclass(frozen=True)
class Match:
    """An organisation whose offerings draw on some of the skills a request asks for."""

    organisation: Organisation
    offerings: tuple[str, ...]
    skills: tuple[str, ...]  # the requested skills it offers, by name


def matching_organisations(request: ClientRequest) -> list[Match]:
    """The organisations offering any of the request's skills, those that offer the most of
    them first (then by name): whom the coordinator may pass it to."""
    wanted = list(request.skills.all())
    if not wanted:
        return []
    offerings = (
        Offering.objects.filter(skills__in=wanted)
        .select_related("organisation")
        .prefetch_related("skills")
        .distinct()
    )
    found: dict[int, tuple[Organisation, list[str], set[str]]] = {}
    wanted_ids = {s.pk for s in wanted}
    for offering in offerings:
        org = offering.organisation
        _, names, skills = found.setdefault(org.pk, (org, [], set()))
        names.append(offering.name)
        skills.update(s.name for s in offering.skills.all() if s.pk in wanted_ids)
    matches = [Match(o, tuple(sorted(n)), tuple(sorted(s))) for o, n, s in found.values()]
    return sorted(matches, key=lambda m: (-len(m.skills), m.organisation.name))


def posters_for(user: User, request: ClientRequest) -> list[Organisation]:
    """The organisations `user` may post the request's opportunity for: any, for the
    coordinator (those it was passed to first); else those it was passed to that the user
    administers."""
    passed = list(request.passed_to.order_by("name"))
    if is_coordinator(user):
        others = Organisation.objects.exclude(pk__in=[o.pk for o in passed]).order_by("name")
        return passed + list(others)
    administered = {m.organisation_id for m in admin_memberships(user)}
    return [o for o in passed if o.pk in administered]


def inbox_counts() -> dict[str, int]:
    """How many requests are in each status: for the coordinator's inbox."""
    rows = ClientRequest.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


__all__ = [
    "Match",
    "client_inbox",
    "client_request_for_user",
    "client_requests_of",
    "client_requests_visible",
    "inbox_counts",
    "matching_organisations",
    "posters_for",
]
