"""What mentoring tells people (`notifications.notify`): the admins of both organisations of a
pairing hear that it is proposed (by a new plan), then agreed or declined. The pairing's page
shows both organisations the same; no figure is told."""

from __future__ import annotations

from typing import Any

from coopnet.mentoring.models import Pairing, Plan
from coopnet.notifications import models as kinds
from coopnet.notifications.services import admins_of, notify

PROPOSED_TEXT = (
    "Mentoring pairing proposed: {mentor} ({mentor_org}) mentors {learner} ({learner_org}) "
    "in {skill}: accept or decline."
)
DECIDED_TEXT = "Mentoring pairing {status}: {mentor} mentors {learner} in {skill}."


def _told(pairing: Pairing, text: str, actor: Any = None) -> None:
    organisations = {pairing.mentor.organisation_id, pairing.learner.organisation_id}
    notify(
        recipients=admins_of(organisations),
        kind=kinds.PAIRING,
        text=text,
        link=f"/skills/pairings/{pairing.pk}/",
        actor=actor,
    )


def plan_made(plan: Plan) -> None:
    """Each pairing of a new plan, to both its organisations' admins."""
    related = ("mentor__organisation", "learner__organisation", "skill")
    for pairing in plan.pairings.select_related(*related).order_by("pk"):
        _told(pairing, PROPOSED_TEXT.format(
            mentor=pairing.mentor.name, mentor_org=pairing.mentor.organisation.name,
            learner=pairing.learner.name, learner_org=pairing.learner.organisation.name,
            skill=pairing.skill.name,
        ))  # fmt: skip


def pairing_decided(pairing: Pairing, actor: Any = None) -> None:
    """Once a pairing is agreed (both accepted) or declined (either declined)."""
    if pairing.status not in (Pairing.AGREED, Pairing.DECLINED):
        return
    _told(pairing, DECIDED_TEXT.format(
        status=pairing.get_status_display().lower(), mentor=pairing.mentor.name,
        learner=pairing.learner.name, skill=pairing.skill.name,
    ), actor)  # fmt: skip
