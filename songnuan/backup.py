"""Backups and the restore drill (PostgreSQL): one folder per backup holding the database in
pg_dump's custom format, a tar of MEDIA_ROOT (photos) and a manifest of what must come back —
the rows of every table and a digest of the audit log — all read from one snapshot.

A restore goes into a fresh, empty database and is checked against that manifest, so a monthly
drill proves the backups can be used before the night they are needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.models import AuditEvent

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be made or trusted; the message says why."""


@dataclass
class RestoreCheck:
    mismatched_tables: dict[str, tuple[int, int]]  # table: (in the backup, restored)
    audit_matches: bool

    @property
    def is_complete(self) -> bool:
        return not self.mismatched_tables and self.audit_matches


def backup(folder: Path) -> dict:
    """Write a backup of the database and the media files into `folder` (new or empty)."""
    require_postgresql()
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(_("The backup folder %(folder)s is not empty.") % {"folder": folder})
    folder.mkdir(parents=True, exist_ok=True)
    pg_dump = client_tool("pg_dump")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        # pg_dump reads the very snapshot the counts are taken in, while this transaction lasts.
        run([pg_dump, "--format=custom", f"--snapshot={snapshot}",
             f"--file={folder / DUMP_NAME}"])
        manifest = {
            "created_at": timezone.now().isoformat(),
            "server_version": server_version(),
            "pg_dump": tool_version(pg_dump),
            "tables": table_counts(),
            "audit": audit_summary(),
        }
    archive_media(folder / MEDIA_NAME)
    manifest["files"] = {name: sha256(folder / name) for name in (DUMP_NAME, MEDIA_NAME)}
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def restore(folder: Path) -> RestoreCheck:
    """Restore a backup into the configured database, which must be empty, and MEDIA_ROOT."""
    require_postgresql()
    manifest = read_manifest(folder)
    for name, digest in manifest["files"].items():
        if sha256(folder / name) != digest:
            raise BackupError(_("%(file)s does not match the manifest: the backup is damaged.")
                              % {"file": folder / name})
    if connection.introspection.table_names():
        raise BackupError(_("The database %(name)s is not empty: restore into a fresh one.")
                          % {"name": connection.settings_dict["NAME"]})
    run([client_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", "--dbname", connection.settings_dict["NAME"],
         str(folder / DUMP_NAME)])
    extract_media(folder / MEDIA_NAME)
    return check_restore(manifest)


def check_restore(manifest: dict) -> RestoreCheck:
    restored = table_counts()
    mismatched = {
        table: (count, restored.get(table, -1))
        for table, count in manifest["tables"].items() if restored.get(table) != count
    }
    return RestoreCheck(mismatched_tables=mismatched,
                        audit_matches=audit_summary() == manifest["audit"])


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST_NAME).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(_("%(folder)s holds no readable backup manifest (%(error)s).")
                          % {"folder": folder, "error": error}) from error


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(_("Backups are made of PostgreSQL; copy an SQLite database with "
                            "sqlite3's .backup command instead."))


def table_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    return counts


def audit_summary() -> dict:
    """The latest audit event and a digest of the whole log, in the order it was written."""
    digest = hashlib.sha256()
    latest = None
    rows = AuditEvent.objects.order_by("id").values_list(
        "id", "at", "actor_name", "action", "object_type", "object_id", "object_repr",
        "changes", "ip")
    for row in rows.iterator(chunk_size=2000):
        latest = row
        digest.update(json.dumps(row, sort_keys=True, default=str).encode())
        digest.update(b"\n")
    return {
        "latest_id": latest[0] if latest else None,
        "latest_at": latest[1].isoformat() if latest else None,
        "sha256": digest.hexdigest(),
    }


def archive_media(target: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname=".")


def extract_media(source: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r:gz") as archive:
        archive.extractall(media_root, filter="data")


def client_tool(name: str) -> str:
    """pg_dump or pg_restore, no older than the server (an older one refuses to dump it)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(_("%(tool)s is not installed (Debian: apt-get install "
                            "postgresql-client).") % {"tool": name})
    tool_major = major(tool_version(path))
    server_major = major(server_version())
    if tool_major < server_major:
        raise BackupError(_("%(tool)s %(tool_version)s is older than the PostgreSQL %(server)s "
                            "server; install the client of the server's version.")
                          % {"tool": name, "tool_version": tool_major, "server": server_major})
    return path


def tool_version(path: str) -> str:
    """"15.20" from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True,
                            check=True).stdout
    return re.search(r"\)\s+(\d+(?:\.\d+)*)", output).group(1)


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def major(version: str) -> int:
    return int(re.match(r"\d+", version).group())


def run(argv: list[str]) -> None:
    """Run a PostgreSQL client tool against the configured database, its password kept out of
    the process list."""
    result = subprocess.run(argv, env=libpq_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s")
                          % {"tool": Path(argv[0]).name, "error": result.stderr.strip()})


def libpq_environment() -> dict[str, str]:
    database = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        env.pop(variable, None)
        if database.get(key):
            env[variable] = str(database[key])
    return env


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
