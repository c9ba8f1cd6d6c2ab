"""Background work: polling the weather feed and re-deciding the protocol on a cadence."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks import task

from songnuan.scheduling import periodic
from songnuan.weather import feed, services


@periodic(every=datetime.timedelta(minutes=settings.WEATHER_POLL_MINUTES))
@task(queue_name="periodic")
def poll_weather_feed() -> str:
    """Fetch the configured weather service; keep the last good data when it fails."""
    return feed.poll()


@periodic(every=datetime.timedelta(minutes=15))
@task(queue_name="periodic")
def review_protocol() -> int:
    """Re-decide every district (lead time and hold-off move with the clock), notice expired
    overrides and stale data, and propose a campaign extension when one is due."""
    changed = services.evaluate_all()
    services.notice_expired_overrides()
    services.alert_if_stale()
    services.propose_extension_if_needed()
    return changed
