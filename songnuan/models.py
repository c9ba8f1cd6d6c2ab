"""Bookkeeping of the project itself."""

from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    """One time slot of a periodic job that has been enqueued.

    The unique (job, slot) pair lets several workers run the scheduler without enqueueing the
    same slot twice.
    """

    job = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]


class WorkerHeartbeat(models.Model):
    """A running worker's sign of life, written every few seconds (see songnuan.worker).

    The web side reads the newest beat to tell whether anything is still running the tasks,
    sending the text messages and enqueueing the periodic jobs; a task a worker was running when
    its beats stopped is recovered by the next worker.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    current_task = models.CharField(max_length=300, blank=True)
    current_task_id = models.CharField(max_length=40, blank=True)
    # Set by a graceful stop: the worker is gone, and said so.
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id})"
