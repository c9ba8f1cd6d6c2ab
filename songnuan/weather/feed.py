"""One poll of the weather service: fetch, check, keep — or record why not."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from songnuan.accounts.audit import acting_as
from songnuan.weather.adapters import FeedError, configured_adapter
from songnuan.weather.alerts import recipients_duty_officer
from songnuan.weather.importing import parse_document
from songnuan.weather.intake import BatchRefused, alert_if_stale, apply_batch, record_feed_result
from songnuan.weather.models import FeedStatus, NoticeKind, ProtocolNotice, Source

logger = logging.getLogger("songnuan.weather")
FEED = "feed"
# A failure notice every this many consecutive failures, not on every poll.
FAILURES_PER_NOTICE = 4


def poll(now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    try:
        adapter = configured_adapter()
    except FeedError as error:
        return _failed(str(error), now)
    if adapter is None:
        return "off"
    try:
        document = adapter.fetch()
    except FeedError as error:
        return _failed(str(error), now)
    batch = parse_document(document)
    try:
        with acting_as(None):
            result = apply_batch(batch, Source.FEED, feed=FEED, now=now)
    except BatchRefused as error:
        _notice_failure(now, "; ".join([str(error), *error.problems[:3]]))
        return f"rejected: {error}"
    return f"ok: {result.forecasts} forecasts, {result.warnings} warnings"


def _failed(message: str, now: datetime.datetime) -> str:
    logger.warning("weather feed failed: %s", message)
    record_feed_result(FEED, now, error=message)
    _notice_failure(now, message)
    alert_if_stale(now)
    return f"failed: {message}"


def _notice_failure(now: datetime.datetime, message: str) -> None:
    status = FeedStatus.objects.filter(name=FEED).first()
    if status is None or status.failures % FAILURES_PER_NOTICE != 1:
        return
    ProtocolNotice.objects.create(
        kind=NoticeKind.FEED_ERROR, recipients=recipients_duty_officer(),
        message=message[:500], created_at=now)
