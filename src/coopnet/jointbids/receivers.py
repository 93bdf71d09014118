"""Keep each opportunity's pursuit's name key as its client is saved (posted or edited)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from coopnet.engine.clients import client_name_key
from coopnet.jointbids.models import Pursuit
from coopnet.opportunities.models import Opportunity


@receiver(post_save, sender=Opportunity, dispatch_uid="jointbids.pursuit_name")
def pursuit_name_keep(
    sender: Any, instance: Opportunity, raw: bool = False, update_fields: Any = None, **_: Any
) -> None:
    if raw or (update_fields is not None and "client" not in update_fields):
        return  # loading fixtures, or a save that leaves the client as it was
    key = client_name_key(instance.client)
    Pursuit.objects.update_or_create(opportunity=instance, defaults={"name_key": key})
