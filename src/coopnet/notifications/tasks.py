"""Background jobs. Thin: each calls the mail module, which records its own progress."""

from __future__ import annotations

from django_tasks import task

from coopnet.notifications.outbox import outbox_deliver


@task()
def email_send(outbox_id: int) -> None:
    """Send one e-mail of the outbox; when the server fails, queue this job again for the
    row's next attempt (where the queue can wait; else `coopnet notifications send` will)."""
    retry_at = outbox_deliver(outbox_id=outbox_id)
    if retry_at is not None and email_send.get_backend().supports_defer:
        email_send.using(run_after=retry_at).enqueue(outbox_id=outbox_id)
