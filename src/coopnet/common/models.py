"""The network's roles beyond organisations: its coordinators, and the API tokens of scripts.

Organisations and memberships are the directory's; what a role may do is `access`'s.
"""

from __future__ import annotations

import secrets
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.db import models


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
