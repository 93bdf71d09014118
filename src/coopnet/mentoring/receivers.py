"""Level changes made anywhere in the app, not only on the skills pages: when the directory
changes a person's skills, the change joins the history and the scores are snapshotted once
the transaction commits (once per transaction, however many people an import changes).

And the services that write the directory or the demand in bulk (which sends no model signal)
announce that what is derived from the network must be computed again (`derived.announce`;
writes one by one announce it themselves, see `derived.listen`)."""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.utils import timezone

from coopnet.common import derived
from coopnet.directory.models import Organisation, Person, Skill
from coopnet.directory.signals import network_changed
from coopnet.engine.resilience import HOLD_LEVEL
from coopnet.mentoring.models import LevelChange, Pairing
from coopnet.opportunities.signals import demand_changed

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
    """Announce the changes written in bulk to the directory and the demand."""
    network_changed.connect(derived.announce, dispatch_uid="mentoring-derived-network")
    demand_changed.connect(derived.announce, dispatch_uid="mentoring-derived-demand")
