"""Each database copied by its own tools, which a self-hoster can trust and check by hand.

SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy while the server
writes, and the same API back into the configured file: one write transaction, so a restore that
fails part way leaves the database as it was.

PostgreSQL: `pg_dump -Fc` inside a snapshot the migration state is read from too (so the
manifest describes exactly the dump); a restore drops the schema's objects and replays
pg_restore's script in one transaction with psql (ON_ERROR_STOP): all of it lands, or none. The
books' append-only triggers (migration books 0002) fire on UPDATE and DELETE only, never on DROP,
and pg_dump creates triggers after the data is loaded, so neither blocks a restore.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopnet.engine.errors import BadInput, EngineError

#: tables `migrate` fills by itself: rows there do not make a database worth protecting
MIGRATE_FILLS = frozenset({"django_migrations", "django_content_type", "auth_permission"})

#: everything in the current schema that is not an extension's: what a restore replaces
PG_DROP_ALL = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT c.relname AS name, c.relkind AS kind FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r','p','v','m','S')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        ORDER BY c.relkind = 'S'
    LOOP
        EXECUTE format('DROP %s IF EXISTS %I CASCADE', CASE item.kind
            WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
            ELSE 'TABLE' END, item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid, p.proname AS name FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f','p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %I(%s) CASCADE', item.name,
            pg_get_function_identity_arguments(item.oid));
    END LOOP;
END $$;
"""


@dataclass(frozen=True)
class Database:
    """The configured database: its vendor ("sqlite" or "postgresql") and Django's settings."""

    vendor: str
    settings: dict[str, Any]

    @property
    def where(self) -> str:
        """How the messages name it: the SQLite file, or PostgreSQL's database and host."""
        if self.vendor == "sqlite":
            return str(self.settings["NAME"])
        host = self.settings.get("HOST") or "localhost"
        return f"PostgreSQL database {self.settings['NAME']!r} on {host}"


def configured() -> Database:
    """The database the other commands use (DATABASE_URL, or the SQLite file in
    COOPNET_DATA_DIR); Django must be set up."""
    from django.db import connection

    if connection.vendor not in ("sqlite", "postgresql"):
        raise BadInput(f"backups support SQLite and PostgreSQL, not {connection.vendor}")
    return Database(connection.vendor, dict(connection.settings_dict))


def no_database(database: Database) -> BadInput:
    return BadInput(
        f"no coopnet database at {database.where}: set COOPNET_DATA_DIR (the demo's is "
        f".coopnet-demo) or DATABASE_URL"
    )


def dump(database: Database, into: Path) -> list[str]:
    """Copy the database into the file `into`; return its applied migrations ("app.name")."""
    if database.vendor == "sqlite":
        return _sqlite_dump(database, into)
    return _pg_dump(database, into)


def restore(database: Database, payload: Path) -> None:
    """Replace the database's contents with the payload's, all or nothing."""
    if database.vendor == "sqlite":
        _sqlite_restore(database, payload)
    else:
        _pg_restore(database, payload)


def tables_with_rows(database: Database) -> list[str]:
    """The tables holding data that a restore would replace (those `migrate` fills aside)."""
    if database.vendor == "sqlite" and not Path(database.settings["NAME"]).exists():
        return []  # do not let a connection create the file before the restore does
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            names = connection.introspection.table_names(cursor)
            return [name for name in names if name not in MIGRATE_FILLS and _has_row(cursor, name)]
    except DatabaseError as error:
        raise BadInput(f"cannot open {database.where}: {_first_line(str(error))}") from None
    finally:
        connection.close()


def _has_row(cursor: Any, table: str) -> bool:
    from django.db import connection

    cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
    return cursor.fetchone() is not None


# SQLite


def _sqlite_dump(database: Database, into: Path) -> list[str]:
    source_path = Path(database.settings["NAME"])
    if not source_path.is_file():
        raise no_database(database)
    with _sqlite(source_path) as source, _sqlite(into) as copy:
        source.backup(copy)  # one step: a consistent snapshot, even while the server writes
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        try:
            rows = copy.execute("SELECT app, name FROM django_migrations").fetchall()
        except sqlite3.DatabaseError:
            raise no_database(database) from None
    return sorted(f"{app}.{name}" for app, name in rows)


def check_payload(database: Database, payload: Path) -> None:
    """Refuse a payload its own database program cannot read, before anything is replaced."""
    if database.vendor == "sqlite":
        try:
            with _sqlite(payload) as copy:
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            verdict = str(error)
        if verdict != "ok":
            raise BadInput(f"the backup's SQLite database is damaged ({verdict})")
    else:
        _run(["pg_restore", "--list", str(payload)], env=_pg_env(database))


def _sqlite_restore(database: Database, payload: Path) -> None:
    target = Path(database.settings["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    with _sqlite(payload) as source, _sqlite(target) as live:
        source.backup(live)  # one write transaction on the live file: all of it, or none


def _sqlite(path: Path) -> closing[sqlite3.Connection]:
    """A connection closed on leaving (sqlite3's own context manager only commits)."""
    return closing(sqlite3.connect(path, timeout=20))


# PostgreSQL


def _pg_dump(database: Database, into: Path) -> list[str]:
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            if "django_migrations" not in connection.introspection.table_names(cursor):
                raise no_database(database)
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
            dump = ["pg_dump", "--format=custom", "--compress=0", f"--snapshot={snapshot}"]
            _run([*dump, "--file", str(into)], env=_pg_env(database))
    except DatabaseError as error:
        raise BadInput(f"cannot open {database.where}: {_first_line(str(error))}") from None
    return migrations


def _pg_restore(database: Database, payload: Path) -> None:
    """pg_restore writes the script (checked whole before it is used), then psql runs it after
    dropping what is there, as one transaction: an error anywhere rolls all of it back."""
    from django.db import connection

    connection.close()  # hold nothing open that the DROPs would wait for
    env = _pg_env(database)
    script = payload.with_suffix(".sql")
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--file", str(script), str(payload)],
        env=env,
    )
    psql = ["psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction"]
    _run([*psql, "--command", PG_DROP_ALL, "--file", str(script)], env=env)


def _pg_env(database: Database) -> dict[str, str]:
    """The connection for PostgreSQL's own tools, by environment (no password in argv)."""
    settings = database.settings
    env = dict(os.environ)
    pairs = {
        "PGDATABASE": settings.get("NAME"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGSSLMODE": settings.get("OPTIONS", {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(command: list[str], *, env: dict[str, str]) -> None:
    """Run one of PostgreSQL's client tools; a failure is one line: the tool's own last word."""
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise EngineError(
            f"{command[0]} not found: install PostgreSQL's client tools (postgresql-client, "
            "of the server's version or newer)"
        ) from None
    if done.returncode != 0:
        raise EngineError(f"{command[0]} failed: {_cause(done.stderr, done.returncode)}")


def _cause(stderr: str, status: int) -> str:
    """The line of a tool's complaint that says what went wrong (psql follows its ERROR line
    with the statement's text and context)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    telling = [line for line in lines if "ERROR" in line or "FATAL" in line or "error:" in line]
    return (telling or lines or [f"exit status {status}"])[0]


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"
