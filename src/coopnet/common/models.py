"""The network's roles beyond organisations: its coordinators, and the API tokens of scripts.

Organisations and memberships are the directory's; what a role may do is `access`'s.
"""

from __future__ import annotations

import datetime as dt
import secrets
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

#: a token's life when its owner does not choose one, and the longest it may have
DEFAULT_EXPIRY_DAYS = 90
MAX_EXPIRY_DAYS = 365
#: `last_used` is written at most this often, to spare a write on every request
TOUCH_EVERY = dt.timedelta(minutes=1)


class Coordinator(models.Model):
    """The network coordinator(s): run the deployment, set the commission, never see rates."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


def password_fingerprint(user: Any) -> str:
    """A digest of the user's stored password hash: it changes whenever the password does, by
    whatever way (the pages, a reset, the admin, `manage.py changepassword`, made unusable)."""
    return sha256(str(user.password).encode()).hexdigest()


class ApiToken(models.Model):
    """A token for scripts; only its hash is stored. It works until it `expires`, and only
    while its owner's password is the one it was issued under (`password_fingerprint`): a
    changed or reset password voids every token the user had."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    password_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created", "-pk"]

    @staticmethod
    def hash(key: str) -> str:
        return sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user: Any, name: str, *, days: int = DEFAULT_EXPIRY_DAYS
    ) -> tuple[ApiToken, str]:
        """A new token and its key, which only the caller ever sees (validation is the
        service's: `coopnet.common.tokens.token_issue`)."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=cls.hash(key),
            expires=timezone.now() + dt.timedelta(days=days),
            password_fingerprint=password_fingerprint(user),
        )
        return token, key

    def is_void(self) -> bool:
        """True once the owner's password has changed since the token was issued."""
        return self.password_fingerprint != password_fingerprint(self.user)

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires <= (now or timezone.now())

    def works(self, now: dt.datetime | None = None) -> bool:
        return self.user.is_active and not self.is_expired(now) and not self.is_void()


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


class DerivedVersion(models.Model):
    """The version of a view derived from the whole network (the skills map and its scores): a
    new random token each time a write to its inputs commits (`derived.announce`), so that a
    copy cached under the old token is never read again. Random, not a counter, so that a
    token never comes back after a rollback or a restore."""

    name = models.CharField(max_length=40, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name} {self.token}"
