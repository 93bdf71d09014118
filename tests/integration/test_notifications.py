"""Notifications: told once each, in the app and by the person's choice of e-mail; the e-mail
kept and sent again when the mail server was down; the day's digest; the pages and the API,
where nobody reaches another's notifications."""

import datetime as dt
import socket

import pytest
from casts import client_for, send
from django.core import mail

from coopnet.notifications import services
from coopnet.notifications.mail import digest_send, outbox_sweep
from coopnet.notifications.models import FORMED, Notification, OutboxEmail, Preference
from coopnet.notifications.outbox import wait_after

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mailed(cast, settings, immediate_tasks):
    """Alice and Bob have e-mail addresses; e-mail goes to Django's test outbox."""
    settings.EMAIL_BACKEND = LOCMEM
    settings.COOPNET_SITE_URL = "https://net.example"
    for name in ("alice", "bob"):
        cast[name].email = f"{name}@outlier.example"
        cast[name].save(update_fields=["email"])
    return cast


def _tell(cast, users, text="A consortium was formed for Booking system."):
    return services.notify(recipients=users, kind=FORMED, text=text, link="/opportunities/7/")


def test_each_recipient_is_told_once_and_emailed_at_once_after_commit(
    mailed, django_capture_on_commit_callbacks, clock
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = _tell(mailed, [mailed["alice"], mailed["alice"], mailed["bob"]])
        assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(made) == 2
    assert len(callbacks) == 1
    assert sorted(n.recipient.username for n in Notification.objects.all()) == ["alice", "bob"]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@outlier.example", "bob@outlier.example"]
    message = mail.outbox[0]
    assert message.subject == "coopnet: A consortium was formed for Booking system."
    assert message.body.startswith(
        "A consortium was formed for Booking system.\nhttps://net.example/opportunities/7/\n"
    )
    assert "https://net.example/notifications/preferences/" in message.body
    assert list(OutboxEmail.objects.values_list("status", "attempts")) == [("sent", 1)] * 2


def test_digest_readers_and_those_who_chose_off_are_not_emailed_at_once(
    mailed, django_capture_on_commit_callbacks, clock
):
    services.preference_set(actor=mailed["alice"], email=Preference.DIGEST)
    services.preference_set(actor=mailed["bob"], email=Preference.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        _tell(mailed, [mailed["alice"], mailed["bob"], mailed["charlie"]])  # Charlie: no address
    assert mail.outbox == []
    assert not OutboxEmail.objects.exists()
    assert Notification.objects.count() == 3


def test_an_unknown_kind_is_refused(cast):
    with pytest.raises(ValueError, match="Unknown kind of notification 'gossip'"):
        services.notify(recipients=[cast["alice"]], kind="gossip", text="x")


def test_the_day_s_digest_is_one_email_with_every_waiting_notification(
    mailed, django_capture_on_commit_callbacks, clock
):
    _tell(mailed, [mailed["alice"]], "Told at once.")  # before she chose the digest
    services.preference_set(actor=mailed["alice"], email=Preference.DIGEST)
    _tell(mailed, [mailed["alice"]], "First news.")
    _tell(mailed, [mailed["alice"]], "Second news.")
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 1
    [message] = mail.outbox
    assert message.subject == "coopnet: your day's notifications (2)"
    assert message.body.index("First news.") < message.body.index("Second news.")
    assert "Told at once." not in message.body  # e-mailed already
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 0  # nothing waits any more
    assert len(mail.outbox) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed when the block ends: connections refused


class Received:
    """An aiosmtpd handler that keeps what the server received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def test_an_email_is_kept_while_the_server_is_down_and_sent_once_it_is_back(
    mailed, settings, django_capture_on_commit_callbacks, clock
):
    """A real SMTP connection: refused while nothing listens on the port, then a real SMTP
    server (aiosmtpd) on that port takes the e-mail, once."""
    from aiosmtpd.controller import Controller

    port = _closed_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    with django_capture_on_commit_callbacks(execute=True):
        _tell(mailed, [mailed["alice"]])  # the job runs at once, and fails
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts) == (OutboxEmail.PENDING, 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.next_attempt - row.created == pytest.approx(
        dt.timedelta(minutes=1), abs=dt.timedelta(seconds=2)
    )
    assert outbox_sweep() == (0, 0)  # not yet due
    clock.shift(dt.timedelta(seconds=61))
    assert outbox_sweep() == (0, 1)  # still down: tried again, kept, the wait doubled
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt > row.created + dt.timedelta(minutes=2)
    received = Received()
    server = Controller(received, hostname="127.0.0.1", port=port)
    server.start()  # the server is back
    try:
        clock.shift(dt.timedelta(minutes=2, seconds=1))
        assert outbox_sweep() == (1, 0)
        assert outbox_sweep() == (0, 0)  # sent once, never again
    finally:
        server.stop()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxEmail.SENT, 3)
    [envelope] = received.envelopes
    assert envelope.rcpt_tos == ["alice@outlier.example"]
    assert b"Subject: coopnet: A consortium was formed for Booking system." in envelope.content


def test_the_wait_doubles_from_a_minute_up_to_six_hours():
    waits = [wait_after(n) for n in (1, 2, 3, 9, 10, 50)]
    minutes = [w / dt.timedelta(minutes=1) for w in waits]
    assert minutes == [1, 2, 4, 256, 360, 360]


def test_the_page_lists_newest_first_and_marks_read(mailed, clock):
    _tell(mailed, [mailed["alice"]], "Older news.")
    clock.shift(dt.timedelta(minutes=1))
    _tell(mailed, [mailed["alice"]], "Newer news.")
    _tell(mailed, [mailed["bob"]], "Bob's own news.")
    client = client_for(mailed["alice"])
    body = client.get("/notifications/").content.decode()
    assert body.index("Newer news.") < body.index("Older news.")
    assert "Bob&#x27;s own news." not in body
    assert "Bob's own news." not in body
    assert '<span class="badge" data-testid="unread-count">2</span>' in body
    older = Notification.objects.get(text="Older news.")
    assert client.post(f"/notifications/{older.pk}/read/").status_code == 302
    older.refresh_from_db()
    assert older.read_at is not None
    assert 'data-testid="unread-count">1<' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert "unread-count" not in client.get("/notifications/").content.decode()


def test_someone_else_s_notification_is_a_404(mailed):
    [bobs] = _tell(mailed, [mailed["bob"]])
    alice = client_for(mailed["alice"])
    assert alice.post(f"/notifications/{bobs.pk}/read/").status_code == 404
    assert send(alice, "post", f"/api/notifications/{bobs.pk}/read").status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_the_preferences_form_and_the_api_keep_the_choice(mailed):
    alice = client_for(mailed["alice"])
    assert 'value="immediately" checked' in alice.get(
        "/notifications/preferences/"
    ).content.decode().replace('id="id_email_0" ', "").replace("required ", "")
    assert alice.post("/notifications/preferences/", {"email": "digest"}).status_code == 302
    assert send(alice, "get", "/api/notifications/preferences").json() == {"email": "digest"}
    answer = send(alice, "put", "/api/notifications/preferences", {"email": "weekly"})
    assert answer.status_code == 422
    assert send(alice, "put", "/api/notifications/preferences", {"email": "off"}).json() == {
        "email": "off"
    }
    assert Preference.objects.get(user=mailed["alice"]).email == "off"


def test_the_api_lists_only_the_user_s_own(mailed, clock):
    _tell(mailed, [mailed["alice"]], "For Alice.")
    _tell(mailed, [mailed["bob"]], "For Bob.")
    rows = send(client_for(mailed["alice"]), "get", "/api/notifications").json()
    assert [(r["kind"], r["text"], r["link"], r["read_at"]) for r in rows] == [
        ("formed", "For Alice.", "/opportunities/7/", None)
    ]
    marked = send(client_for(mailed["alice"]), "post", "/api/notifications/read-all").json()
    assert marked == {"marked": 1}


def test_the_worker_queues_the_retry_for_the_next_attempt(
    mailed, settings, django_capture_on_commit_callbacks, clock
):
    """With the database queue (the worker's), a failed send queues the job again, to run no
    sooner than the row's next attempt."""
    from django_tasks_db.models import DBTaskResult

    from coopnet.notifications.tasks import email_send

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with django_capture_on_commit_callbacks(execute=True):
        _tell(mailed, [mailed["alice"]])
    row = OutboxEmail.objects.get()
    assert DBTaskResult.objects.count() == 1  # queued on commit, not yet run
    email_send.call(outbox_id=row.pk)  # as the worker runs it
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxEmail.PENDING, 1)
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == 2
    assert retry.run_after == row.next_attempt


def test_the_commands_send_the_digest_and_what_is_due(mailed, capsys, clock):
    from coopnet.cli import main

    services.preference_set(actor=mailed["alice"], email=Preference.DIGEST)
    _tell(mailed, [mailed["alice"]], "News.")
    assert main(["notifications", "digest"]) == 0
    assert capsys.readouterr().out == "1 digest(s) queued; 1 e-mail(s) sent, 0 still waiting\n"
    assert [m.subject for m in mail.outbox] == ["coopnet: your day's notifications (1)"]
    assert main(["notifications", "send"]) == 0
    assert capsys.readouterr().out == "0 e-mail(s) sent, 0 still waiting\n"
