"""The coordinator's API, mounted at /api/network. Entry points only: parse, call a selector or
service, shape the answer. Anyone but a coordinator gets 404 for every method, as on the
pages; what these schemas leave out (rates, hours, costs, payouts) is never sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from ninja import Router, Schema

from coopnet.common.access import User, coordinator_or_404
from coopnet.common.auth import guarded
from coopnet.network import selectors, services


def _coordinator(request: HttpRequest, user: User) -> None:
    coordinator_or_404(user)


# Authentication 404s anyone but a coordinator before the request's body is read, so that
# they get 404 whatever they send; the selectors and services check again.
router = Router(tags=["network"], auth=guarded(_coordinator))

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class SkillCoverageOut(Schema):
    skill: str
    name: str
    people: int
    #: people at level 3 or above: the skill's bus factor
    experts: int


class StatusCountOut(Schema):
    status: str
    label: str
    count: int


class ConsortiumOut(Schema):
    opportunity: int
    title: str
    posted_by: str
    partners: list[str]
    formed: dt.datetime | None
    value: Decimal
    commission: Decimal
    commission_amount: Decimal


class SummaryOut(Schema):
    organisations: int
    people: int
    skills_in_use: int
    commission: Decimal
    skills: list[SkillCoverageOut]
    opportunities: list[StatusCountOut]
    consortia: list[ConsortiumOut]


class CommissionIn(Schema):
    #: a fraction of each opportunity's value: 0.05 is 5%
    commission: Decimal


class CommissionOut(CommissionIn):
    """The commission as stored: the same field as sent."""


def _summary(summary: selectors.NetworkSummary) -> dict[str, Any]:
    return {
        "organisations": summary.organisations,
        "people": summary.people,
        "skills_in_use": summary.skills_in_use,
        "commission": summary.commission,
        "skills": [
            {"skill": s.slug, "name": s.name, "people": s.people, "experts": s.experts}
            for s in summary.coverage
        ],
        "opportunities": [
            {"status": s.status, "label": s.label, "count": s.count} for s in summary.opportunities
        ],
        "consortia": [
            {
                "opportunity": c.opportunity_id,
                "title": c.title,
                "posted_by": c.posted_by,
                "partners": list(c.partners),
                "formed": c.formed,
                "value": c.value,
                "commission": c.commission,
                "commission_amount": c.commission_amount,
            }
            for c in summary.consortia
        ],
    }


@router.get("/summary", response=SummaryOut)
def summary(request: HttpRequest) -> dict[str, Any]:
    """The network as a whole: counts, the skills map, opportunities by status and the
    consortia formed. Network coordinators only."""
    return _summary(selectors.network_summary(request.user))


@router.put("/commission", response=CommissionOut)
def set_commission(request: HttpRequest, body: CommissionIn) -> dict[str, Any]:
    """Set the commission (0 to 0.5) for opportunities posted from now on. Coordinators only."""
    settings = services.network_commission_set(actor=request.user, commission=body.commission)
    return {"commission": settings.commission}


def _refuse_other_methods(path: str, allowed: str) -> None:
    """Answer the methods `path` does not take: 404 for non-coordinators (through the router's
    authentication), 405 for coordinators; django-ninja alone would 405 everyone."""

    def other_method(request: HttpRequest) -> HttpResponse:
        coordinator_or_404(request.user)
        return HttpResponseNotAllowed([allowed])

    other_method.__name__ = f"{path.strip('/')}_other_methods"
    methods = [m for m in ALL_METHODS if m != allowed]
    router.api_operation(methods, path, include_in_schema=False)(other_method)


_refuse_other_methods("/summary", "GET")
_refuse_other_methods("/commission", "PUT")
