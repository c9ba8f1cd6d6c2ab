"""Two database roles on PostgreSQL: the owner, which migrates, and the app's role, which serves.

The app's role (DATABASE_URL) reads and writes rows but owns no table, so it can neither alter a
table nor disable its triggers, and on the audit log it may only insert and read. Schema changes
run as the owner (MIGRATE_DATABASE_URL): `songnuan migrate` switches to it, then grants the app's
role what it needs on every table, including those later migrations create.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# What switching roles changes; the database itself stays the one the connection names.
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
# Written only by migrations, which run as the owner.
READ_ONLY_TABLES = ("django_migrations",)


def owner_settings() -> dict | None:
    url = settings.MIGRATE_DATABASE_URL
    return dj_database_url.parse(url) if url else None


def app_role() -> str:
    return settings.DATABASES[DEFAULT_DB_ALIAS].get("USER") or ""


def _owner_applies(connection: BaseDatabaseWrapper, owner: dict | None) -> bool:
    # A throwaway database (the test suite's, the drill's) is not the one the owner's URL names:
    # it is migrated by the role that made it.
    return (owner is not None and connection.vendor == "postgresql"
            and owner.get("NAME") == connection.settings_dict.get("NAME"))


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Connect as MIGRATE_DATABASE_URL's role for the block; yields whether it did."""
    connection = connections[alias]
    owner = owner_settings()
    if not _owner_applies(connection, owner):
        yield False
        return
    saved = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key) for key in CREDENTIALS})
    try:
        yield True
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def audit_table() -> str:
    return apps.get_model("accounts", "AuditEvent")._meta.db_table


def grant_statements(role: str, schema: str = "public") -> list[str]:
    """The app's role: rows of every table, but only insert and read on the audit log and read
    on the migration records; the same on the tables the owner creates later."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    who, where = quote(role), quote(schema)
    return [
        f"GRANT USAGE ON SCHEMA {where} TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(audit_table())} FROM {who}",
        *(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {who}"
          for table in READ_ONLY_TABLES),
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT USAGE, SELECT ON SEQUENCES TO {who}",
    ]


def grant_app_role(role: str, alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Run the grants on the connection (as the owner: it alone may grant); returns them."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        statements = grant_statements(role, schema)
        for statement in statements:
            cursor.execute(statement)
    return statements
