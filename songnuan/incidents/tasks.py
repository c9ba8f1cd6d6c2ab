"""Background work of incidents: the reporting chains' next steps, once a minute."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.incidents import escalation
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def escalate_incidents() -> int:
    escalation.sync_open_steps()
    return escalation.send_due_steps()
