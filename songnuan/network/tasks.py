"""Background work of the network: posting the messages queued for partner cities."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.network import partners
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def deliver_partner_messages() -> int:
    """Post the messages to partner cities whose time has come (new ones, and retries whose
    pause is over); return how many were acknowledged."""
    return partners.deliver_due()
