"""The demo is reproducible: the same seed and demo clock give the same data, load after load."""

from __future__ import annotations

import datetime
from contextlib import suppress

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from songnuan import demo
from songnuan.leads.models import Lead, RewardClaim

# A demo clock away from the wall clock, so anything stamped with the load time shows up.
DEMO_NOW = timezone.make_aware(datetime.datetime(2027, 1, 15, 21, 30))
# Salted password hashes and reporters' key digests are secrets: random by design.
SECRETS = {"password", "key_hash"}
# The audit log records the load itself (when, and the row ids it wrote).
RECORDS_OF_THE_LOAD = {"accounts.AuditEvent"}


class Rollback(Exception):
    """Undo a load, so the next one starts from the same empty database."""


def comparable_fields(model) -> list[str]:
    """Fields that hold the demo's content, not row ids (keys, random UUIDs pairing rows) or the
    moment a row was written."""
    return [field.attname for field in model._meta.concrete_fields
            if not field.primary_key
            and not isinstance(field, models.ForeignKey | models.UUIDField)
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


def load_and_snapshot(seed: int) -> dict[str, tuple[int, list[str]]]:
    restart_row_ids()
    with suppress(Rollback), transaction.atomic():
        demo.load(seed=seed, size="small", now=DEMO_NOW)
        assert not RewardClaim.objects.filter(created_at__gt=DEMO_NOW).exists()
        assert not Lead.objects.filter(received_at__gt=DEMO_NOW).exists()
        taken = snapshot()
        raise Rollback
    return taken


def test_the_same_seed_gives_the_same_demo_twice(db):
    first = load_and_snapshot(7)
    second = load_and_snapshot(7)
    assert first["leads.Lead"][0] > 100 and first["leads.RewardClaim"][0] > 0
    differing = [label for label in first if first[label] != second[label]]
    assert differing == []
