"""Background work: polling the weather feed and re-deciding the protocol on a cadence."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks import task

from songnuan.scheduling import periodic
from songnuan.weather import feed
from songnuan.weather.campaign import propose_extension_if_needed
from songnuan.weather.evaluation import evaluate_all
from songnuan.weather.intake import alert_if_stale
from songnuan.weather.overrides import notice_expired_overrides


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
    changed = evaluate_all()
    notice_expired_overrides()
    alert_if_stale()
    propose_extension_if_needed()
    return changed
