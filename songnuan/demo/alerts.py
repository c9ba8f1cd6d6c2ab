"""Demo alerts: run the background checks once at the demo's clock, and acknowledge the older
alerts as the people on duty would have, so the inbox shows both."""

from __future__ import annotations

import datetime

from songnuan.duty.models import Alert
from songnuan.outreach.alerts import alert_overdue_leads
from songnuan.tracing.casework import alert_overdue_steps

ACKNOWLEDGED_BEFORE = datetime.timedelta(hours=12)


def populate(ctx) -> None:
    alert_overdue_leads(ctx.now)
    alert_overdue_steps(ctx.now)
    older = Alert.objects.filter(created_at__lt=ctx.now - ACKNOWLEDGED_BEFORE)
    for item in older:
        item.read_at = item.created_at + datetime.timedelta(minutes=ctx.rng.randint(2, 40))
        item.acknowledged_at = item.read_at + datetime.timedelta(minutes=ctx.rng.randint(0, 5))
    Alert.objects.bulk_update(older, ["read_at", "acknowledged_at"], batch_size=1000)
