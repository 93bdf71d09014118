"""`coopnet backup` and `coopnet restore`, run as a self-hoster runs them: the command in its own
process, against scratch databases of the tests' own (a SQLite file in a temporary directory;
scratch PostgreSQL databases, created and dropped, when DATABASE_URL is PostgreSQL), never the
database the suite runs in.

The world (backup_world.py) has rows in every table; a round trip must give back every row of
every table (count and hash) and what is not rows: the books' append-only triggers, indexes,
constraints, functions and where each sequence stands. A bad file, or a restore that would
overwrite data unasked, is one `error:` line and exit 2, and the database is left as it was.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

WORLD = Path(__file__).with_name("backup_world.py")
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
on_postgresql = pytest.mark.skipif(
    not POSTGRES_URL.startswith("postgres"), reason="PostgreSQL: set DATABASE_URL=postgres://..."
)


def sqlite_env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "COOPNET_DEBUG")}
    return env | {"COOPNET_DATA_DIR": str(directory)}


def postgres_env(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COOPNET_DEBUG"}
    return env | {"DATABASE_URL": scratch_url(name)}


def coopnet(env: dict[str, str], *args: str, cwd: Path | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "coopnet.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def world(env: dict[str, str], command: str) -> str:
    done = subprocess.run(
        [sys.executable, str(WORLD), command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return done.stdout


def digest(env: dict[str, str]) -> dict[str, Any]:
    return dict(json.loads(world(env, "digest")))


def backed_up(env: dict[str, str], where: Path) -> Path:
    done = coopnet(env, "backup", "--output", str(where))
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def refused(done: Any, *words: str) -> None:
    """One error line naming the fault, exit 2, nothing on stdout."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]


# PostgreSQL's scratch databases


def scratch_url(name: str) -> str:
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def maintenance(sql: str) -> None:
    import psycopg

    with psycopg.connect(scratch_url("postgres"), autocommit=True) as connection:
        connection.execute(sql)


@pytest.fixture
def scratch_database() -> Iterator[Callable[[str], str]]:
    """Make empty scratch databases (named for this process), dropped at the end."""
    made: list[str] = []

    def make(role: str) -> str:
        name = f"coopnet_backup_{os.getpid()}_{role}"
        maintenance(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        maintenance(f"CREATE DATABASE {name}")
        made.append(name)
        return name

    yield make
    for name in made:
        maintenance(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# the worlds, seeded once per module (the demo network takes a quarter of a minute)


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("sqlite-world")
    env = sqlite_env(home / "data")
    world(env, "seed")
    return {"env": env, "backup": backed_up(env, home), "digest": digest(env)}


@pytest.fixture(scope="module")
def postgres_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not POSTGRES_URL.startswith("postgres"):
        pytest.skip("PostgreSQL: set DATABASE_URL=postgres://...")
    name = f"coopnet_backup_{os.getpid()}_world"
    maintenance(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    maintenance(f"CREATE DATABASE {name}")
    try:
        env = postgres_env(name)
        world(env, "seed")
        home = tmp_path_factory.mktemp("postgres-world")
        yield {"env": env, "backup": backed_up(env, home), "digest": digest(env)}
    finally:
        maintenance(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# forging files


def forged(
    original: Path,
    into: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    payload: Callable[[bytes], bytes] | None = None,
) -> Path:
    """A copy of a backup with its manifest or its database changed (and nothing else)."""
    with tarfile.open(original, "r:gz") as archive:
        fields = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
        data = archive.extractfile(fields["payload"]).read()  # type: ignore[union-attr]
    if manifest is not None:
        manifest(fields)
    if payload is not None:
        data = payload(data)
    with tarfile.open(into, "w:gz") as archive:
        for name, content in (
            ("manifest.json", json.dumps(fields).encode()),
            (fields["payload"], data),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return into


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# the world itself


def test_the_world_has_rows_in_every_table(sqlite_world):
    tables = sqlite_world["digest"]["tables"]
    empty = sorted(table for table, (count, _) in tables.items() if count == 0)
    assert empty == []  # a new table needs a row in backup_world.py, so that it is tested
    assert sqlite_world["digest"]["unmodelled"] == []
    assert tables["books_posting"][0] > 20
    assert tables["directory_person"][0] == 60


# round trips


def test_a_sqlite_round_trip_loses_nothing(sqlite_world, tmp_path):
    restored = sqlite_env(tmp_path / "new-home")
    done = coopnet(restored, "restore", str(sqlite_world["backup"]))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"restored {sqlite_world['backup']} (coopnet ")
    assert digest(restored) == sqlite_world["digest"]


@on_postgresql
def test_a_postgresql_round_trip_loses_nothing(postgres_world, scratch_database):
    restored = postgres_env(scratch_database("restored"))
    done = coopnet(restored, "restore", str(postgres_world["backup"]))
    assert done.returncode == 0, done.stderr
    assert digest(restored) == postgres_world["digest"]


def test_restore_with_yes_replaces_what_is_there_and_the_database_works_on(sqlite_world, tmp_path):
    restored = sqlite_env(tmp_path)
    assert coopnet(restored, "restore", str(sqlite_world["backup"])).returncode == 0
    assert coopnet(restored, "token", "coordinator").returncode == 0  # a row the backup lacks
    assert digest(restored) != sqlite_world["digest"]
    done = coopnet(restored, "restore", "--yes", str(sqlite_world["backup"]))
    assert done.returncode == 0, done.stderr
    assert digest(restored) == sqlite_world["digest"]
    assert coopnet(restored, "token", "coordinator").returncode == 0  # the next id is free


@on_postgresql
def test_postgresql_restore_with_yes_replaces_everything_the_schema_holds(
    postgres_world, scratch_database
):
    import psycopg

    name = scratch_database("replaced")
    restored = postgres_env(name)
    assert coopnet(restored, "restore", str(postgres_world["backup"])).returncode == 0
    assert coopnet(restored, "token", "coordinator").returncode == 0
    with psycopg.connect(scratch_url(name), autocommit=True) as connection:
        connection.execute("CREATE TABLE stray (x integer)")
    done = coopnet(restored, "restore", "--yes", str(postgres_world["backup"]))
    assert done.returncode == 0, done.stderr
    assert digest(restored) == postgres_world["digest"]  # the token and the stray table gone
    assert coopnet(restored, "token", "coordinator").returncode == 0


def test_the_append_only_books_still_refuse_changes_after_a_restore(sqlite_world, tmp_path):
    import sqlite3

    restored = sqlite_env(tmp_path)
    assert coopnet(restored, "restore", str(sqlite_world["backup"])).returncode == 0
    connection = sqlite3.connect(tmp_path / "coopnet.sqlite3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("UPDATE books_posting SET amount = amount + 1")
    connection.close()


# the backup file


def test_backup_writes_a_private_file_of_manifest_and_database(sqlite_world):
    path = sqlite_world["backup"]
    assert path.name.startswith("coopnet-backup-")
    assert path.name.endswith(".tar.gz")
    assert path.stat().st_mode & 0o777 == 0o600
    with tarfile.open(path) as archive:
        assert archive.getnames() == ["manifest.json", "database.sqlite3"]
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert archive.getmember("database.sqlite3").mode == 0o600
    assert manifest["vendor"] == "sqlite"
    assert manifest["format"] == "coopnet-backup"
    assert "books.0002_append_only" in manifest["migrations"]
    assert len(manifest["payload_sha256"]) == 64


def test_backup_names_a_missing_database_and_writes_nothing(tmp_path):
    done = coopnet(sqlite_env(tmp_path / "nowhere"), "backup", cwd=tmp_path)
    refused(done, "no coopnet database at")
    assert list(tmp_path.iterdir()) == []


def test_backup_refuses_an_output_in_a_missing_directory(sqlite_world, tmp_path):
    done = coopnet(sqlite_world["env"], "backup", "--output", str(tmp_path / "no" / "b.tar.gz"))
    refused(done, "--output")


# bad inputs: one line, exit 2, the database untouched (even with --yes)


def _newer(fields: dict[str, Any]) -> None:
    fields["migrations"].append("books.9999_from_the_future")


def _other_vendor(fields: dict[str, Any]) -> None:
    fields["vendor"], fields["payload"] = "postgresql", "database.pgdump"


BAD_FILES: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "missing": (lambda backup, into: into / "absent.tar.gz", "no backup file"),
    "not a backup": (
        lambda backup, into: (into / "notes.txt").write_text("hello") and into / "notes.txt",
        "not a coopnet backup",
    ),
    "truncated": (
        lambda backup, into: (
            (into / "cut.tar.gz").write_bytes(backup.read_bytes()[:4000]) and into / "cut.tar.gz"
        ),
        "not a coopnet backup, or is damaged",
    ),
    "a byte changed": (
        lambda backup, into: forged(
            backup,
            into / "flip.tar.gz",
            payload=lambda d: d[:5000] + bytes([d[5000] ^ 1]) + d[5001:],
        ),
        "checksum",
    ),
    "newer schema": (
        lambda backup, into: forged(backup, into / "newer.tar.gz", manifest=_newer),
        "newer coopnet",
    ),
    "other vendor": (
        lambda backup, into: forged(backup, into / "pg.tar.gz", manifest=_other_vendor),
        "PostgreSQL database",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_and_the_database_untouched(case, sqlite_world, tmp_path):
    make, words = BAD_FILES[case]
    restored = sqlite_env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    shutil.copy(sqlite_world["env"]["COOPNET_DATA_DIR"] + "/coopnet.sqlite3", tmp_path / "home")
    before = _sha(tmp_path / "home" / "coopnet.sqlite3")
    done = coopnet(restored, "restore", "--yes", str(make(sqlite_world["backup"], tmp_path)))
    refused(done, words)
    assert _sha(tmp_path / "home" / "coopnet.sqlite3") == before


def test_a_bad_file_creates_no_database_where_there_was_none(sqlite_world, tmp_path):
    bad = forged(sqlite_world["backup"], tmp_path / "newer.tar.gz", manifest=_newer)
    refused(coopnet(sqlite_env(tmp_path / "home"), "restore", str(bad)), "newer coopnet")
    assert not (tmp_path / "home").exists()


def test_restore_without_yes_refuses_a_database_with_data(sqlite_world):
    live = Path(sqlite_world["env"]["COOPNET_DATA_DIR"]) / "coopnet.sqlite3"
    before = _sha(live)
    done = coopnet(sqlite_world["env"], "restore", str(sqlite_world["backup"]))
    refused(done, "holds data", "--yes")
    assert _sha(live) == before


@on_postgresql
def test_postgresql_refuses_a_sqlite_backup_and_damage_and_data_without_yes(
    postgres_world, sqlite_world, scratch_database, tmp_path
):
    env = postgres_env(scratch_database("target"))
    assert coopnet(env, "restore", str(postgres_world["backup"])).returncode == 0
    refused(coopnet(env, "restore", "--yes", str(sqlite_world["backup"])), "SQLite database")
    flipped = forged(
        postgres_world["backup"], tmp_path / "f.tar.gz", payload=lambda d: d[:-10] + b"0" * 10
    )
    refused(coopnet(env, "restore", "--yes", str(flipped)), "checksum")
    refused(coopnet(env, "restore", str(postgres_world["backup"])), "holds data", "--yes")
    assert digest(env) == postgres_world["digest"]


def test_sqlite_refuses_a_postgresql_backup(postgres_world, tmp_path):
    refused(coopnet(sqlite_env(tmp_path), "restore", str(postgres_world["backup"])), "PostgreSQL")
    assert not (tmp_path / "coopnet.sqlite3").exists()
