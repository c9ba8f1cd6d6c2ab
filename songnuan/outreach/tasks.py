"""Background work of street outreach: telling the leader on duty about overdue leads and about
districts short of squads."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.outreach import alerts
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def alert_overdue_leads() -> int:
    return alerts.alert_overdue_leads()


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def alert_squads_short() -> int:
    return alerts.alert_squads_short()
