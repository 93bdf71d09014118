"""`coopnet backup` and `coopnet restore`: the platform's database (DATABASE_URL, or the SQLite
file in COOPNET_DATA_DIR) into one file and back, by the database's own tools
(backup_databases.py), in a file that says what it holds (backup_archive.py).

A restore checks everything it can before it changes anything: that the file is a whole coopnet
backup (its checksum), of this database's vendor, from a schema this coopnet knows, and that it
would not overwrite data unasked (--yes). Each refusal is one `error:` line and exit 2.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from coopnet import __version__
from coopnet.cli import backup_databases as databases
from coopnet.cli.backup_archive import (
    PAYLOADS,
    VENDOR_NAMES,
    Manifest,
    now_utc,
    read_archive,
    sha256_of,
    write_archive,
)
from coopnet.cli.backup_databases import Database
from coopnet.cli.options import err
from coopnet.engine.errors import BadInput

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        help="The backup file, or a directory for it (default: a timestamped file here).",
    ),
]
BackupFile = Annotated[Path, typer.Argument(help="A file `coopnet backup` wrote.")]
YesOption = Annotated[
    bool, typer.Option("--yes", help="Replace a database that already holds data.")
]


def backup(output: OutputOption = None) -> None:
    """Back up the platform's database into one file, and print its path."""
    from coopnet.web.serve import setup_django

    setup_django()
    database = databases.configured()
    created = now_utc()
    destination = _destination(output, f"coopnet-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz")
    with tempfile.TemporaryDirectory(prefix=".coopnet-", dir=destination.parent) as work:
        payload = Path(work) / PAYLOADS[database.vendor]
        migrations = databases.dump(database, payload)
        manifest = Manifest(
            vendor=database.vendor,
            migrations=migrations,
            coopnet_version=__version__,
            created_at=created.isoformat(),
            payload=payload.name,
            payload_bytes=payload.stat().st_size,
            payload_sha256=sha256_of(payload),
        )
        write_archive(destination, manifest, payload)
    sys.stdout.write(f"{destination}\n")


def _destination(output: Path | None, name: str) -> Path:
    """Where the backup goes: --output as given, or `name` in --output's directory (or here)."""
    if output is not None and not output.is_dir():
        if not output.parent.is_dir():
            raise BadInput(f"--output: no directory {output.parent}")
        return output.absolute()
    destination = (output or Path.cwd()).absolute() / name
    if destination.exists():
        raise BadInput(f"--output: {destination} exists already")
    return destination


def restore(file: BackupFile, yes: YesOption = False) -> None:
    """Replace the platform's database with a backup's contents (all of it, or nothing)."""
    from coopnet.web.serve import setup_django

    setup_django()
    database = databases.configured()
    with tempfile.TemporaryDirectory(prefix="coopnet-restore-") as work:
        payload = Path(work) / "payload"
        manifest = read_archive(file, payload)
        _check_fits(manifest, database, file)
        databases.check_payload(database, payload)
        _check_may_replace(database, yes)
        databases.restore(database, payload)
    sys.stdout.write(
        f"restored {file} (coopnet {manifest.coopnet_version}, made {manifest.created_at}) "
        f"into {database.where}\n"
    )
    _note_pending(manifest)


def _check_fits(manifest: Manifest, database: Database, file: Path) -> None:
    """The backup is of this vendor, and of a schema this coopnet knows every step of."""
    if manifest.vendor != database.vendor:
        raise BadInput(
            f"{file} is a backup of a {VENDOR_NAMES[manifest.vendor]} database; the configured "
            f"database is {VENDOR_NAMES[database.vendor]} ({database.where}): restore it into "
            f"a {VENDOR_NAMES[manifest.vendor]} database"
        )
    unknown = sorted(set(manifest.migrations) - _known_migrations())
    if unknown:
        raise BadInput(
            f"{file} was made by a newer coopnet ({manifest.coopnet_version}; migrations "
            f"{', '.join(unknown[:3])}{' …' if len(unknown) > 3 else ''} are unknown to "
            f"coopnet {__version__}): upgrade coopnet, then restore"
        )


def _check_may_replace(database: Database, yes: bool) -> None:
    full = databases.tables_with_rows(database)
    if full and not yes:
        raise BadInput(
            f"{database.where} holds data ({len(full)} tables with rows, e.g. {full[0]}); "
            "restoring replaces all of it: back it up first, then add --yes"
        )


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _note_pending(manifest: Manifest) -> None:
    """An older backup restores as it was; `coopnet serve` brings its schema up to date."""
    from django.db.migrations.loader import MigrationLoader

    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    pending = {f"{app}.{name}" for app, name in leaves} - set(manifest.migrations)
    if pending:
        err.print(
            f"note: the backup's schema is older than this coopnet's ({len(pending)} apps "
            "have newer migrations): `coopnet serve` applies them when it starts",
            highlight=False,
        )
