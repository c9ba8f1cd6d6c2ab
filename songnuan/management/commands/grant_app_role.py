"""Grant a role what the app needs on every table, and no more on the audit log."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from songnuan import db_roles


class Command(BaseCommand):
    help = ("Grant ROLE (the role in DATABASE_URL) read and write on every table but insert and "
            "read only on the audit log, and the same on tables created later. Runs as the "
            "owner (MIGRATE_DATABASE_URL); `songnuan migrate` does it after migrating.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", nargs="?", help="default: the role in DATABASE_URL")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--print", action="store_true", dest="print_only",
                            help="print the statements instead of running them")

    def handle(self, *args, role: str | None, database: str, print_only: bool,
               **options) -> None:
        role = role or db_roles.app_role()
        if connections[database].vendor != "postgresql":
            raise CommandError("Roles and grants are for PostgreSQL; SQLite has none.")
        if not role:
            raise CommandError("Name the role (DATABASE_URL names none).")
        if print_only:
            for statement in db_roles.grant_statements(role):
                self.stdout.write(statement + ";")
            return
        with db_roles.as_owner(database):
            for statement in db_roles.grant_app_role(role, database):
                self.stdout.write(statement + ";")
