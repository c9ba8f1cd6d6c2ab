"""Periodic jobs: background tasks that the worker enqueues on a fixed cadence.

    @periodic(every=timedelta(minutes=5))
    @task(queue_name="periodic")
    def check_deadlines() -> int: ...

Jobs live in each app's `tasks.py`; the worker imports them all and enqueues each job once per
time slot (SLA timers, weather polling, report generation).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from songnuan.models import PeriodicRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a django_tasks Task
    every: datetime.timedelta

    def slot(self, now: datetime.datetime) -> int:
        return int(now.timestamp() // self.every.total_seconds())


_jobs: dict[str, PeriodicJob] = {}


def periodic(every: datetime.timedelta):
    def register(task_obj):
        name = task_obj.module_path
        _jobs[name] = PeriodicJob(name, task_obj, every)
        return task_obj

    return register


def jobs() -> list[PeriodicJob]:
    autodiscover_modules("tasks")
    return sorted(_jobs.values(), key=lambda job: job.name)


def enqueue_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=job.slot(now))
                job.task.enqueue()
        except IntegrityError:
            continue  # another worker took this slot
        enqueued.append(job.name)
    return enqueued


def forget_old_runs(now: datetime.datetime | None = None, keep_days: int = 7) -> int:
    now = now or timezone.now()
    deleted, _ = PeriodicRun.objects.filter(
        enqueued_at__lt=now - datetime.timedelta(days=keep_days)
    ).delete()
    return deleted


def doubling_pause(attempts: int, first_minutes: float, most_minutes: float
                   ) -> datetime.timedelta:
    """The pause after the `attempts`-th failed try of something sent out: `first_minutes`,
    then twice as long each time, never more than `most_minutes`."""
    return datetime.timedelta(
        minutes=min(most_minutes, first_minutes * 2 ** max(0, attempts - 1)))
