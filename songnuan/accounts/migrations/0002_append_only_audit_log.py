"""The audit log is append-only at the database too, not only in the model.

PostgreSQL (production) refuses updates and deletes of rows. SQLite, the embedded default,
refuses updates only: its triggers cannot tell an attacker's DELETE from the test runner's
flush between tests, and the model refuses deletes there anyway.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION accounts_auditevent_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE OR DELETE
       ON accounts_auditevent FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS accounts_auditevent_refuse()",
]


def forwards(apps, schema_editor):
    _run(schema_editor, SQLITE, POSTGRES)


def backwards(apps, schema_editor):
    _run(schema_editor, SQLITE_REVERSE, POSTGRES_REVERSE)


def _run(schema_editor, sqlite, postgres):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": sqlite, "postgresql": postgres}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
