"""Prepared statements for the few paths that run hundreds of times a second in a surge (a
public report, its audit event, its text message).

There the ORM took longer to build each statement than the database took to run it, and
PostgreSQL spent most of its time parsing and planning statements it had seen a moment before.
`cursor()` gives a cursor whose statements PostgreSQL parses and plans once per connection
(server-side parameters, prepared on first use); on SQLite, whose driver keeps its own statement
cache, it is Django's cursor. `insert()` builds a model's INSERT once and reuses it, converting
each value exactly as `save()` does (every field's `pre_save` and `get_db_prep_save`). It sends
no signals: the caller does what a `post_save` receiver would (see
`accounts.audit.record_creation`).
"""

from __future__ import annotations

from functools import cache

from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connections,
    models,
    router,
)
from django.db.backends.utils import CursorWrapper


def cursor(alias: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    """A cursor for statements written with `%s` parameters, prepared on PostgreSQL."""
    connection = connections[alias]  # once: every attribute of django.db.connection is a lookup
    if connection.vendor != "postgresql":
        return connection.cursor()
    # What connection.cursor() does, with a cursor that prepares every statement it runs.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))


def fetch_opening(sql: str, params: list, alias: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Run the read that opens a request's work on the database and return its rows.

    It stands in for Django's health check of a persistent connection (a `SELECT 1` before the
    request's first statement, a round trip per request): if the connection turns out to be
    dead, it reconnects and runs the read once more. Only a read outside a transaction can be
    run again safely.
    """
    connection = connections[alias]
    optimistic = (connection.vendor == "postgresql" and connection.health_check_enabled
                  and not connection.health_check_done and not connection.in_atomic_block)
    if optimistic:
        connection.health_check_done = True
    try:
        return _fetch(sql, params, alias)
    except (OperationalError, InterfaceError):
        if not optimistic or connection.is_usable():
            raise
        connection.close()
        return _fetch(sql, params, alias)


def _fetch(sql: str, params: list, alias: str) -> list[tuple]:
    with cursor(alias) as statement:
        statement.execute(sql, params)
        return statement.fetchall()


@cache
def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


@cache
def _columns(model: type[models.Model]) -> tuple[models.Field, ...]:
    meta = model._meta
    return tuple(field for field in meta.local_concrete_fields
                 if field is not meta.auto_field and not field.generated)


@cache
def _insert_statement(model: type[models.Model], alias: str, rows: int) -> str:
    quote = connections[alias].ops.quote_name
    fields = _columns(model)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (names from the model)
           f"({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES {', '.join([row] * rows)}")
    if model._meta.auto_field is not None:
        sql += f" RETURNING {quote(model._meta.auto_field.column)}"
    return sql


def insert(*objs: models.Model) -> None:
    """INSERT new rows of one model in one statement and give each its primary key."""
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = _columns(model)
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
              for obj in objs for field in fields]
    with cursor(alias) as statement:
        statement.execute(_insert_statement(model, alias, len(objs)), params)
        keys = statement.fetchall() if model._meta.auto_field is not None else []
    for obj, key in zip(objs, keys or [None] * len(objs), strict=True):
        if key is not None:
            obj.pk = key[0]
        obj._state.adding, obj._state.db = False, alias
