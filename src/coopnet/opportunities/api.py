"""The opportunities API, mounted at /api/opportunities. Entry points only: parse, call a
selector or service, shape the answer. What a partner may see is decided by the selectors;
what these schemas leave out (rates, capacity, a proposal's total cost) is never sent, and a
partner's own cost and surplus share (`own`) go to its own members only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from coopnet.common.amounts import Number
from coopnet.directory.models import COMMISSION_TERMS
from coopnet.opportunities import lifecycle, selectors, services
from coopnet.opportunities.models import FormationRun, Opportunity, Proposal
from coopnet.opportunities.payouts import PartnerPayout

router = Router(tags=["opportunities"])


class RequirementIn(Schema):
    skill: str
    min_level: int
    hours: Number


class OpportunityIn(Schema):
    organisation: str
    title: str
    client: str = ""
    description: str = ""
    value: Number
    deadline: dt.date
    requirements: list[RequirementIn]


class OpportunityEditIn(Schema):
    """What an opportunity asks for, all of it, as its poster edits it."""

    title: str
    client: str = ""
    description: str = ""
    value: Number
    deadline: dt.date
    requirements: list[RequirementIn]


class RequirementOut(RequirementIn):
    """A requirement as stored: the same fields as posted."""


class OpportunityOut(Schema):
    """An opportunity. Its value and what is taken off the top are null for the partners
    when the network shows them none of the others' money (`partner_view`, the default):
    with a partner's own figures they would give another partner's cost."""

    id: int
    organisation: str
    organisation_name: str
    title: str
    client: str
    description: str
    value: Decimal | None
    #: the commission policy frozen at posting (or the coordinator's override): rate x value
    #: + flat, within min and max (no max: null)
    commission: Decimal | None
    commission_flat: Decimal | None
    commission_min: Decimal | None
    commission_max: Decimal | None
    commission_amount: Decimal | None
    #: the organisation that brought the client (by short name) and its fee, off the top too
    finder: str | None
    finder_amount: Decimal | None
    deadline: dt.date
    status: str
    #: the poster's consent to show the title on the partners' profiles once formed
    title_public: bool
    created: dt.datetime
    requirements: list[RequirementOut]


class RunOut(Schema):
    id: int
    opportunity: int
    status: str
    progress: int
    message: str
    created: dt.datetime
    started: dt.datetime | None
    finished: dt.datetime | None


class SkillNeedOut(Schema):
    skill: str
    min_level: int


class OwnPayoutOut(Schema):
    """What a partner's payout is made of: sent to its own members only (with the payout, the
    cost of its own work would reveal its rates). Null on proposals made before it was kept."""

    own_cost: Decimal | None
    surplus_share: Decimal | None
    explanation: str


class PartnerOut(Schema):
    """A partner of a proposal. Of another organisation's partner row, the money (payout,
    added value, reason, explanation) is null unless the network's `partner_view` shows it."""

    organisation: str
    name: str
    #: the recommended split's payout
    payout: Decimal | None
    #: the Shapley payout, when the nucleolus is paid instead; null when the Shapley one is paid
    shapley_payout: Decimal | None
    #: what the consortium would earn less without it
    added_value: Decimal | None
    hours: Decimal
    #: why it matters: only_supplier, others_lack_hours, others_unprofitable,
    #: others_costlier, others_same_cost or others_cheaper (empty on some proposals made
    #: before reasons were kept)
    reason: str | None
    unique_skills: list[SkillNeedOut]
    explanation: str | None
    #: present for the members of this partner organisation only
    own: OwnPayoutOut | None
    decision: str
    decided_at: dt.datetime | None
    #: why it declined (seen only by those who see a declined proposal: its poster and the
    #: partner that declined it)
    decline_reason: str


class AssignmentOut(Schema):
    person: int
    person_name: str
    organisation: str
    skill: str
    hours: Decimal
    role: str


class ProposalOut(Schema):
    id: int
    opportunity: int
    kind: str
    status: str
    recommended: str
    in_core: bool | None
    #: null where the reader may not see the opportunity's value (`OpportunityOut`)
    value: Decimal | None
    commission_amount: Decimal | None
    finder: str | None
    finder_amount: Decimal | None
    partners: list[PartnerOut]
    assignments: list[AssignmentOut]
    data: dict[str, Any]
    #: the last day its partners may decide (it lapses if still pending after it); null: none
    decide_by: dt.date | None
    #: the best proposal of the latest search (its cheapest), while open or formed
    best: bool


class DecisionIn(Schema):
    accept: bool
    #: why your organisation declines, for the poster (required with a decline)
    reason: str = ""


class TitleConsentIn(Schema):
    #: show the title on the partners' public profiles once a consortium is formed
    public: bool


def _finder(opportunity: Opportunity) -> str | None:
    return None if opportunity.finder is None else opportunity.finder.slug


def _money(opportunity: Opportunity) -> dict[str, Any]:
    """The value and what is taken off the top."""
    return {
        "value": opportunity.value,
        **{name: getattr(opportunity, name) for name in COMMISSION_TERMS},
        "commission_amount": opportunity.commission_amount,
        "finder": _finder(opportunity),
        "finder_amount": opportunity.finder_amount,
    }


def _opportunity(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    money = _money(opportunity)
    if not selectors.sees_value(request.user, opportunity):
        money = dict.fromkeys(money)
    return {
        "id": opportunity.pk,
        "organisation": opportunity.posted_by.slug,
        "organisation_name": opportunity.posted_by.name,
        "title": opportunity.title,
        "client": opportunity.client,
        "description": opportunity.description,
        **money,
        "deadline": opportunity.deadline,
        "status": opportunity.status,
        "title_public": opportunity.title_public,
        "created": opportunity.created,
        "requirements": [
            {"skill": r.skill.slug, "min_level": r.min_level, "hours": r.hours}
            for r in opportunity.requirements.all()
        ],
    }


def _run(run: FormationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "opportunity": run.opportunity_id,
        "status": run.status,
        "progress": run.progress,
        "message": run.message,
        "created": run.created,
        "started": run.started,
        "finished": run.finished,
    }


def _partner(payout: PartnerPayout) -> dict[str, Any]:
    partner, own = payout.partner, payout.own
    return {
        "organisation": partner.organisation.slug,
        "name": partner.organisation.name,
        "payout": payout.payout,
        "shapley_payout": payout.shapley_payout,
        "added_value": payout.added_value,
        "hours": partner.hours,
        "reason": payout.reason,
        "unique_skills": payout.unique_skills,
        "explanation": payout.why,
        "own": (
            None
            if own is None
            else {
                "own_cost": own.own_cost,
                "surplus_share": own.surplus_share,
                "explanation": own.words,
            }
        ),
        "decision": partner.decision,
        "decided_at": partner.decided_at,
        "decline_reason": partner.decline_reason,
    }


def _proposal(request: HttpRequest, proposal: Proposal, best: int | None = None) -> dict[str, Any]:
    partners = [_partner(p) for p in selectors.proposal_payouts(request.user, proposal)]
    assignments = [
        {
            "person": a.person_id,
            "person_name": a.person.name,
            "organisation": a.organisation.slug,
            "skill": a.skill.slug,
            "hours": a.hours,
            "role": a.role,
        }
        for a in proposal.assignments.all()
    ]
    return {
        "id": proposal.pk,
        "opportunity": proposal.opportunity_id,
        "kind": proposal.kind,
        "status": proposal.status,
        "recommended": proposal.recommended,
        "in_core": proposal.in_core,
        **_proposal_money(request, proposal.opportunity),
        "partners": partners,
        "assignments": assignments,
        "data": proposal.data,
        "decide_by": proposal.decide_by,
        "best": proposal.pk == best,
    }


def _proposal_money(request: HttpRequest, opportunity: Opportunity) -> dict[str, Any]:
    money = {
        "value": opportunity.value,
        "commission_amount": opportunity.commission_amount,
        "finder": _finder(opportunity),
        "finder_amount": opportunity.finder_amount,
    }
    return money if selectors.sees_value(request.user, opportunity) else dict.fromkeys(money)


@router.post("", response={201: OpportunityOut})
def create_opportunity(request: HttpRequest, body: OpportunityIn) -> Status[Any]:
    """Post a client opportunity for an organisation you administer."""
    opportunity = services.opportunity_create(
        actor=request.user,
        organisation_slug=body.organisation,
        title=body.title,
        client=body.client,
        description=body.description,
        value=body.value,
        deadline=body.deadline,
        requirements=[r.dict() for r in body.requirements],
    )
    return Status(
        201, _opportunity(request, selectors.opportunity_for_user(request.user, opportunity.pk))
    )


@router.get("", response=list[OpportunityOut])
def list_opportunities(request: HttpRequest) -> list[dict[str, Any]]:
    """Your organisations' opportunities, and those you are proposed as a partner in."""
    return [_opportunity(request, o) for o in selectors.opportunity_list(request.user)]


def _lapsed(request: HttpRequest, opportunity_id: int) -> None:
    """Lapse the opportunity's proposals past their decision deadline (read, so checked)."""
    selectors.opportunity_for_user(request.user, opportunity_id)  # 404 for outsiders
    if lifecycle.lapsing(opportunity_id).exists():
        lifecycle.proposals_lapse(opportunity_id=opportunity_id)


@router.get("/{int:opportunity_id}", response=OpportunityOut)
def get_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    _lapsed(request, opportunity_id)
    return _opportunity(request, selectors.opportunity_for_user(request.user, opportunity_id))


@router.put("/{int:opportunity_id}", response=OpportunityOut)
def edit_opportunity(
    request: HttpRequest, opportunity_id: int, body: OpportunityEditIn
) -> dict[str, Any]:
    """Change what an opportunity asks for (its poster's admins; while no proposal is pending,
    no search runs and no consortium is formed): it is a draft again."""
    lifecycle.opportunity_update(
        actor=request.user,
        opportunity_id=opportunity_id,
        title=body.title,
        client=body.client,
        description=body.description,
        value=body.value,
        deadline=body.deadline,
        requirements=[r.dict() for r in body.requirements],
    )
    return _opportunity(request, selectors.opportunity_for_user(request.user, opportunity_id))


@router.post("/{int:opportunity_id}/withdrawal", response=OpportunityOut)
def withdraw_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    """Withdraw it before a consortium is formed; pending proposals end, partners told."""
    lifecycle.opportunity_withdraw(actor=request.user, opportunity_id=opportunity_id)
    return _opportunity(request, selectors.opportunity_for_user(request.user, opportunity_id))


@router.post("/{int:opportunity_id}/closure", response=OpportunityOut)
def close_opportunity(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    """Close it before a consortium is formed; pending proposals end, partners told."""
    lifecycle.opportunity_close(actor=request.user, opportunity_id=opportunity_id)
    return _opportunity(request, selectors.opportunity_for_user(request.user, opportunity_id))


@router.post("/{int:opportunity_id}/title-consent", response=OpportunityOut)
def title_consent(request: HttpRequest, opportunity_id: int, body: TitleConsentIn) -> Any:
    """Give (or withdraw) the poster's consent to show the title on the partners' public
    profiles once a consortium is formed: the poster's admins only."""
    services.opportunity_title_consent(
        actor=request.user, opportunity_id=opportunity_id, public=body.public
    )
    return _opportunity(request, selectors.opportunity_for_user(request.user, opportunity_id))


@router.post("/{int:opportunity_id}/formation", response={202: RunOut})
def start_formation(
    request: HttpRequest, opportunity_id: int, decide_by: dt.date | None = None
) -> Status[Any]:
    """Start forming consortia in the background; poll the returned run for progress. With
    `decide_by`, proposals still pending after that day lapse."""
    run = services.formation_start(
        actor=request.user, opportunity_id=opportunity_id, decide_by=decide_by
    )
    return Status(202, _run(run))


@router.get("/runs/{int:run_id}", response=RunOut)
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """A formation run: the posting organisation's members only (404 for partners too)."""
    return _run(selectors.run_for_user(request.user, run_id))


@router.get("/{int:opportunity_id}/proposals", response=list[ProposalOut])
def list_proposals(request: HttpRequest, opportunity_id: int) -> list[dict[str, Any]]:
    """The consortia proposed for an opportunity that you may see, with their splits."""
    _lapsed(request, opportunity_id)
    proposals = list(selectors.proposal_list(request.user, opportunity_id))
    best = selectors.best_proposal(proposals)
    return [_proposal(request, p, best) for p in proposals]


@router.post("/proposals/{int:proposal_id}/decision", response=ProposalOut)
def decide(request: HttpRequest, proposal_id: int, body: DecisionIn) -> dict[str, Any]:
    """Accept or decline a proposal for the partner organisation you administer."""
    services.proposal_decide(
        actor=request.user, proposal_id=proposal_id, accept=body.accept, reason=body.reason
    )
    proposal = selectors.proposal_for_user(request.user, proposal_id)
    others = selectors.proposal_list(request.user, proposal.opportunity_id)
    return _proposal(request, proposal, selectors.best_proposal(others))
