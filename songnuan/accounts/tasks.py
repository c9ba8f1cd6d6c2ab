from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.accounts.lockout import prune_login_failures
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def forget_login_failures() -> int:
    return prune_login_failures()
