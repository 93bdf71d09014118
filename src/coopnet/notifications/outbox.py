"""Sending one e-mail of the outbox, and the wait before the next attempt when it fails."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from coopnet.notifications.models import OutboxEmail

FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=6)


def wait_after(attempts: int) -> dt.timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    doublings = min(max(attempts - 1, 0), 20)  # past 20 the wait is long capped anyway
    wait: dt.timedelta = FIRST_WAIT * 2**doublings
    return min(wait, LONGEST_WAIT)


def outbox_deliver(*, outbox_id: int) -> dt.datetime | None:
    """Send one pending e-mail. None once it is sent (or was already); when the server failed,
    the time of the next attempt (the row keeps the error)."""
    with transaction.atomic():
        locked = OutboxEmail.objects.select_for_update()
        row = locked.filter(pk=outbox_id, status=OutboxEmail.PENDING).first()
        if row is None:
            return None
        row.attempts += 1
        try:
            send_mail(row.subject, row.body, None, [row.to], fail_silently=False)
        except OSError as error:  # refused, timed out, or the server's own SMTP errors
            row.last_error = f"{type(error).__name__}: {error}"[:500]
            row.next_attempt = timezone.now() + wait_after(row.attempts)
            row.save(update_fields=["attempts", "last_error", "next_attempt"])
            return row.next_attempt
        row.status, row.sent_at = OutboxEmail.SENT, timezone.now()
        row.save(update_fields=["attempts", "status", "sent_at"])
        return None
