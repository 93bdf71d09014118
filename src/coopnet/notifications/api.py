"""The API of a user's own notifications: list them (newest first), mark one or all read, read
and set the choice of e-mail. Mounted at /api/notifications by the project; someone else's
notification is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from coopnet.notifications import selectors, services
from coopnet.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    #: one of the fixed kinds ("proposed", "decision", "formed", "joint_bid", ...)
    kind: str
    text: str
    #: the path of the page it is about, or ""
    link: str
    created: dt.datetime
    read_at: dt.datetime | None


class ReadAllOut(Schema):
    marked: int


class PreferenceIO(Schema):
    #: "immediately", "digest" or "off"
    email: str


def _out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "link": notification.link,
        "created": notification.created,
        "read_at": notification.read_at,
    }


@router.get("", response=list[NotificationOut])
def list_notifications(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    rows = selectors.notifications_for_user(request.user)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return [_out(n) for n in rows[: selectors.PAGE]]


@router.post("/{notification_id}/read", response=NotificationOut)
def mark_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    return _out(services.notification_read(actor=request.user, notification_id=notification_id))


@router.post("/read-all", response=ReadAllOut)
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_read_all(actor=request.user)}


@router.get("/preferences", response=PreferenceIO)
def get_preferences(request: HttpRequest) -> dict[str, str]:
    return {"email": selectors.preference_for_user(request.user)}


@router.put("/preferences", response=PreferenceIO)
def put_preferences(request: HttpRequest, body: PreferenceIO) -> dict[str, str]:
    return {"email": services.preference_set(actor=request.user, email=body.email).email}
