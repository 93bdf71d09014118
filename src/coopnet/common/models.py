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
