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
from coopnet.common.amounts import Number
from coopnet.common.auth import guarded
from coopnet.directory.models import COMMISSION_TERMS, FINDER_TERMS, NetworkSettings
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
    commission: Number


class CommissionOut(CommissionIn):
    """The commission as stored: the same field as sent."""


class PolicyIn(Schema):
    """The commission policy (spec §4): rate x value + flat, within min and max (no max: null),
    and the finder's fee: a rate or a flat amount. Rates are fractions (0.05 is 5%)."""

    commission: Number
    commission_flat: Number = Decimal(0)
    commission_min: Number = Decimal(0)
    commission_max: Number | None = None


class NetworkPolicyIn(PolicyIn):
    finder_rate: Number = Decimal(0)
    finder_flat: Number = Decimal(0)
    #: each organisation's first N formed consortia carry no commission
    commission_free_contracts: int = 0
    #: the organisations (by short name) that pay no commission
    commission_exempt: list[str] = []


class NetworkPolicyOut(NetworkPolicyIn):
    """The policy as stored: the same fields as sent."""


class OpportunityPolicyOut(PolicyIn):
    opportunity: int
    value: Decimal
    commission_amount: Decimal
    finder: str | None
    finder_amount: Decimal


def _network_policy(row: NetworkSettings) -> dict[str, Any]:
    return {
        **{name: getattr(row, name) for name in (*COMMISSION_TERMS, *FINDER_TERMS)},
        "commission_free_contracts": row.commission_free_contracts,
        "commission_exempt": sorted(o.slug for o in row.commission_exempt.all()),
    }


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


@router.get("/commission-policy", response=NetworkPolicyOut)
def commission_policy(request: HttpRequest) -> dict[str, Any]:
    """The commission policy, finder's fee and exemptions new opportunities take."""
    return _network_policy(selectors.network_policy(request.user))


@router.put("/commission-policy", response=NetworkPolicyOut)
def set_commission_policy(request: HttpRequest, body: NetworkPolicyIn) -> dict[str, Any]:
    """Set the commission policy, the finder's fee and the exemptions for opportunities posted
    from now on (omitted fields: none). Coordinators only."""
    row = services.network_commission_policy_set(actor=request.user, **body.dict())
    return _network_policy(row)


class PartnerViewIn(Schema):
    #: what a partner reads of the others' money: own (the default), payouts or full
    partner_view: str


@router.put("/partner-view", response=PartnerViewIn)
def set_partner_view(request: HttpRequest, body: PartnerViewIn) -> dict[str, Any]:
    """Set what each partner reads of the other partners' money: `own` (none of it: the
    default), `payouts` (their payouts and the contract's value) or `full` (also their added
    values and why). The last two can give a partner's cost away. Coordinators only."""
    row = services.network_partner_view_set(actor=request.user, partner_view=body.partner_view)
    return {"partner_view": row.partner_view}


@router.put("/opportunities/{opportunity_id}/commission", response=OpportunityPolicyOut)
def override_commission(
    request: HttpRequest, opportunity_id: int, body: PolicyIn
) -> dict[str, Any]:
    """Override one opportunity's commission policy until a consortium is proposed or formed.
    Coordinators only."""
    opportunity = services.opportunity_commission_override(
        actor=request.user,
        opportunity_id=opportunity_id,
        rate=body.commission,
        flat=body.commission_flat,
        minimum=body.commission_min,
        maximum=body.commission_max,
    )
    return {
        **{name: getattr(opportunity, name) for name in COMMISSION_TERMS},
        "opportunity": opportunity.pk,
        "value": opportunity.value,
        "commission_amount": opportunity.commission_amount,
        "finder": None if opportunity.finder is None else opportunity.finder.slug,
        "finder_amount": opportunity.finder_amount,
    }


def _refuse_other_methods(path: str, *allowed: str) -> None:
    """Answer the methods `path` does not take: 404 for non-coordinators (through the router's
    authentication), 405 for coordinators; django-ninja alone would 405 everyone."""

    def other_method(request: HttpRequest) -> HttpResponse:
        coordinator_or_404(request.user)
        return HttpResponseNotAllowed(list(allowed))

    other_method.__name__ = f"{path.strip('/').replace('-', '_')}_other_methods"
    methods = [m for m in ALL_METHODS if m not in allowed]
    router.api_operation(methods, path, include_in_schema=False)(other_method)


_refuse_other_methods("/summary", "GET")
_refuse_other_methods("/commission", "PUT")
_refuse_other_methods("/commission-policy", "GET", "PUT")


@router.api_operation(
    [m for m in ALL_METHODS if m != "PUT"],
    "/opportunities/{opportunity_id}/commission",
    include_in_schema=False,
)
def override_other_methods(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """As `_refuse_other_methods`, for the path with a parameter."""
    coordinator_or_404(request.user)
    return HttpResponseNotAllowed(["PUT"])
