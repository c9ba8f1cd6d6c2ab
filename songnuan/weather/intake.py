"""Weather data in: a parsed batch kept all or nothing, warnings lifted early, each feed's last
result, and whether the data is still fresh enough to decide on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from songnuan.network.models import District
from songnuan.network.services import districts_for
from songnuan.refusals import Conflict, Refused
from songnuan.weather.alerts import local_text, publish_stale, recipients_duty_officer
from songnuan.weather.evaluation import active_rules, evaluate_district
from songnuan.weather.importing import Batch
from songnuan.weather.models import (
    FeedStatus,
    Forecast,
    NoticeKind,
    ProtocolNotice,
    WeatherWarning,
)
from songnuan.weather.protocol import now_or
from songnuan.words import for_the_record, said_to_each


class BatchRefused(Refused):
    """A batch refused for its problems, each listed in `problems` for the page and the API."""

    def __init__(self, message, problems: list[str]) -> None:
        super().__init__(message, code="invalid_batch")
        self.problems = problems

def check_scope(batch: Batch, *, by) -> None:
    """Staff may only bring in weather for districts they work in."""
    allowed = set(districts_for(by).values_list("pk", flat=True))
    rows = [*batch.forecasts, *batch.warnings]
    if any(set(row.district_ids) - allowed for row in rows):
        batch.error(_("district"), _("You may only enter weather for your own district."))


@dataclass
class ImportResult:
    forecasts: int
    warnings: int
    changed_districts: int


def apply_batch(batch: Batch, source: str, *, by=None, feed: str | None = None,
                now: datetime.datetime | None = None) -> ImportResult:
    """Keep a parsed batch, all or nothing, then re-evaluate the districts it touched.

    Refuses a batch with errors, and warnings that overlap a stored one of the same type and
    district (unless they name it in `replaces`) or that change a warning's district.
    """
    now = now_or(now)
    if batch.errors:
        record_feed_result(feed or source, now, error="; ".join(batch.errors[:3]))
        raise BatchRefused(_("The data was not imported: %(n)d problems.")
                           % {"n": len(batch.errors)}, batch.errors)
    touched: set[int] = set()
    try:
        with transaction.atomic():
            for row in batch.forecasts:
                for district_id in row.district_ids:
                    Forecast.objects.update_or_create(
                        district_id=district_id, starts_at=row.starts_at, ends_at=row.ends_at,
                        defaults={"min_c": row.min_c, "max_c": row.max_c,
                                  "wind_ms": row.wind_ms, "precipitation": row.precipitation,
                                  "issued_at": now, "source": source, "entered_by": by})
                    touched.add(district_id)
            for row in batch.warnings:
                for district_id in row.district_ids:
                    _store_warning(row, district_id, source, by)
                    touched.add(district_id)
    except BatchRefused as error:
        record_feed_result(feed or source, now, error=str(error))
        raise
    record_feed_result(feed or source, now)
    rules = active_rules()
    changed = 0
    for district in District.objects.filter(pk__in=touched):
        changed += evaluate_district(district, now, rules)[1]
    return ImportResult(len(batch.forecasts), len(batch.warnings), changed)


def _store_warning(row, district_id: int, source: str, by) -> None:
    clashes = WeatherWarning.objects.select_for_update().filter(
        district_id=district_id, type=row.type, valid_from__lt=row.valid_until,
        valid_until__gt=row.valid_from, cancelled_at__isnull=True,
    ).exclude(reference=row.reference)
    for other in clashes:
        if other.reference != row.replaces:
            message = _("%(row)s: overlaps stored warning %(other)s of the same type and "
                        "district; name it in “replaces” if this one supersedes it.") % {
                "row": row.row, "other": other.reference}
            raise BatchRefused(message, [message])
        # An upgrade or downgrade (CMA practice): the earlier signal ends where this begins.
        other.cancelled_at = max(row.valid_from, other.valid_from)
        other.save()
    WeatherWarning.objects.update_or_create(
        district_id=district_id, reference=row.reference,
        defaults={"type": row.type, "level": row.level, "issued_at": row.issued_at,
                  "valid_from": row.valid_from, "valid_until": row.valid_until,
                  "text": row.text, "source": source, "cancelled_at": row.lifted_at,
                  "entered_by": by})


def lift_warning(warning, *, by, now: datetime.datetime | None = None):
    """The issuer lifted a warning early (解除预警)."""
    now = now_or(now)
    if warning.cancelled_at is not None or warning.valid_until <= now:
        raise Conflict(_("This warning is no longer in force."))
    with transaction.atomic():
        warning.cancelled_at = max(now, warning.valid_from)
        warning.save()
    return evaluate_district(warning.district, now)


def record_feed_result(name: str, now: datetime.datetime, error: str = "") -> None:
    status, _created = FeedStatus.objects.get_or_create(name=name)
    status.last_attempt_at = now
    if error:
        status.failures += 1
        status.last_error = error[:500]
    else:
        status.failures = 0
        status.last_error = ""
        status.last_success_at = now
        status.stale_noticed_at = None
    status.save()


@dataclass(frozen=True)
class Freshness:
    is_stale: bool
    last_good_at: datetime.datetime | None
    last_error: str
    horizon: datetime.datetime | None  # the end of the furthest forecast


def freshness(now: datetime.datetime | None = None) -> Freshness:
    """Is the weather data recent enough to decide on?

    Stale when the feed is on or data has come in before, and nothing good has arrived for
    WEATHER_STALE_HOURS or the forecasts no longer reach the rules' lead time ahead.
    """
    now = now_or(now)
    statuses = list(FeedStatus.objects.all())
    last_good = max((s.last_success_at for s in statuses if s.last_success_at), default=None)
    errors = [s for s in statuses if s.last_error]
    last_error = max(errors, key=lambda s: s.last_attempt_at).last_error if errors else ""
    horizon = Forecast.objects.aggregate(end=Max("ends_at"))["end"]
    expected = bool(settings.WEATHER_ENDPOINT) or last_good is not None
    if not expected:
        return Freshness(False, None, last_error, horizon)
    too_old = last_good is None or now - last_good > datetime.timedelta(
        hours=settings.WEATHER_STALE_HOURS)
    lead = datetime.timedelta(hours=active_rules().lead_hours)
    too_short = horizon is None or horizon < now + lead
    return Freshness(too_old or too_short, last_good, last_error, horizon)


def alert_if_stale(now: datetime.datetime | None = None) -> bool:
    """Tell the duty officer once per stale spell; True when the data is stale."""
    now = now_or(now)
    state = freshness(now)
    if not state.is_stale:
        return False
    status, _created = FeedStatus.objects.get_or_create(name="feed")
    if status.stale_noticed_at is None:
        status.stale_noticed_at = now
        status.save(update_fields=["stale_noticed_at"])
        with for_the_record():
            ProtocolNotice.objects.create(
                kind=NoticeKind.STALE_DATA, recipients=recipients_duty_officer(),
                created_at=now, message=stale_message(state)[:500])
        publish_stale(said_to_each(stale_message, state), now)
    return True


def stale_message(state: Freshness) -> str:
    last = local_text(state.last_good_at) if state.last_good_at else _("never")
    message = _("Weather data is stale: last good data %(last)s; the protocol is decided on "
                "the last good data.") % {"last": last}
    if state.last_error:
        message += " " + _("Last error: %(error)s") % {"error": state.last_error[:200]}
    return message
