"""Background work of the duty app: severe alerts nobody acknowledged go up to the city, and
roster gaps in the coming hours are told to the district administrators."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.duty import coverage, services
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def escalate_alerts() -> int:
    return services.escalate_unacknowledged()


@periodic(every=datetime.timedelta(minutes=15))
@task(queue_name="periodic")
def alert_coverage_gaps() -> int:
    return coverage.alert_gaps()
