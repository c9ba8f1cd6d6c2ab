"""Background work of the duty app: severe alerts nobody acknowledged go up to the city."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.duty import services
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def escalate_alerts() -> int:
    return services.escalate_unacknowledged()
