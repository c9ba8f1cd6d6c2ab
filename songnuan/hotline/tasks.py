"""Hotline housekeeping: recordings past their retention period are deleted, and logged."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.hotline import services
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def purge_expired_recordings() -> int:
    return len(services.purge_expired_recordings())
