"""The backup file: a gzipped tar of two members, `manifest.json` and the database's own copy
of itself (`database.sqlite3`, or `database.pgdump`, pg_dump's custom format), so that a person
can open it with `tar xzf` and restore it by hand with sqlite3 or pg_restore if coopnet is gone.

The manifest says what the payload is (the database vendor, the migrations applied, coopnet's
version, when it was made) and carries the payload's size and SHA-256: a restore reads and checks
all of it before it touches the database, so a damaged or foreign file is refused whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from coopnet.engine.errors import BadInput

FORMAT = "coopnet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_MANIFEST_LIMIT = 1 << 20  # a manifest is a few kilobytes; anything larger is not ours
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    """What a backup holds; `migrations` are "app.name" strings, sorted."""

    vendor: str
    migrations: list[str]
    coopnet_version: str
    created_at: str
    payload: str
    payload_bytes: int
    payload_sha256: str
    format: str = FORMAT
    format_version: int = FORMAT_VERSION


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def write_archive(destination: Path, manifest: Manifest, payload: Path) -> None:
    """Write the backup next to `destination` and move it into place only once complete (a
    crash leaves no half file under the real name); readable by its owner only, since it holds
    private rates and password hashes."""
    handle, partial = tempfile.mkstemp(prefix=".coopnet-backup-", dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            text = json.dumps(asdict(manifest), indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(text), 0o600
            info.mtime = int(dt.datetime.fromisoformat(manifest.created_at).timestamp())
            archive.addfile(info, io.BytesIO(text))
            archive.add(payload, arcname=manifest.payload, recursive=False, filter=_private)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, destination)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Whoever unpacks the file gets a database only they can read, as the file itself is."""
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def read_archive(path: Path, into: Path) -> Manifest:
    """The manifest of the backup at `path`, its payload written to `into` and checked against
    the manifest's size and SHA-256. Anything amiss is one BadInput naming the file."""
    if not path.is_file():
        raise BadInput(f"no backup file at {path}")
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            members = {member.name: member for member in archive.getmembers()}
            manifest = _manifest(archive, members.get(MANIFEST), path)
            _extract(archive, members.get(manifest.payload), into, path)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        cause = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BadInput(f"{path} is not a coopnet backup, or is damaged ({cause})") from None
    if into.stat().st_size != manifest.payload_bytes or sha256_of(into) != manifest.payload_sha256:
        raise BadInput(f"{path} is damaged: its database does not match the manifest's checksum")
    return manifest


def _manifest(archive: tarfile.TarFile, member: tarfile.TarInfo | None, path: Path) -> Manifest:
    if member is None or not member.isfile() or member.size > _MANIFEST_LIMIT:
        raise BadInput(f"{path} is not a coopnet backup (no {MANIFEST} in it)")
    stream = archive.extractfile(member)
    assert stream is not None  # a regular file always has a stream
    try:
        fields = json.loads(stream.read())
        return _checked(Manifest(**fields), path)
    except (ValueError, TypeError) as error:
        raise BadInput(f"{path} is not a coopnet backup (its {MANIFEST}: {error})") from None


def _checked(manifest: Manifest, path: Path) -> Manifest:
    """The manifest, if it is one this version of coopnet can read."""
    if manifest.format != FORMAT:
        raise BadInput(f"{path} is not a coopnet backup (format {manifest.format!r})")
    if manifest.format_version != FORMAT_VERSION:
        raise BadInput(
            f"{path} is a backup in format version {manifest.format_version}; this coopnet "
            f"reads version {FORMAT_VERSION}: restore it with a newer coopnet"
        )
    if PAYLOADS.get(manifest.vendor) != manifest.payload:
        raise BadInput(f"{path} is not a coopnet backup (vendor {manifest.vendor!r})")
    _check_types(manifest)
    return manifest


def _check_types(manifest: Manifest) -> None:
    fields: dict[str, Any] = asdict(manifest)
    if not isinstance(fields["migrations"], list) or not all(
        isinstance(m, str) for m in fields["migrations"]
    ):
        raise TypeError("migrations must be a list of names")
    if not isinstance(fields["payload_bytes"], int) or not isinstance(
        fields["payload_sha256"], str
    ):
        raise TypeError("payload_bytes and payload_sha256 are missing")


def _extract(
    archive: tarfile.TarFile, member: tarfile.TarInfo | None, into: Path, path: Path
) -> None:
    """Copy the payload out by stream: nothing from the archive is ever written under a name
    it chooses (no extractall)."""
    if member is None or not member.isfile():
        raise BadInput(f"{path} is not a coopnet backup (its database is missing)")
    stream = archive.extractfile(member)
    assert stream is not None
    with into.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            out.write(chunk)
