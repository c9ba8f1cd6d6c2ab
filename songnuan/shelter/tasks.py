from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.scheduling import periodic
from songnuan.shelter.alerts import raise_alerts


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def raise_shelter_alerts() -> int:
    """Stay limits approaching or passed, and zones in use not disinfected today."""
    return raise_alerts()
