"""Background work: delivering text messages and retrying the ones that failed."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.notify import services
from songnuan.scheduling import periodic


@task()
def deliver_sms(message_id: int) -> bool:
    """Hand one outbox message to the SMS backend (enqueued when its transaction commits)."""
    return services.deliver(message_id)


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def retry_failed_sms() -> int:
    """Send again the messages whose retry pause is over."""
    return services.retry_failed()
