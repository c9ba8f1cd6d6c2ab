"""Camera housekeeping: the pictures of dismissed candidates go after the retention period."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.cameras import services
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def purge_dismissed_pictures() -> int:
    return len(services.purge_dismissed_pictures())
