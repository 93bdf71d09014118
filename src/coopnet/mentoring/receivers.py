"""Level changes made anywhere in the app, not only on the skills pages: when the directory
changes a person's skills, the change joins the history and the scores are snapshotted once
the transaction commits (once per transaction, however many people an import changes).

And every write to what the network's map is made of (organisations, people, their skills, the
taxonomy, opportunities, their requirements and partners) announces that the map must be
computed again (`derived.announce`)."""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from coopnet.directory.models import Organisation, Person, PersonSkill, Skill
from coopnet.directory.signals import network_changed
from coopnet.engine.resilience import HOLD_LEVEL
from coopnet.mentoring import derived
from coopnet.mentoring.models import LevelChange, Pairing
from coopnet.opportunities.models import Opportunity, ProposalPartner, Requirement
from coopnet.opportunities.signals import demand_changed

#: what the network's map is made of: people and their organisations, hours and skills, the
#: skills' names, and the demand (requirements of opportunities shared with a partner)
MAP_INPUTS = (Organisation, Person, PersonSkill, Skill, Opportunity, Requirement, ProposalPartner)

_pending = threading.local()


def record_level_changes(
    sender: Any,
    *,
    person: Person,
    actor: Any,
    changes: list[tuple[Skill, int | None, int | None]],
    **kwargs: Any,
) -> None:
    """Keep each new level of `person` (a skill dropped is not a level: it is left out)."""
    now = timezone.now()
    LevelChange.objects.bulk_create(
        LevelChange(
            person=person,
            skill=skill,
            old_level=old,
            new_level=new,
            changed_at=now,
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for skill, old, new in changes
        if new is not None
    )
    learned = [skill for skill, _, new in changes if new is not None and new >= HOLD_LEVEL]
    if learned:
        Pairing.objects.filter(learner=person, skill__in=learned, status=Pairing.AGREED).update(
            status=Pairing.DONE
        )
    pending = getattr(_pending, "organisations", None)
    if pending is None:
        pending = _pending.organisations = set()
    pending.add(person.organisation_id)
    transaction.on_commit(_snapshot_pending)


def _snapshot_pending() -> None:
    """One snapshot of the network and of every organisation changed since the last one."""
    from coopnet.mentoring.services import snapshot_take

    organisations = getattr(_pending, "organisations", None)
    _pending.organisations = None
    if organisations:
        snapshot_take(organisations=list(Organisation.objects.filter(pk__in=organisations)))


def listen_for_network_changes() -> None:
    """Announce each change to the map's inputs, whether saved one by one or in bulk."""
    for model in MAP_INPUTS:
        uid = f"mentoring-derived-{model._meta.label_lower}"
        post_save.connect(derived.announce, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(derived.announce, sender=model, dispatch_uid=f"{uid}-deleted")
    network_changed.connect(derived.announce, dispatch_uid="mentoring-derived-network")
    demand_changed.connect(derived.announce, dispatch_uid="mentoring-derived-demand")
