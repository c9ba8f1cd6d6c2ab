"""The restore drill: a backup restored into a fresh database has every row and the same audit
log, and the photos come back; a restore never writes over a database in use nor restores a
damaged backup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from songnuan.accounts.models import AuditEvent
from tests.factories import build_cast, make_site

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="backups are pg_dump's; SQLite is copied with sqlite3 .backup"),
    pytest.mark.django_db(transaction=True),
]


def database_url(name: str) -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{name}")


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "leads").mkdir(parents=True)
    (settings.MEDIA_ROOT / "leads" / "underpass.jpg").write_bytes(b"\xff\xd8 a photo \xff\xd9")
    return settings.MEDIA_ROOT


def restore_into(name: str, folder: Path, media: Path) -> subprocess.CompletedProcess:
    """As the bureau's staff run it: the command, with the fresh database in DATABASE_URL."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=database_url(name), MEDIA_ROOT=str(media),
               SECRET_KEY="restore-drill", SONGNUAN_VAR_DIR=str(media.parent / "var"),
               FIELD_ENCRYPTION_KEY="restore-drill-field-encryption-key-0123456789")
    return subprocess.run([sys.executable, "-m", "songnuan.cli", "restore", str(folder)],
                          env=env, capture_output=True, text=True, timeout=300)


def rows_and_latest_audit_event(name: str, tables: list[str]) -> tuple[dict, tuple]:
    with psycopg.connect(database_url(name)) as restored:
        counts = {table: restored.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
                  .fetchone()[0]
                  for table in tables}
        latest = restored.execute("SELECT id, action, object_repr FROM accounts_auditevent "
                                  "ORDER BY id DESC LIMIT 1").fetchone()
    return counts, latest


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_the_audit_log(
        tmp_path, media_root, fresh_database):
    build_cast()
    make_site("琴岛驿家·台东")
    latest = AuditEvent.objects.order_by("-id").first()
    assert latest is not None
    folder = tmp_path / "backup-2027-01-15"

    call_command("backup", str(folder), stdout=open(os.devnull, "w"))  # noqa: SIM115
    manifest = json.loads((folder / "manifest.json").read_text())
    result = restore_into(fresh_database, folder, tmp_path / "restored-media")

    assert result.returncode == 0, result.stderr
    assert manifest["tables"]["network_site"] == 6
    assert manifest["audit"]["latest_id"] == latest.id
    counts, restored_latest = rows_and_latest_audit_event(fresh_database,
                                                          list(manifest["tables"]))
    assert counts == manifest["tables"]
    assert restored_latest == (latest.id, latest.action, latest.object_repr)
    restored_photo = tmp_path / "restored-media" / "leads" / "underpass.jpg"
    assert restored_photo.read_bytes() == (media_root / "leads" / "underpass.jpg").read_bytes()

    again = restore_into(fresh_database, folder, tmp_path / "restored-media")
    assert again.returncode != 0, "a restore must never write over a database in use"
    assert "不是空的" in again.stderr or "is not empty" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(
        tmp_path, media_root, fresh_database):
    build_cast()
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with (folder / "database.dump").open("r+b") as dump:
        dump.seek(200)
        dump.write(b"\0" * 16)

    result = restore_into(fresh_database, folder, tmp_path / "restored")

    assert result.returncode != 0
    with psycopg.connect(database_url(fresh_database)) as restored:
        tables = restored.execute("SELECT count(*) FROM pg_tables "
                                  "WHERE schemaname = 'public'").fetchone()[0]
    assert tables == 0


def test_a_backup_into_a_folder_in_use_is_refused(tmp_path, media_root):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "someone-else.txt").write_text("kept")

    with pytest.raises(CommandError):
        call_command("backup", str(folder))

    assert [path.name for path in folder.iterdir()] == ["someone-else.txt"]
