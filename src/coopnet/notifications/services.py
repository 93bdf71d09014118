"""Writes: tell people what concerns them (`notify`), mark what they have read, and keep each
person's choice of e-mail.

`notify` is called by the other apps' services inside their own transaction: the notification
and its e-mail (an outbox row) are committed with what they tell of, or not at all, and the job
that sends the e-mail is queued once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User as Account
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coopnet.common.access import User, account
from coopnet.common.models import Coordinator
from coopnet.directory.models import Membership
from coopnet.notifications import selectors
from coopnet.notifications.mail import email_for, enqueue
from coopnet.notifications.models import KINDS, Notification, OutboxEmail, Preference

UNKNOWN_KIND = "Unknown kind of notification {kind!r}."
BAD_CHOICE = "Choose at once, a daily digest or off (got {value!r})."
KIND_CODES = frozenset(code for code, _ in KINDS)
TEXT_LENGTH = 300


def admins_of(organisation_ids: Iterable[int]) -> list[Account]:
    """The admins of the organisations, each once (by name, for a stable order)."""
    return _users(organisation_ids, roles=[Membership.ADMIN])


def members_of(organisation_ids: Iterable[int]) -> list[Account]:
    """Everyone in the organisations, admins and members, each once."""
    return _users(organisation_ids, roles=[Membership.ADMIN, Membership.MEMBER])


def coordinators() -> list[Account]:
    """The network's coordinators."""
    found = Coordinator.objects.select_related("user").order_by("user__username")
    return [row.user for row in found if row.user.is_active]


def _users(organisation_ids: Iterable[int], roles: list[str]) -> list[Account]:
    rows = Membership.objects.filter(organisation_id__in=list(organisation_ids), role__in=roles)
    users = {m.user_id: m.user for m in rows.select_related("user").order_by("user__username")}
    return [user for user in users.values() if user.is_active]


def _preferences(users: list[Account]) -> dict[int, str]:
    chosen = Preference.objects.filter(user__in=users).values_list("user_id", "email")
    return dict(chosen)


def notify(
    *,
    recipients: Iterable[Account],
    kind: str,
    text: str,
    link: str = "",
    actor: Any = None,
) -> list[Notification]:
    """Tell each recipient (once, however often listed) `text` about the page at `link`, in the
    app and, by their choice, by e-mail at once (queued when the caller's transaction commits)
    or in the day's digest. `text` must hold no other organisation's private figure. The
    `actor` whose action it tells of is not told.

    >>> notify(recipients=admins_of([outlier.pk]), kind=FORMED,
    ...     text="A consortium was formed for Booking system.", link="/opportunities/3/")
    ... # doctest: +SKIP
    """
    if kind not in KIND_CODES:
        raise ValueError(UNKNOWN_KIND.format(kind=kind))
    acting = getattr(actor, "pk", None)
    people = [user for user in {u.pk: u for u in recipients}.values() if user.pk != acting]
    if not people:
        return []
    text = text[:TEXT_LENGTH]
    chosen = _preferences(people)
    now = timezone.now()

    def choice(user: Account) -> str:
        return chosen.get(user.pk, Preference.IMMEDIATELY)

    # only a digest reader's notification waits for the digest; the others' were e-mailed at
    # once or not at all, and a later switch to the digest must not send them again
    made = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, text=text, link=link,
                     digested_at=None if choice(user) == Preference.DIGEST else now)
        for user in people
    )  # fmt: skip
    emails = [
        email_for(user, text, link, now)
        for user in people
        if user.email and choice(user) == Preference.IMMEDIATELY
    ]
    queued = OutboxEmail.objects.bulk_create(emails)
    if queued:
        ids = [row.pk for row in queued]
        transaction.on_commit(lambda: enqueue(ids))
    return made


@transaction.atomic
def notification_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (404 for anyone else's)."""
    notification = selectors.notification_for_user(actor, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, actor: User) -> int:
    """Mark every unread notification of the actor read; how many there were."""
    unread: QuerySet[Notification] = Notification.objects.filter(
        recipient=account(actor), read_at__isnull=True
    )
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, actor: User, email: Any) -> Preference:
    """The actor's choice of e-mail: at once, a daily digest, or off."""
    choices = {code for code, _ in Preference.EMAIL}
    if email not in choices:
        raise ValidationError({"email": BAD_CHOICE.format(value=email)})
    preference, _ = Preference.objects.update_or_create(
        user=account(actor), defaults={"email": email}
    )
    return preference
