"""Periodic jobs go through the real database task backend and its worker."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from songnuan.accounts.models import LoginFailure
from songnuan.models import PeriodicRun
from songnuan.scheduling import enqueue_due, jobs


@pytest.fixture
def old_failure(transactional_db):
    """The worker closes connections between tasks, as it must: no test transaction to hide in."""
    failure = LoginFailure.objects.create(username="someone", ip="10.0.0.1")
    LoginFailure.objects.filter(pk=failure.pk).update(
        at=timezone.now() - datetime.timedelta(days=2)
    )
    return failure


def test_the_project_registers_its_periodic_jobs():
    names = {job.name for job in jobs()}
    assert "songnuan.accounts.tasks.forget_login_failures" in names
    assert "songnuan.tasks.housekeeping" in names


def _mid_slot():
    """A time well inside every job's slot, so that a second later is still the same slot."""
    return timezone.now().replace(minute=7, second=0, microsecond=0)


def test_each_slot_is_enqueued_once(db):
    now = _mid_slot()
    first = enqueue_due(now)
    again = enqueue_due(now + datetime.timedelta(seconds=1))
    assert "songnuan.accounts.tasks.forget_login_failures" in first
    assert "songnuan.accounts.tasks.forget_login_failures" not in again
    assert DBTaskResult.objects.filter(
        task_path="songnuan.accounts.tasks.forget_login_failures"
    ).count() == 1


def test_the_next_slot_is_enqueued_again(db):
    now = _mid_slot()
    enqueue_due(now)
    later = enqueue_due(now + datetime.timedelta(hours=1, minutes=1))
    assert "songnuan.accounts.tasks.forget_login_failures" in later
    assert PeriodicRun.objects.filter(job="songnuan.accounts.tasks.forget_login_failures").count() \
        == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_enqueued_jobs(old_failure):
    recent = LoginFailure.objects.create(username="someone", ip="10.0.0.1")
    enqueue_due()
    call_command("db_worker", "--batch", "--queue-name=*", "--no-startup-delay", verbosity=0)
    assert not LoginFailure.objects.filter(pk=old_failure.pk).exists()
    assert LoginFailure.objects.filter(pk=recent.pk).exists()
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
