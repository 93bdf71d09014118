"""The signed-in user, read with what every page asks of it: whether they are a coordinator of
the network and the slug of their first organisation (the navigation's "My organisation"), in
the one query that loads the user on each request instead of three.

`MemberBackend` is the password backend of `AUTHENTICATION_BACKENDS` (Django's `ModelBackend`,
whose user it loads); `common.access.is_coordinator` and `directory.context` read what it
attached (`COORDINATOR`, `FIRST_ORGANISATION`) and ask the database themselves for a user loaded
any other way."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Subquery

from coopnet.common.access import COORDINATOR
from coopnet.common.models import Coordinator
from coopnet.directory.models import Membership

#: the attribute holding the slug of the user's first organisation (None: in none)
FIRST_ORGANISATION = "coopnet_first_organisation"


class MemberBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        first = Membership.objects.filter(user_id=OuterRef("pk")).order_by("pk")
        found = (
            get_user_model()
            ._default_manager.annotate(
                **{
                    COORDINATOR: Exists(Coordinator.objects.filter(user_id=OuterRef("pk"))),
                    FIRST_ORGANISATION: Subquery(first.values("organisation__slug")[:1]),
                }
            )
            .filter(pk=user_id)
            .first()
        )
        return found if found is not None and self.user_can_authenticate(found) else None
