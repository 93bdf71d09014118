"""Reads. A pursuit is its poster's: only the poster's members see its page (`opportunity_for_
poster`); anyone else gets Http404. A joint bid is seen by the members of its members'
organisations (`joint_bid_for_user`), and by nobody else. Until all have agreed, what they see
names nobody but their own organisation and shows no figure; once all have, they see who the
others are, and each organisation its own figures beside the others' names (`side_by_side`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from coopnet.common.access import User
from coopnet.directory.models import Membership
from coopnet.directory.selectors import memberships
from coopnet.engine.clients import client_name_key
from coopnet.jointbids.models import JointBid, JointBidMember, Pursuit
from coopnet.opportunities.models import Opportunity, Proposal, ProposalPartner

#: the statuses of an opportunity still pursued (not formed; any status added later, such as
#: closed or withdrawn, is not)
OPEN_STATUSES = [
    Opportunity.DRAFT,
    Opportunity.FORMING,
    Opportunity.PROPOSED,
    Opportunity.INFEASIBLE,
    Opportunity.UNPROFITABLE,
    Opportunity.FAILED,
    # every proposal declined or lapsed: the poster still pursues the client
    Opportunity.DECLINED,
    Opportunity.LAPSED,
]
KEYS = ("name_key", "website_key", "tender_key")


def _organisations(user: User) -> QuerySet[Membership, Any]:
    return memberships(user).values("organisation")


def pursuing() -> QuerySet[Opportunity]:
    """The opportunities still pursued alone: open, not a joint bid's own, and not in a joint
    bid all its members agreed to."""
    agreed = JointBidMember.objects.filter(joint_bid__status=JointBid.AGREED)
    return Opportunity.objects.filter(status__in=OPEN_STATUSES, joint_bid__isnull=True).exclude(
        pk__in=agreed.values("opportunity")
    )


def pursuit_of(opportunity: Opportunity) -> Pursuit:
    """The opportunity's pursuit (made now for an opportunity saved before pursuits were)."""
    found, _ = Pursuit.objects.get_or_create(
        opportunity=opportunity, defaults={"name_key": client_name_key(opportunity.client)}
    )
    return found


def rivals_of(opportunity: Opportunity) -> QuerySet[Opportunity]:
    """The other posters' opportunities still pursued that share a non-empty key with
    `opportunity` (none when it is no longer pursued itself)."""
    pursuit = pursuit_of(opportunity)
    shared = Q()
    for key in KEYS:
        if value := getattr(pursuit, key):
            shared |= Q(**{f"pursuit__{key}": value})
    if not shared or not pursuing().filter(pk=opportunity.pk).exists():
        return Opportunity.objects.none()
    return pursuing().filter(shared).exclude(posted_by=opportunity.posted_by_id)


def opportunity_for_poster(user: User, opportunity_id: int) -> Opportunity:
    """The opportunity if `user` is a member of its poster; else Http404."""
    found = Opportunity.objects.filter(pk=opportunity_id, posted_by__in=_organisations(user))
    opportunity = found.select_related("posted_by").first()
    if opportunity is None:
        raise Http404
    return opportunity


def joint_bids_of(opportunity: Opportunity) -> QuerySet[JointBid]:
    return JointBid.objects.filter(members__opportunity=opportunity).distinct()


def joint_bid_for_user(user: User, joint_bid_id: int) -> JointBid:
    """The joint bid if `user` is a member of one of its members' organisations; else 404."""
    mine = JointBidMember.objects.filter(organisation__in=_organisations(user))
    found = JointBid.objects.filter(pk=joint_bid_id, pk__in=mine.values("joint_bid")).first()
    if found is None:
        raise Http404
    return found


def joint_bids_for_user(user: User) -> QuerySet[JointBid]:
    mine = JointBidMember.objects.filter(organisation__in=_organisations(user))
    return JointBid.objects.filter(pk__in=mine.values("joint_bid"))


def own_rows(user: User, joint_bid: JointBid) -> list[JointBidMember]:
    """The joint bid's rows of the organisations `user` is a member of."""
    rows = joint_bid.members.filter(organisation__in=_organisations(user))
    return list(rows.select_related("opportunity", "organisation"))


@dataclass(frozen=True)
class PursuitView:
    """What a poster's member sees about its opportunity's client: whether another member
    pursues it (never who), and the joint bids its opportunity is in."""

    opportunity: Opportunity
    pursuit: Pursuit
    pursued_by_another: bool
    open_bid: JointBid | None
    joint_bids: list[JointBid]

    @property
    def can_propose(self) -> bool:
        agreed = any(b.status == JointBid.AGREED for b in self.joint_bids)
        return self.pursued_by_another and self.open_bid is None and not agreed


def pursuit_view(user: User, opportunity_id: int) -> PursuitView:
    opportunity = opportunity_for_poster(user, opportunity_id)  # 404 for everyone else
    bids = list(joint_bids_of(opportunity))
    return PursuitView(
        opportunity=opportunity,
        pursuit=pursuit_of(opportunity),
        pursued_by_another=rivals_of(opportunity).exists(),
        open_bid=next((b for b in bids if b.status == JointBid.OPEN), None),
        joint_bids=bids,
    )


@dataclass(frozen=True)
class Listed:
    """One of the viewer's organisations' opportunities on the joint bids' page."""

    opportunity: Opportunity
    pursued_by_another: bool


def listed_pursuits(user: User) -> list[Listed]:
    """The opportunities still pursued by the organisations `user` is a member of, each with
    whether another poster pursues its client: in a few queries, however many there are."""
    own = list(pursuing().filter(posted_by__in=_organisations(user)).order_by("-created", "-pk"))
    kept = Pursuit.objects.filter(opportunity__in=[o.pk for o in own])
    pursuits = {p.opportunity_id: p for p in kept}
    for opportunity in own:
        if opportunity.pk not in pursuits:  # saved before pursuits were
            pursuits[opportunity.pk] = pursuit_of(opportunity)
    posters = _posters_by_key(list(pursuits.values()))

    def pursued(o: Opportunity) -> bool:
        keys = [(k, getattr(pursuits[o.pk], k)) for k in KEYS]
        return any(posters.get(key, set()) - {o.posted_by_id} for key in keys if key[1])

    return [Listed(o, pursued(o)) for o in own]


def _posters_by_key(pursuits: list[Pursuit]) -> dict[tuple[str, str], set[int]]:
    """For each non-empty key of `pursuits`, the posters of the opportunities still pursued
    that share it."""
    shared = Q()
    for key in KEYS:
        if values := {getattr(p, key) for p in pursuits} - {""}:
            shared |= Q(**{f"pursuit__{key}__in": values})
    found: dict[tuple[str, str], set[int]] = {}
    if not shared:
        return found
    columns = [f"pursuit__{key}" for key in KEYS]
    for poster, *values in pursuing().filter(shared).values_list("posted_by_id", *columns):
        for key, value in zip(KEYS, values, strict=True):
            found.setdefault((key, value), set()).add(poster)
    return found


def chosen_proposal(opportunity: Opportunity) -> Proposal | None:
    """The proposal an opportunity's figures come from: the formed one, else the cheapest of
    its latest formation; None when no formation has proposed one."""
    proposals = Proposal.objects.filter(opportunity=opportunity)
    formed = proposals.filter(status=Proposal.FORMED).first()
    if formed is not None:
        return formed
    return proposals.filter(kind=Proposal.CHEAPEST).order_by("-run__created", "-pk").first()


def payout_to(opportunity: Opportunity | None, organisation_id: int) -> Decimal | None:
    """What `chosen_proposal` pays the organisation: 0 when it is not a partner of it, None
    when there is no proposal (the formation has not run, or found none)."""
    proposal = None if opportunity is None else chosen_proposal(opportunity)
    if proposal is None:
        return None
    row = ProposalPartner.objects.filter(proposal=proposal, organisation_id=organisation_id)
    payout = row.values_list("payout", flat=True).first()
    return Decimal("0.00") if payout is None else payout


@dataclass(frozen=True)
class SideBySide:
    """One member organisation of an agreed joint bid, as one viewer sees it: its name, and
    its figures only when the viewer is one of its members (`own`)."""

    name: str
    own: bool
    joint: Decimal | None = None
    alone: Decimal | None = None


def side_by_side(user: User, joint_bid: JointBid) -> list[SideBySide]:
    """Each member organisation of an agreed joint bid (none before all agree): its payout in
    the joint bid and what its own opportunity would pay it alone, for the viewer's own
    organisations; the others' names alone."""
    if joint_bid.status != JointBid.AGREED:
        return []
    mine = set(memberships(user).values_list("organisation", flat=True))
    rows = joint_bid.members.select_related("organisation", "opportunity")
    shown = []
    for row in rows.order_by("organisation__name", "pk"):
        if row.organisation_id not in mine:
            shown.append(SideBySide(row.organisation.name, own=False))
            continue
        joint = payout_to(joint_bid.opportunity, row.organisation_id)
        alone = payout_to(row.opportunity, row.organisation_id)
        shown.append(SideBySide(row.organisation.name, True, joint, alone))
    return shown
