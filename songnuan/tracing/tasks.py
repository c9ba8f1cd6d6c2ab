"""Background work of tracing: moving cases along their legal deadlines, telling who is late."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.scheduling import periodic
from songnuan.tracing import services


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def advance_cases() -> int:
    """Cases past 10 days become stranded, past 3 months open settlement; overdue steps alert."""
    moved = services.advance_cases()
    services.alert_overdue_steps()
    return moved
