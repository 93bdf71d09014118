"""`coopnet notifications digest|send`: the e-mails of notifications, for cron. Django is
imported only when one of them runs."""

from __future__ import annotations

from coopnet.cli.options import out


def digest() -> None:
    """Queue one e-mail to each person who chose the daily digest, with their notifications
    not yet sent, and send what is due (run once a day)."""
    from coopnet.web.serve import setup_django

    setup_django()
    from coopnet.notifications.mail import digest_send, outbox_sweep

    queued = digest_send()
    sent, waiting = outbox_sweep()
    out.print(f"{queued} digest(s) queued; {sent} e-mail(s) sent, {waiting} still waiting")


def send() -> None:
    """Send every notification e-mail whose time has come, the failed ones again (run every
    few minutes; the worker does it too)."""
    from coopnet.web.serve import setup_django

    setup_django()
    from coopnet.notifications.mail import outbox_sweep

    sent, waiting = outbox_sweep()
    out.print(f"{sent} e-mail(s) sent, {waiting} still waiting")
