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
