"""`songnuan restore DIR`: a backup into a fresh database, checked against its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from songnuan import db_roles
from songnuan.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `songnuan backup` into the configured (empty) PostgreSQL "
            "database and MEDIA_ROOT, then check every table's rows and the audit log.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR")

    def handle(self, *args, folder: Path, **options) -> None:
        app_role = db_roles.app_role()
        try:
            # As the owner (MIGRATE_DATABASE_URL) when there is one, like migrate: the restored
            # tables are its, and the app's role is granted its rights on them again.
            with db_roles.as_owner() as switched:
                check = restore(folder)
                if switched and app_role:
                    db_roles.grant_app_role(app_role)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for table, (expected, restored) in sorted(check.mismatched_tables.items()):
            self.stderr.write(f"{table}: {expected} rows in the backup, {restored} restored")
        if not check.audit_matches:
            self.stderr.write("The restored audit log differs from the backup's.")
        if not check.is_complete:
            raise CommandError("The restore does not match the backup's manifest.")
        self.stdout.write("Restored; every table's rows and the audit log match the backup.")
