"""The demo's joint bid: two organisations post opportunities for the same client (the same
tender reference, the client's name written differently). Each needs a skill only the other
organisation holds, so that alone each would share its work with the other anyway. The second
proposes a joint bid, the first agrees, and the joint bid's consortium is sought; the first's
own opportunity had its consortium sought alone before, so that its side by side shows both
figures. Deterministic: the first two organisations (by name) that each hold a skill at a
level no other organisation does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopnet.directory.models import Membership, Organisation, PersonSkill
from coopnet.jointbids import services
from coopnet.jointbids.models import JointBid
from coopnet.opportunities import services as opportunities
from coopnet.opportunities.formation import formation_execute
from coopnet.opportunities.models import FormationRun, Opportunity

CLIENT, CLIENT_AS_WRITTEN = "Canal Street Surgery", "The Canal Street Surgery Ltd"
TENDER = "CSS-2027/014"
#: (title, value, hours of its own organisation's skill, hours of the other's) of each bid
BIDS = [("Appointments portal", "6000", "10", "10"), ("Patient booking app", "7000", "5", "10")]


def _admin(organisation: Organisation) -> Any:
    found = organisation.memberships.filter(role=Membership.ADMIN).order_by("pk").first()
    return None if found is None else found.user


def _unique_skill(organisation: Organisation) -> tuple[str, int] | None:
    """A skill the organisation holds at a level no other organisation reaches."""
    held = PersonSkill.objects.filter(person__organisation=organisation, level__gte=2)
    for row in held.select_related("skill").order_by("-level", "skill__slug"):
        others = PersonSkill.objects.filter(skill=row.skill, level__gte=row.level)
        if not others.exclude(person__organisation=organisation).exists():
            return row.skill.slug, row.level
    return None


def _run_queued(opportunity: Opportunity) -> None:
    """Run the opportunity's formation now if no worker has (the demo has none running)."""
    run = opportunity.runs.order_by("-pk").first()
    if run is not None and run.status == FormationRun.QUEUED:
        formation_execute(run_id=run.pk)


def _pair() -> list[tuple[Organisation, tuple[str, int]]]:
    found = []
    for organisation in Organisation.objects.order_by("name"):
        skill = _unique_skill(organisation)
        if skill is not None and _admin(organisation) is not None:
            found.append((organisation, skill))
        if len(found) == 2:
            break
    return found


@transaction.atomic
def seed_demo() -> JointBid | None:
    """The demo's joint bid, agreed by both; None when the demo has too little to make it."""
    pair = _pair()
    if len(pair) < 2:
        return None
    deadline = timezone.localdate() + dt.timedelta(days=60)
    posted = []
    for k, (organisation, (skill, level)) in enumerate(pair):
        other_skill, other_level = pair[1 - k][1]
        title, value, own_hours, other_hours = BIDS[k]
        admin = _admin(organisation)
        opportunity = opportunities.opportunity_create(
            actor=admin, organisation_slug=organisation.slug, title=title,
            client=(CLIENT, CLIENT_AS_WRITTEN)[k], value=value, deadline=deadline,
            requirements=[{"skill": skill, "min_level": level, "hours": own_hours},
                          {"skill": other_skill, "min_level": other_level, "hours": other_hours}],
        )  # fmt: skip
        services.pursuit_update(actor=admin, opportunity_id=opportunity.pk, tender_reference=TENDER)
        posted.append((admin, opportunity))
    (first_admin, first), (second_admin, second) = posted
    opportunities.formation_start(actor=first_admin, opportunity_id=first.pk)
    _run_queued(first)
    bid = services.joint_bid_propose(actor=second_admin, opportunity_id=second.pk)
    services.joint_bid_answer(actor=first_admin, joint_bid_id=bid.pk, agree=True)
    bid.refresh_from_db()
    if bid.opportunity is not None:
        _run_queued(bid.opportunity)
    return bid
