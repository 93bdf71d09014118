"""The world the backup tests round-trip, and its fingerprint; run as a script against the
database the environment names (DATABASE_URL, or COOPNET_DATA_DIR's SQLite file), as the `coopnet`
command finds it, so that the tests never touch the suite's own database:

    python backup_world.py seed     # migrate, then the demo network and what it leaves out
    python backup_world.py digest   # one JSON object: every table's row count and hash

The demo network has data in every app: organisations, people with private rates, skills,
opportunities and their proposals, formed contracts with invoices, payments and payouts, shared
services, mentoring. `seed` adds what the demo does not make (an API token, a session).
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any


def seed() -> None:
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from coopnet.common.models import ApiToken
    from coopnet.web.demo_data import seed_directory

    call_command("migrate", interactive=False, verbosity=0)
    seed_directory()
    ApiToken.issue(User.objects.get(username="coordinator"), "nightly script")
    session = SessionStore()
    session["planted"] = "a session survives a restore"
    session.create()
    _fill_the_rest()


def _fill_the_rest() -> None:
    """A row in each table the demo leaves empty, so that every table is tested."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType

    from coopnet.books.models import IdempotencyKey
    from coopnet.directory.models import NetworkSettings, Organisation

    coordinator = User.objects.get(username="coordinator")
    group = Group.objects.create(name="auditors")
    group.permissions.add(Permission.objects.order_by("pk").first())
    coordinator.groups.add(group)
    coordinator.user_permissions.add(Permission.objects.order_by("pk").last())
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(coordinator.pk),
        object_repr="coordinator",
        action_flag=ADDITION,
    )
    NetworkSettings.objects.get(pk=1).commission_exempt.add(Organisation.objects.first())
    IdempotencyKey.objects.create(
        user=coordinator,
        scope="payments",
        key="k-1",
        fingerprint="0" * 64,
        status=201,
        response={"id": 1},
    )
    _fill_trust(coordinator)
    _fill_notifications(coordinator)


def _fill_notifications(coordinator: Any) -> None:
    """A choice of e-mail, and an e-mail still waiting in the outbox (the demo's people have
    notifications, but no addresses)."""
    from django.utils import timezone

    from coopnet.notifications.models import OutboxEmail, Preference

    Preference.objects.create(user=coordinator, email=Preference.DIGEST)
    OutboxEmail.objects.create(recipient=coordinator, to="coordinator@example.org",
                               subject="coopnet: news", body="News.", attempts=2,
                               last_error="ConnectionRefusedError: [Errno 111]",
                               next_attempt=timezone.now())  # fmt: skip


def _fill_trust(coordinator: Any) -> None:
    """The sign-in lockout's records, a form's one-time token, a pending invitation."""
    import datetime as dt

    from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
    from django.utils import timezone

    from coopnet.common.models import FormSubmission
    from coopnet.directory.models import Invitation, Organisation

    seen = {"user_agent": "curl", "ip_address": "192.0.2.1", "username": "mallory",
            "http_accept": "*/*", "path_info": "/accounts/login/"}  # fmt: skip
    attempt = AccessAttempt.objects.create(
        **seen, get_data="", post_data="username=mallory", failures_since_start=3
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now() + dt.timedelta(minutes=15)
    )
    AccessFailureLog.objects.create(**seen, locked_out=False)
    AccessLog.objects.create(**seen)
    FormSubmission.objects.create(nonce="n" * 64, user=coordinator, result="/opportunities/1/")
    Invitation.objects.create(
        organisation=Organisation.objects.order_by("pk").first(), email=coordinator.email or
        "coordinator@example.org", user=coordinator, invited_by=coordinator, token="t" * 64,
        expires=timezone.now() + dt.timedelta(days=14),
    )  # fmt: skip


def digest() -> dict[str, Any]:
    """Each table's rows: {"tables": {table: [count, sha256]}, "unmodelled": [...]}, rows in
    primary-key order, every concrete column, so that any lost or changed value shows."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]
    tables: dict[str, list[Any]] = {}
    for model in [*models, MigrationRecorder.Migration]:
        columns = [field.attname for field in model._meta.concrete_fields]
        rows = [list(row) for row in model._base_manager.order_by("pk").values_list(*columns)]
        text = json.dumps(rows, default=str, sort_keys=True).encode()
        tables[model._meta.db_table] = [len(rows), hashlib.sha256(text).hexdigest()]
    unmodelled = sorted(set(connection.introspection.table_names()) - set(tables))
    return {"tables": tables, "unmodelled": unmodelled, "schema": _schema()}


SQLITE_SCHEMA = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
    "UNION ALL SELECT 'sequence', name, '', seq FROM sqlite_sequence ORDER BY 1, 2, 3"
)
POSTGRES_SCHEMA = """
SELECT 'trigger', tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger
    WHERE NOT tgisinternal
UNION ALL SELECT 'index', indexname, tablename, indexdef FROM pg_indexes
    WHERE schemaname = current_schema()
UNION ALL SELECT 'constraint', conname, conrelid::regclass::text, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
UNION ALL SELECT 'function', proname, '', pg_get_functiondef(oid) FROM pg_proc
    WHERE pronamespace = current_schema()::regnamespace
UNION ALL SELECT 'sequence', sequencename, '', last_value::text FROM pg_sequences
    WHERE schemaname = current_schema()
ORDER BY 1, 2, 3
"""


def _schema() -> list[Any]:
    """A hash of what is not rows: triggers (the books' append-only ones), indexes,
    constraints, functions, and where each sequence stands (the next id)."""
    from django.db import connection

    query = SQLITE_SCHEMA if connection.vendor == "sqlite" else POSTGRES_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows = [[str(value) for value in row] for row in cursor.fetchall()]
    return [len(rows), hashlib.sha256(json.dumps(rows).encode()).hexdigest()]


if __name__ == "__main__":
    import os
    from pathlib import Path

    from coopnet.web.serve import setup_django

    if "DATABASE_URL" not in os.environ and sys.argv[1:] == ["seed"]:
        Path(os.environ["COOPNET_DATA_DIR"]).mkdir(parents=True, exist_ok=True)

    setup_django()
    if sys.argv[1:] == ["seed"]:
        seed()
    elif sys.argv[1:] == ["digest"]:
        sys.stdout.write(json.dumps(digest()) + "\n")
    else:
        sys.exit("usage: backup_world.py seed|digest")
