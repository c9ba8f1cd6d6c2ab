"""On PostgreSQL the app runs as a role that owns no table: whoever takes over the app's
database login cannot empty, rewrite or unprotect the audit log, and even the owner cannot
truncate it.

A real installation is made for the test: an owner and an app role, a database, `songnuan
migrate` run with both URLs; then each role tries its hand through its own connection.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.db import connection
from psycopg import errors

# One worker takes the whole module, so its installation is migrated once, not on each worker.
pytestmark = [pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="roles and grants are PostgreSQL's"),
              pytest.mark.xdist_group("database_roles")]

INSERT_EVENT = """INSERT INTO accounts_auditevent
    (at, actor_name, action, object_type, object_id, object_repr, changes)
    VALUES (now(), 'intruder', 'update', 'people.person', '1', '张三', '{}')"""


def _url(role: str, database: str) -> str:
    settings = connection.settings_dict
    return (f"postgres://{role}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
            f"/{database}")


def _admin() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                           user=settings["USER"], password=settings["PASSWORD"] or None,
                           dbname="postgres", autocommit=True)


@pytest.fixture(scope="module")
def installation():
    """An owner, an app role and a database migrated by `songnuan migrate` with both URLs."""
    tag = uuid.uuid4().hex[:8]
    owner, app, database = f"sn_owner_{tag}", f"sn_app_{tag}", f"sn_roles_{tag}"
    with _admin() as admin:
        admin.execute(f"CREATE ROLE {owner} LOGIN")
        admin.execute(f"CREATE ROLE {app} LOGIN")
        admin.execute(f"CREATE DATABASE {database} OWNER {owner}")
    try:
        env = {key: value for key, value in os.environ.items()
               if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "DEMO")}
        env.update(DATABASE_URL=_url(app, database), MIGRATE_DATABASE_URL=_url(owner, database),
                   SECRET_KEY="roles-test-secret-key",
                   FIELD_ENCRYPTION_KEY="roles-test-field-encryption-key-0123456789")
        done = subprocess.run([sys.executable, "-m", "songnuan.cli", "migrate", "-v", "1"],
                              env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        assert f"Granted the app's role {app}" in done.stdout
        yield {"owner": _url(owner, database), "app": _url(app, database)}
    finally:
        with _admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.execute(f"DROP ROLE IF EXISTS {app}")
            admin.execute(f"DROP ROLE IF EXISTS {owner}")


def _refused(url: str, statement: str) -> type[Exception] | None:
    """The error class a statement meets on its own connection, or None when it ran."""
    with psycopg.connect(url) as conn:
        try:
            conn.execute(statement)
        except psycopg.Error as error:
            return type(error)
    return None


def _count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM accounts_auditevent").fetchone()[0]


def test_the_tables_belong_to_the_owner_not_to_the_app(installation):
    with psycopg.connect(installation["app"]) as conn:
        owners = {row[0] for row in conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")}
    assert owners == {installation["owner"].split("//")[1].split("@")[0]}


def test_the_app_role_adds_to_the_log_and_reads_it(installation):
    before = _count(installation["app"])
    assert _refused(installation["app"], INSERT_EVENT) is None
    assert _count(installation["app"]) == before + 1


@pytest.mark.parametrize("statement", [
    "TRUNCATE accounts_auditevent",
    "DELETE FROM accounts_auditevent",
    "UPDATE accounts_auditevent SET actor_name = 'nobody'",
    "ALTER TABLE accounts_auditevent DISABLE TRIGGER USER",
    "ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_no_truncate",
    "DROP TABLE accounts_auditevent",
])
def test_the_app_role_cannot_empty_rewrite_or_unprotect_the_log(installation, statement):
    assert _refused(installation["app"], INSERT_EVENT) is None
    before = _count(installation["app"])
    assert _refused(installation["app"], statement) is errors.InsufficientPrivilege
    assert _count(installation["app"]) == before


def test_the_app_role_still_writes_every_other_table(installation):
    statement = ("INSERT INTO accounts_organisation (name, kind, phone, is_active)"
                 " VALUES ('市南区慈善会', 'partner', '', true)")
    assert _refused(installation["app"], statement) is None
    assert _refused(installation["app"], "DELETE FROM accounts_organisation") is None


def test_the_app_role_cannot_fake_a_migration(installation):
    statement = ("INSERT INTO django_migrations (app, name, applied)"
                 " VALUES ('accounts', '9999_fake', now())")
    assert _refused(installation["app"], statement) is errors.InsufficientPrivilege


def test_even_the_owner_cannot_truncate_or_rewrite_the_log(installation):
    assert _refused(installation["app"], INSERT_EVENT) is None
    before = _count(installation["owner"])
    assert _refused(installation["owner"], "TRUNCATE accounts_auditevent") is \
        errors.RaiseException
    assert _refused(installation["owner"], "DELETE FROM accounts_auditevent") is \
        errors.RaiseException
    assert _count(installation["owner"]) == before > 0


def test_tables_created_later_by_the_owner_are_open_to_the_app(installation):
    assert _refused(installation["owner"], "CREATE TABLE later_table (id serial PRIMARY KEY)") \
        is None
    assert _refused(installation["app"], "INSERT INTO later_table DEFAULT VALUES") is None


def test_the_grants_can_be_printed_for_a_database_administrator(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("grant_app_role", "songnuan_app", "--print", stdout=out)
    statements = out.getvalue()
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "accounts_auditevent" FROM "songnuan_app";' \
        in statements
    assert "ALTER DEFAULT PRIVILEGES" in statements
