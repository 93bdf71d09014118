"""Writes. Each finds its object through a selector (404 for whoever may not see it), checks
the actor's role (403 for a member who is not an admin), validates before saving, and runs in
one transaction.

When every member of a joint bid has agreed, its own opportunity is posted for the proposer
through the opportunities' services and its formation started, so that the usual proposal,
acceptance and contract follow. The combined requirements (`combined_requirements`): for each
skill any member asks for, the highest level and the most hours any of them asks (bids for the
same client's work ask for the same work, so the largest ask covers each); the value is the
highest of the members' values; the deadline the earliest that has not passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coopnet.common import audit
from coopnet.common.access import User, account
from coopnet.common.amounts import parse_text
from coopnet.directory.models import Membership, Organisation
from coopnet.directory.selectors import is_admin
from coopnet.engine.clients import tender_key, website_key
from coopnet.jointbids import selectors
from coopnet.jointbids.models import JointBid, JointBidMember, Pursuit
from coopnet.notifications.models import JOINT_BID
from coopnet.notifications.services import admins_of, notify
from coopnet.opportunities import services as opportunities
from coopnet.opportunities.models import Opportunity, Requirement

NOT_ADMIN = "Only an admin of the posting organisation can do this."
NOT_MEMBER_ADMIN = "Only an admin of an organisation asked to bid jointly can answer."
BAD_WEBSITE = "A website as its address, such as example.org (got {value!r})."
NOT_PURSUED = "This opportunity is no longer open, so it cannot be bid for jointly."
NO_OTHER = "No other member of the network pursues this client now."
ALREADY_PROPOSED = "A joint bid for this opportunity is already proposed or agreed."
ALREADY_ANSWERED = "Your organisation has already answered this joint bid."
CLOSED = "This joint bid is no longer open for answers."
GONE = "One of the opportunities of this joint bid is no longer open: it is closed."
NO_PROPOSER_ADMIN = "The proposing organisation has no admin left to post the joint bid."
DEADLINES_PASSED = "Every deadline of this joint bid has passed: it cannot be formed."
JOINT_TITLE = "Joint bid: {title}"
JOINT_DESCRIPTION = "A joint bid of {count} members of the network for the same client."


@transaction.atomic
def pursuit_update(
    *, actor: User, opportunity_id: int, website: Any = "", tender_reference: Any = ""
) -> Pursuit:
    """Set the client's website and the tender reference of an opportunity, which other
    posters' opportunities are matched on: the poster's admins only."""
    opportunity = selectors.opportunity_for_poster(actor, opportunity_id)  # 404 for outsiders
    if not is_admin(actor, opportunity.posted_by):
        raise PermissionDenied(NOT_ADMIN)
    errors: dict[str, str] = {}
    site = parse_text(errors, "website", website, 200, required=False)
    reference = parse_text(errors, "tender_reference", tender_reference, 100, required=False)
    host = website_key(site)
    if site and ("." not in host or any(c.isspace() for c in host)):
        errors["website"] = BAD_WEBSITE.format(value=site)
    if errors:
        raise ValidationError(errors)
    pursuit = selectors.pursuit_of(opportunity)
    pursuit.website, pursuit.website_key = site, host
    pursuit.tender_reference, pursuit.tender_key = reference, tender_key(reference)
    pursuit.save()
    return pursuit


@transaction.atomic
def joint_bid_propose(*, actor: User, opportunity_id: int) -> JointBid:
    """Propose that the posters of every other opportunity still pursued for the same client
    bid jointly with `opportunity_id`'s poster, which agrees by proposing."""
    opportunity = selectors.opportunity_for_poster(actor, opportunity_id)  # 404 for outsiders
    if not is_admin(actor, opportunity.posted_by):
        raise PermissionDenied(NOT_ADMIN)
    Opportunity.objects.select_for_update().filter(pk=opportunity.pk).first()
    if not selectors.pursuing().filter(pk=opportunity.pk).exists():
        raise ValidationError(NOT_PURSUED)
    ended = [JointBid.DECLINED, JointBid.CLOSED]
    taken = selectors.joint_bids_of(opportunity).exclude(status__in=ended)
    if taken.exists():
        raise ValidationError(ALREADY_PROPOSED)
    busy = JointBidMember.objects.filter(joint_bid__status=JointBid.OPEN).values("opportunity")
    others = list(selectors.rivals_of(opportunity).exclude(pk__in=busy).order_by("pk"))
    if not others:
        raise ValidationError(NO_OTHER)
    bid = JointBid.objects.create(proposer=opportunity.posted_by, proposed_by=account(actor))
    now = timezone.now()
    JointBidMember.objects.create(
        joint_bid=bid, opportunity=opportunity, organisation=opportunity.posted_by,
        answer=JointBidMember.AGREED, answered_by=account(actor), answered_at=now,
    )  # fmt: skip
    JointBidMember.objects.bulk_create(
        JointBidMember(joint_bid=bid, opportunity=o, organisation_id=o.posted_by_id) for o in others
    )
    audit.record(actor=actor, action="jointbid.propose", obj=bid,
                 organisation=opportunity.posted_by, summary="Proposed a joint bid")  # fmt: skip
    joint_bid_proposal_notify(bid)
    return bid


#: what the organisations asked to bid jointly are told: their own opportunity's title only,
#: never who proposed it
PROPOSED_TEXT = "A member of the network proposes a joint bid for the client of “{title}”."
#: what every participant is told once all agreed: now they may know who the others are
AGREED_TEXT = "Everyone agreed to bid jointly for the client of “{title}”: {names}."
DECLINED_TEXT = "The joint bid proposed for the client of “{title}” ended: one of them declined."


def joint_bid_proposal_notify(joint_bid: JointBid) -> None:
    """Tell the admins of each organisation asked to bid jointly, on its own opportunity:
    never who proposed it."""
    link = reverse("jointbids:detail", args=[joint_bid.pk])
    for row in joint_bid.members.select_related("opportunity").exclude(
        organisation_id=joint_bid.proposer_id
    ):
        text = PROPOSED_TEXT.format(title=row.opportunity.title)
        notify(recipients=admins_of([row.organisation_id]), kind=JOINT_BID, text=text, link=link)


def _outcome_notify(bid: JointBid, actor: User) -> None:
    """Tell every participant how the joint bid ended: agreed (with the others' names, now
    that all agreed) or declined (not by whom)."""
    link = reverse("jointbids:detail", args=[bid.pk])
    rows = list(bid.members.select_related("opportunity", "organisation"))
    for row in rows:
        others = sorted(
            r.organisation.name for r in rows if r.organisation_id != row.organisation_id
        )
        if bid.status == JointBid.AGREED:
            text = AGREED_TEXT.format(title=row.opportunity.title, names=", ".join(others))
        else:
            text = DECLINED_TEXT.format(title=row.opportunity.title)
        recipients = admins_of([row.organisation_id])
        notify(recipients=recipients, kind=JOINT_BID, text=text, link=link, actor=actor)


@transaction.atomic
def joint_bid_answer(*, actor: User, joint_bid_id: int, agree: bool) -> JointBid:
    """Agree or decline a joint bid for the organisation(s) `actor` administers. One decline
    ends it; when all have agreed, its opportunity is posted and its formation started."""
    selectors.joint_bid_for_user(actor, joint_bid_id)  # 404 for whoever may not see it
    bid = JointBid.objects.select_for_update().get(pk=joint_bid_id)
    rows = [
        r for r in bid.members.select_related("organisation") if is_admin(actor, r.organisation)
    ]
    if not rows:
        raise PermissionDenied(NOT_MEMBER_ADMIN)
    if bid.status != JointBid.OPEN:
        raise ValidationError(CLOSED)
    if all(row.answer != JointBidMember.PENDING for row in rows):
        raise ValidationError(ALREADY_ANSWERED)
    if not _all_pursued(bid):
        bid.status = JointBid.CLOSED  # the answer is moot: the caller tells GONE
        bid.save(update_fields=["status"])
        return bid
    answer = JointBidMember.AGREED if agree else JointBidMember.DECLINED
    for row in rows:
        if row.answer == JointBidMember.PENDING:
            row.answer, row.answered_by, row.answered_at = answer, account(actor), timezone.now()
            row.save(update_fields=["answer", "answered_by", "answered_at"])
            audit.record(actor=actor, action=f"jointbid.{answer}", obj=bid,
                         organisation=row.organisation_id,
                         summary=f"{answer.title()} a joint bid")  # fmt: skip
    if not agree:
        bid.status = JointBid.DECLINED
        bid.save(update_fields=["status"])
        _outcome_notify(bid, actor)
    elif not bid.members.exclude(answer=JointBidMember.AGREED).exists():
        _form(bid)
        _outcome_notify(bid, actor)
    return bid


def combined_requirements(requirements: Iterable[Requirement]) -> list[dict[str, Any]]:
    """Per skill, the highest level and the most hours asked, in the order first asked."""
    combined: dict[str, dict[str, Any]] = {}
    for r in requirements:
        slug = r.skill.slug
        seen = combined.setdefault(slug, {"skill": slug, "min_level": 0, "hours": Decimal(0)})
        seen["min_level"] = max(seen["min_level"], r.min_level)
        seen["hours"] = max(seen["hours"], r.hours)
    return list(combined.values())


def _deadline(opportunities: list[Opportunity]) -> dt.date:
    today = timezone.localdate()
    open_days = [o.deadline for o in opportunities if o.deadline >= today]
    if not open_days:
        raise ValidationError(DEADLINES_PASSED)
    return min(open_days)


def _proposer_admin(bid: JointBid) -> Any:
    """The admin who proposed the joint bid, else (no longer its admin) another of its admins."""
    if bid.proposed_by is not None and is_admin(bid.proposed_by, bid.proposer):
        return bid.proposed_by
    admin = Membership.objects.filter(organisation=bid.proposer, role=Membership.ADMIN).first()
    if admin is None:
        raise ValidationError(NO_PROPOSER_ADMIN)
    return admin.user


def _all_pursued(bid: JointBid) -> bool:
    """Is every opportunity of the joint bid still pursued (not formed or closed on its own)?"""
    return not bid.members.exclude(opportunity__in=selectors.pursuing()).exists()


def _form(bid: JointBid) -> None:
    """All agreed: post the joint bid's opportunity for the proposer and start its formation."""
    rows = list(bid.members.select_related("opportunity").order_by("pk"))
    members = [row.opportunity for row in rows]
    own = next(o for o in members if o.posted_by_id == bid.proposer_id)
    wanted = Requirement.objects.filter(opportunity__in=members).select_related("skill")
    admin = _proposer_admin(bid)
    joint = opportunities.opportunity_create(
        actor=admin,
        organisation_slug=Organisation.objects.get(pk=bid.proposer_id).slug,
        title=JOINT_TITLE.format(title=own.title)[:200],
        client=own.client,
        value=max(o.value for o in members),
        deadline=_deadline(members),
        requirements=combined_requirements(wanted.order_by("opportunity_id", "pk")),
        description=JOINT_DESCRIPTION.format(count=len({o.posted_by_id for o in members})),
    )
    bid.status, bid.opportunity = JointBid.AGREED, joint
    bid.save(update_fields=["status", "opportunity"])
    opportunities.formation_start(actor=admin, opportunity_id=joint.pk)
