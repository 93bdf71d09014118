"""The e-mails: one outbox row per e-mail, sent by a background job (`tasks.email_send`).

A mail server that is down or refuses loses nothing: the row stays pending with the error and
the number of attempts, and is tried again after a wait that doubles with each failure (a
minute, two, four, ... at most `LONGEST_WAIT`), by the job queued again for then, and by
`outbox_sweep` (`coopnet notifications send`, for cron) for any row whose time has come. A row
is locked while it is sent, so that two workers never send it twice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User as Account
from django.db import transaction
from django.utils import timezone

from coopnet.notifications.models import Notification, OutboxEmail, Preference
from coopnet.notifications.outbox import outbox_deliver
from coopnet.notifications.tasks import email_send

SUBJECT = "coopnet: {text}"
DIGEST_SUBJECT = "coopnet: your day's notifications ({count})"
FOOTER = "\n\n--\nChoose how you are told (at once, a daily digest, or off): {url}"


def site_url() -> str:
    return str(getattr(settings, "COOPNET_SITE_URL", "")).rstrip("/")


def _footer() -> str:
    return FOOTER.format(url=site_url() + "/notifications/preferences/")


def _line(text: str, link: str) -> str:
    return f"{text}\n{site_url()}{link}" if link else text


def email_for(user: Account, text: str, link: str, now: dt.datetime) -> OutboxEmail:
    """An unsaved outbox row telling `user` of one notification at once."""
    subject = SUBJECT.format(text=text)
    subject = subject if len(subject) <= 200 else subject[:199] + "…"
    body = _line(text, link) + _footer()
    return OutboxEmail(recipient=user, to=user.email, subject=subject, body=body, next_attempt=now)


def enqueue(outbox_ids: list[int]) -> None:
    """Queue the job that sends each e-mail (called once the transaction commits)."""
    for outbox_id in outbox_ids:
        email_send.enqueue(outbox_id=outbox_id)


def outbox_sweep() -> tuple[int, int]:
    """Try every pending e-mail whose time has come; (sent, still pending) among them."""
    due = OutboxEmail.objects.filter(status=OutboxEmail.PENDING, next_attempt__lte=timezone.now())
    ids = list(due.values_list("pk", flat=True))
    failed = sum(outbox_deliver(outbox_id=pk) is not None for pk in ids)
    return len(ids) - failed, failed


@transaction.atomic
def digest_send() -> int:
    """One e-mail to each person who chose the daily digest, with their notifications not yet
    in a digest (the day's, or more if a day was missed); how many e-mails were queued."""
    digesters = Preference.objects.filter(email=Preference.DIGEST).values_list("user_id")
    waiting = Notification.objects.select_for_update().filter(
        recipient_id__in=digesters, digested_at__isnull=True
    )
    by_user: dict[Any, list[Notification]] = defaultdict(list)
    for notification in waiting.select_related("recipient").order_by("created", "pk"):
        by_user[notification.recipient].append(notification)
    now = timezone.now()
    rows = [_digest(user, items, now) for user, items in by_user.items() if user.email]
    queued = OutboxEmail.objects.bulk_create(rows)
    Notification.objects.filter(pk__in=[n.pk for items in by_user.values() for n in items]).update(
        digested_at=now
    )
    ids = [row.pk for row in queued]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return len(queued)


def _digest(user: Account, items: list[Notification], now: dt.datetime) -> OutboxEmail:
    body = "\n\n".join(_line(n.text, n.link) for n in items) + _footer()
    subject = DIGEST_SUBJECT.format(count=len(items))
    return OutboxEmail(recipient=user, to=user.email, subject=subject, body=body, next_attempt=now)
