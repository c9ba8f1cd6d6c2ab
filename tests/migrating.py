"""Tests of data migrations: move the test database to a past schema, write rows as they were
then, migrate forward, and leave the newest schema behind for the tests that follow (the
`latest_schema_after` fixture of tests/conftest.py)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` (app, migration) and return the apps as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
