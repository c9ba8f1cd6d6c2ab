"""Plain INSERTs for the few paths that write rows in bulk under load (public reports, the
audit log), where building the statement cost more CPU than the database took to run it.

`Model.save()` builds its INSERT afresh on every call. `insert()` builds it once per model and
database and reuses it, converting each value exactly as the ORM does (every field's `pre_save`
and `get_db_prep_save`). It sends no signals: the caller does what a `post_save` receiver would
(see `accounts.audit.record_creation`).
"""

from __future__ import annotations

from functools import cache

from django.db import connections, models, router


@cache
def _columns(model: type[models.Model]) -> tuple[models.Field, ...]:
    meta = model._meta
    return tuple(field for field in meta.local_concrete_fields
                 if field is not meta.auto_field and not field.generated)


@cache
def _statement(model: type[models.Model], alias: str, rows: int) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
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
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, alias, len(objs)), params)
        ids = cursor.fetchall() if model._meta.auto_field is not None else []
    for obj, row in zip(objs, ids or [None] * len(objs), strict=True):
        if row is not None:
            obj.pk = row[0]
        obj._state.adding, obj._state.db = False, alias
