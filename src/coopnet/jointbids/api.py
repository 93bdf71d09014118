"""The joint bids' API, mounted at /api/jointbids. Entry points only: parse, call a selector or
service, shape the answer. An opportunity's pursuit is its poster's (404 to anyone else); a
joint bid is its members' organisations', and names the others only once all have agreed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from coopnet.jointbids import selectors, services
from coopnet.jointbids.models import JointBid

router = Router(tags=["joint bids"])


class PursuitOut(Schema):
    opportunity: int
    website: str
    tender_reference: str
    #: another member of the network pursues the same client (never who)
    pursued_by_another: bool
    can_propose: bool
    joint_bids: list[int]


class PursuitIn(Schema):
    website: str = ""
    tender_reference: str = ""


class OwnRowOut(Schema):
    opportunity: int
    organisation: str
    answer: str


class SideBySideOut(Schema):
    organisation: str
    #: the viewer is a member of it: the figures are its own (else they are null)
    own: bool
    #: its payout in the joint bid; null when not the viewer's or no proposal yet
    joint_payout: Decimal | None
    #: what its own opportunity would pay it alone; null when not the viewer's or not known
    alone_payout: Decimal | None


class JointBidOut(Schema):
    id: int
    status: str
    #: the viewer's organisations' opportunities in it, and their answers
    own: list[OwnRowOut]
    #: every member's name and the viewer's figures: empty until all have agreed
    side_by_side: list[SideBySideOut]


class AnswerIn(Schema):
    agree: bool


def _pursuit(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    view = selectors.pursuit_view(request.user, opportunity_id)
    return {
        "opportunity": view.opportunity.pk,
        "website": view.pursuit.website,
        "tender_reference": view.pursuit.tender_reference,
        "pursued_by_another": view.pursued_by_another,
        "can_propose": view.can_propose,
        "joint_bids": [b.pk for b in view.joint_bids],
    }


def _joint_bid(request: HttpRequest, bid: JointBid) -> dict[str, Any]:
    rows = selectors.own_rows(request.user, bid)
    return {
        "id": bid.pk,
        "status": bid.status,
        "own": [
            {
                "opportunity": r.opportunity_id,
                "organisation": r.organisation.slug,
                "answer": r.answer,
            }
            for r in rows
        ],
        "side_by_side": [
            {"organisation": s.name, "own": s.own, "joint_payout": s.joint, "alone_payout": s.alone}
            for s in selectors.side_by_side(request.user, bid)
        ],
    }


@router.get("/opportunities/{opportunity_id}", response=PursuitOut)
def get_pursuit(request: HttpRequest, opportunity_id: int) -> dict[str, Any]:
    """What the poster's members see of their opportunity's client: whether another member
    pursues it, never who."""
    return _pursuit(request, opportunity_id)


@router.put("/opportunities/{opportunity_id}", response=PursuitOut)
def set_pursuit(request: HttpRequest, opportunity_id: int, body: PursuitIn) -> dict[str, Any]:
    """Set the client's website and the tender reference it is matched on (the poster's
    admins)."""
    services.pursuit_update(actor=request.user, opportunity_id=opportunity_id, **body.dict())
    return _pursuit(request, opportunity_id)


@router.post("/opportunities/{opportunity_id}/joint-bid", response={201: JointBidOut})
def propose_joint_bid(request: HttpRequest, opportunity_id: int) -> Status[Any]:
    """Propose a joint bid to every other member pursuing the same client."""
    bid = services.joint_bid_propose(actor=request.user, opportunity_id=opportunity_id)
    return Status(201, _joint_bid(request, bid))


@router.get("/{joint_bid_id}", response=JointBidOut)
def get_joint_bid(request: HttpRequest, joint_bid_id: int) -> dict[str, Any]:
    return _joint_bid(request, selectors.joint_bid_for_user(request.user, joint_bid_id))


@router.post("/{joint_bid_id}/answer", response=JointBidOut)
def answer_joint_bid(request: HttpRequest, joint_bid_id: int, body: AnswerIn) -> dict[str, Any]:
    """Agree or decline for the organisation(s) you administer; when all agree, the joint bid
    is posted for the proposer and its consortium sought."""
    bid = services.joint_bid_answer(actor=request.user, joint_bid_id=joint_bid_id, agree=body.agree)
    bid.refresh_from_db()
    return _joint_bid(request, bid)
