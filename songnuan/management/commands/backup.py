"""`songnuan backup DIR`: the database, the media files and a manifest, from one snapshot."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from songnuan.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the PostgreSQL database (pg_dump custom format), MEDIA_ROOT and a manifest "
            "of row counts and the audit log into DIR.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR")

    def handle(self, *args, folder: Path, **options) -> None:
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        audit = manifest["audit"]
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} "
            f"rows, audit log to event {audit['latest_id']}, into {folder}")
