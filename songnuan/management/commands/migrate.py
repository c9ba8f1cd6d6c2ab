"""`migrate` as the role that owns the tables (MIGRATE_DATABASE_URL), then the app's role
(DATABASE_URL) granted what it needs on them; without MIGRATE_DATABASE_URL, Django's migrate."""

from __future__ import annotations

from django.core.management.commands import migrate

from songnuan import db_roles


class Command(migrate.Command):
    def handle(self, *args, **options) -> None:
        alias, app_role = options["database"], db_roles.app_role()
        with db_roles.as_owner(alias) as switched:
            super().handle(*args, **options)
            if switched and app_role:
                db_roles.grant_app_role(app_role, alias)
                if options["verbosity"]:
                    self.stdout.write(f"Granted the app's role {app_role} its rights.")
