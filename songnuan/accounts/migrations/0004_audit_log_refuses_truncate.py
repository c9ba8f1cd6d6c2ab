"""PostgreSQL refuses TRUNCATE of the audit log too, whoever asks, the owner included.

A row trigger cannot see TRUNCATE, so a statement trigger refuses it. Only a superuser is let
through: a superuser could disable the trigger anyway, and the test runner (connected as one)
empties its own database between tests with TRUNCATE. Disabling a trigger takes the table's
owner or a superuser, never the app's role (see songnuan/db_roles.py). SQLite has no TRUNCATE.
"""

from django.db import migrations

POSTGRES = [
    """CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_truncate() RETURNS trigger AS $$
       BEGIN
         IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN RETURN NULL; END IF;
         RAISE EXCEPTION 'the audit log is append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER accounts_auditevent_no_truncate BEFORE TRUNCATE ON accounts_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditevent_refuse_truncate()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS accounts_auditevent_refuse_truncate()",
]


def forwards(apps, schema_editor):
    _run(schema_editor, POSTGRES)


def backwards(apps, schema_editor):
    _run(schema_editor, POSTGRES_REVERSE)


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_two_factor_and_token_expiry")]
    operations = [migrations.RunPython(forwards, backwards)]
