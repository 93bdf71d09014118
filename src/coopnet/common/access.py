"""Who may see and do what: the one place.

A user belongs to organisations through memberships (the directory's `Membership`: a `user`, an
`organisation` and a `role`, reached from an organisation as `memberships`), as a member or as an
admin, and may be one of the network's coordinators. Data private to an organisation declares
the lookup path to it and the least role that may read it and change it, as a `Rule`:

    class Person(models.Model):
        access = Rule(owner="organisation")  # members read, admins change

`restrict(queryset, user, action)` filters any queryset of such a model down to what `user` may
`view` or `change` (in the spirit of netbox's `restrict`), and `get_or_404` fetches one row of it.
Everything outside is a 404, never a 403, so that an outsider cannot even learn that it exists;
a 403 (`PermissionDenied`) is only for someone who may see a thing but not change it.

>>> Rule(owner="organisation").least_role("change")
'admin'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from coopnet.common.models import Coordinator

#: whoever is asking: a signed-in account, or nobody yet
User = Account | AnonymousUser
Action = Literal["view", "change"]
VIEW: Action = "view"
CHANGE: Action = "change"

ADMIN, MEMBER = "admin", "member"
ROLES = [(ADMIN, "Organisation admin"), (MEMBER, "Member")]
NOBODY = Q(pk__in=[])

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Rule:
    """Who may read and change a model's rows: the members (any role) or the admins of the
    organisation found at `owner` (a lookup path; "" for an organisation itself)."""

    owner: str
    view: str = MEMBER
    change: str = ADMIN

    def least_role(self, action: Action) -> str:
        return self.view if action == VIEW else self.change

    def q(self, user: User, action: Action) -> Q:
        return membership_q(user, self.owner, self.least_role(action))


def membership_q(user: User, owner: str = "", role: str = MEMBER) -> Q:
    """Rows whose organisation (at the lookup path `owner`) has `user` as a member, or as an
    admin when `role` is ADMIN. One Q, so that both conditions meet on the same membership."""
    if not user.is_authenticated:
        return NOBODY
    prefix = f"{owner}__memberships__" if owner else "memberships__"
    condition = Q(**{f"{prefix}user": user.pk})
    if role == ADMIN:
        condition &= Q(**{f"{prefix}role": ADMIN})
    return condition


def restrict(queryset: QuerySet[M], user: User, action: Action = VIEW) -> QuerySet[M]:
    """The rows of `queryset` that `user` may `view` (its private data) or `change`."""
    rule: Rule = queryset.model.access  # type: ignore[attr-defined]
    return queryset.filter(rule.q(user, action))


def get_or_404(queryset: QuerySet[M], user: User, action: Action = VIEW, **lookup: object) -> M:
    """The one row matching `lookup` that `user` may `view` or `change`; else Http404."""
    found = restrict(queryset, user, action).filter(**lookup).first()
    if found is None:
        raise Http404(f"no such {queryset.model._meta.verbose_name}")
    return found


def may(user: User, obj: Model, action: Action) -> bool:
    """May `user` `view` or `change` `obj`?"""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    return restrict(rows, user, action).exists()


SIGN_IN = "Sign in first."


def account(user: User) -> Account:
    """The signed-in account acting; PermissionDenied for someone not signed in."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise PermissionDenied(SIGN_IN)
    return user


#: the attribute a user may carry saying whether they are a coordinator, read with the user
#: (`directory.auth.MemberBackend`) so that no page asks again
COORDINATOR = "coopnet_is_coordinator"


def is_coordinator(user: User) -> bool:
    if not user.is_authenticated:
        return False
    known: bool | None = getattr(user, COORDINATOR, None)
    return Coordinator.objects.filter(user_id=user.pk).exists() if known is None else known


def coordinator_or_404(user: User) -> None:
    """Coordinators' pages and writes are not anyone else's to see: 404."""
    if not is_coordinator(user):
        raise Http404("no such page")
