"""The signed-in user, read with what every page asks of it: whether they are a coordinator of
the network and the slug of their first organisation (the navigation's "My organisation"), in
the one query that loads the user on each request instead of three.

`MemberBackend` is the password backend of `AUTHENTICATION_BACKENDS` (Django's `ModelBackend`,
whose user it loads); `common.access.is_coordinator` and `directory.context` read what it
attached (`COORDINATOR`, `FIRST_ORGANISATION`) and ask the database themselves for a user loaded
any other way."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Exists, OuterRef, Subquery

from coopnet.common import derived
from coopnet.common.access import COORDINATOR
from coopnet.common.models import Coordinator
from coopnet.directory.models import Membership

#: the attribute holding the slug of the user's first organisation (None: in none)
FIRST_ORGANISATION = "coopnet_first_organisation"

#: the network's version token, read with the user (`derived.primed`): the request's kept
#: views then need no query of their own to find it
_NETWORK_TOKEN = "coopnet_network_token"


#: what the apps above read with the user too (attribute name -> a function making the
#: expression), registered from their `AppConfig.ready` (`read_with_user`): the directory
#: imports no app above it
_ALSO: dict[str, Callable[[], Any]] = {}


def read_with_user(name: str, expression: Callable[[], Any]) -> None:
    """Read `expression()` (an expression over the user's row, e.g. a subquery on
    `OuterRef("pk")`) with the signed-in user on every request, as its attribute `name`. For
    what every page shows of the user (the notifications' unread count); an app registers it
    in its `AppConfig.ready`, before the query is first compiled."""
    _ALSO[name] = expression
    _compiled.cache_clear()


#: a user id no user has, marking where the real one goes in the compiled query
_PLACEHOLDER = -987_654_321


def _annotated(user_id: Any) -> Any:
    first = Membership.objects.filter(user_id=OuterRef("pk")).order_by("pk")
    return (
        get_user_model()
        ._default_manager.annotate(
            **{
                COORDINATOR: Exists(Coordinator.objects.filter(user_id=OuterRef("pk"))),
                FIRST_ORGANISATION: Subquery(first.values("organisation__slug")[:1]),
                _NETWORK_TOKEN: derived.token_query(),
                **{name: make() for name, make in _ALSO.items()},
            }
        )
        .filter(pk=user_id)
    )


@functools.cache
def _compiled(alias: str) -> tuple[str, tuple[Any, ...], int]:
    """The query's SQL for database `alias`, compiled once: the ORM takes four times as long to
    compile it as the database to answer it."""
    sql, params = _annotated(_PLACEHOLDER).query.get_compiler(alias).as_sql()
    return sql, tuple(params), list(params).index(_PLACEHOLDER)


class MemberBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user_id = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        sql, params, at = _compiled(router.db_for_read(model))
        found = next(
            iter(model._default_manager.raw(sql, [*params[:at], user_id, *params[at + 1 :]])), None
        )
        if found is None or not self.user_can_authenticate(found):
            return None
        setattr(found, COORDINATOR, bool(getattr(found, COORDINATOR)))
        derived.primed(derived.NETWORK, getattr(found, _NETWORK_TOKEN))
        return found
