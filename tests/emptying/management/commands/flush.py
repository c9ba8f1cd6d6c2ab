"""`flush` as the suite's transactional tests use it between tests: only the tables with rows.

Django's own flush empties every table (one TRUNCATE of about 150 tables on PostgreSQL) and then
writes every content type and permission again: 0.6-0.9 s after each browser test. Here the
tables holding rows are found in one query and emptied with DELETE, and content types and
permissions, which no test changes, stay. Any other use (sequences reset, cascade) is Django's.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.commands import flush
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction

from songnuan.accounts.models import AuditEvent

KEPT = {ContentType._meta.db_table, Permission._meta.db_table}
# PostgreSQL refuses to DELETE audit rows (a trigger), whoever asks; the suite's superuser may
# TRUNCATE it, as Django's flush does.
APPEND_ONLY = {AuditEvent._meta.db_table}


class Command(flush.Command):
    def handle(self, **options):
        if options.get("reset_sequences", True) or options.get("allow_cascade", False):
            return super().handle(**options)
        database = options["database"]
        connection = connections[database]
        tables = sorted(set(connection.introspection.django_table_names(
            only_existing=True, include_views=False)) - KEPT)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for table in filled(cursor, connection, tables):
                cursor.execute(emptying(connection, table))
        if not options.get("inhibit_post_migrate", False):
            emit_post_migrate_signal(options["verbosity"], options["interactive"], database)


def filled(cursor, connection, tables: list[str]) -> list[str]:
    if not tables:
        return []
    quote = connection.ops.quote_name
    cursor.execute(" UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})"  # noqa: S608 (model tables)
        for table in tables), tables)
    return [row[0] for row in cursor.fetchall()]


def emptying(connection, table: str) -> str:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql" and table in APPEND_ONLY:
        return f"TRUNCATE {quote(table)}"
    return f"DELETE FROM {quote(table)}"  # noqa: S608 (a model's table)
