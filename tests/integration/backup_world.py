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
    return {"tables": tables, "unmodelled": unmodelled}


if __name__ == "__main__":
    from coopnet.web.serve import setup_django

    setup_django()
    if sys.argv[1:] == ["seed"]:
        seed()
    elif sys.argv[1:] == ["digest"]:
        sys.stdout.write(json.dumps(digest()) + "\n")
    else:
        sys.exit("usage: backup_world.py seed|digest")
