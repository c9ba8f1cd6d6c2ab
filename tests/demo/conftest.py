"""One small Qingdao demo for the tests of this package, loaded once per test session (per
pytest-xdist worker) and read by each test in a transaction of its own.

Loading the demo is the slow part of these tests; all but one only read what it made. So the
demo is loaded inside a transaction that stays open while the package's tests run and is rolled
back after the last of them. Each test's own transaction is a savepoint inside it, rolled back as
usual, so a test that writes leaves the next one the same demo. The one test that needs two
loads, that the same seed and clock give the same data, compares the kept load with a first one
made (and rolled back) just before it from the same empty database.

The tests that use it are one group for pytest-xdist (`--dist loadgroup`): one worker runs them
one after another and loads the demo once.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction

from tests.conftest import forget_process_caches, kept_for_the_tests_that_follow

# The demo clock: early winter, the season's cold waves behind it; away from the wall clock, so
# anything stamped with the moment of loading shows up.
DEMO_CLOCK = "2026-11-29T11:30"
# Salted password hashes and reporters' key digests are secrets: random by design.
SECRETS = {"password", "key_hash", "key_id", "secret_encrypted"}
# Written when a job ran, not by the demo.
WRITTEN_BY_JOBS = {"ranked_at"}
# The audit log records the load itself (when, and the row ids it wrote).
RECORDS_OF_THE_LOAD = {"accounts.AuditEvent"}


@dataclass(frozen=True)
class LoadedDemo:
    printed: str  # what `songnuan demo` printed: the logins
    first_load: dict[str, tuple[int, list[str]]]  # a snapshot of an earlier, rolled-back load


class Rollback(Exception):
    """Undo a load, so the next one starts from the same empty database."""


def comparable_fields(model) -> list[str]:
    """Fields that hold the demo's content, not row ids (keys, random UUIDs pairing rows), the
    names storage gives uploaded files, or the moment a row was written."""
    return [field.attname for field in model._meta.concrete_fields
            if not field.primary_key
            and not isinstance(field, models.ForeignKey | models.UUIDField | models.FileField)
            and field.name not in WRITTEN_BY_JOBS
            and not getattr(field, "auto_now", False)
            and not getattr(field, "auto_now_add", False) and field.name not in SECRETS]


def snapshot() -> dict[str, tuple[int, list[str]]]:
    tables = {}
    for model in apps.get_models():
        if not model.__module__.startswith("songnuan."):
            continue
        rows = model.objects.values_list(*comparable_fields(model))
        content = ([] if model._meta.label in RECORDS_OF_THE_LOAD
                   else sorted(repr(row) for row in rows))
        tables[model._meta.label] = (model.objects.count(), content)
    return tables


def restart_row_ids() -> None:
    """PostgreSQL sequences survive a rollback; the demo's keys such as "demo:<person id>" do
    not, so each load starts its ids where a fresh database would."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)


def load_demo() -> str:
    """`songnuan demo --size small --now DEMO_CLOCK` from an empty database; what it printed."""
    forget_process_caches()
    restart_row_ids()
    printed = StringIO()
    call_command("demo", "--size", "small", "--now", DEMO_CLOCK, stdout=printed)
    return printed.getvalue()


def snapshot_of_a_load() -> dict[str, tuple[int, list[str]]]:
    taken = {}
    try:
        with transaction.atomic():
            load_demo()
            taken = snapshot()
            raise Rollback
    except Rollback:
        pass
    return taken


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The small demo, in the database for the package's tests (which each also need `db`)."""
    with kept_for_the_tests_that_follow(django_db_blocker):
        first_load = snapshot_of_a_load()
        yield LoadedDemo(printed=load_demo(), first_load=first_load)
