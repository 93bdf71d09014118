"""Reads: a person's own notifications, and their choice of e-mail. Nobody reads another's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from coopnet.common.access import User, account
from coopnet.notifications.models import Notification, Preference

#: the most notifications a page or the API lists
PAGE = 100


def notifications_for_user(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=account(user)).order_by("-created", "-pk")


def notification_for_user(user: User, notification_id: int) -> Notification:
    """One of the user's notifications; 404 for anyone else's."""
    found = notifications_for_user(user).filter(pk=notification_id).first()
    if found is None:
        raise Http404("No such notification.")
    return found


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread (0 for the anonymous)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preference_for_user(user: User) -> str:
    """The user's choice of e-mail (at once, unless they chose otherwise)."""
    chosen = Preference.objects.filter(user=account(user)).values_list("email", flat=True).first()
    return chosen or Preference.IMMEDIATELY
