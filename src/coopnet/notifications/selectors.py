"""Reads: a person's own notifications, and their choice of e-mail. Nobody reads another's."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
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


#: the user's attribute holding their unread count, read with them on each request
UNREAD = "coopnet_unread_notifications"


def unread_expression() -> Coalesce:
    """The number of unread notifications of the user row `OuterRef("pk")`."""
    unread = Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
    count = unread.order_by().values("recipient_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(count), 0)


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread (0 for the anonymous): as read with the
    signed-in user (`directory.auth`), or asked of the database for a user loaded otherwise."""
    if not user.is_authenticated:
        return 0
    known = getattr(user, UNREAD, None)
    if known is not None:
        return int(known)
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preference_for_user(user: User) -> str:
    """The user's choice of e-mail (at once, unless they chose otherwise)."""
    chosen = Preference.objects.filter(user=account(user)).values_list("email", flat=True).first()
    return chosen or Preference.IMMEDIATELY
