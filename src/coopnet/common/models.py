"""The network's roles beyond organisations: its coordinators, and the API tokens of scripts.

Organisations and memberships are the directory's; what a role may do is `access`'s.
"""

from __future__ import annotations

import secrets
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Coordinator(models.Model):
    """The network coordinator(s): run the deployment, set the commission, never see rates."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


class ApiToken(models.Model):
    """A token for scripts; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    @staticmethod
    def hash(key: str) -> str:
        return sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[ApiToken, str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(key)), key


class AuditEvent(models.Model):
    """One line of the audit trail: who did what to which object, when. Written by the
    services through `coopnet.common.audit.record`, never changed. Read by the organisation
    concerned (its admins) and the coordinator, so `summary` names things but never a private
    figure (no rate, no hours, no cost, no amount): the coordinator must not learn them here.

    `organisation_id` is the organisation concerned (None: the network's own business, the
    coordinator's alone); a plain number, not a key, because the directory's organisations sit
    on the floor above and because the trail outlives what it speaks of."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the actor's username when it acted (kept if the account goes)
    actor_name = models.CharField(max_length=150, blank=True)
    organisation_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    #: what was done, as a code: "proposal.accepted", "person.rate_changed", ...
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action}"


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by the first POST that carries it (see
    `coopnet.common.once`): the unique `nonce` makes the claim atomic, and `result` is where
    the accepted submission went, for a repeat to be sent to."""

    nonce = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    #: where the accepted submission redirected to; "" while it is being handled
    result = models.CharField(max_length=500, blank=True)
