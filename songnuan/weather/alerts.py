"""What weather tells people: the notices it keeps and the changes it publishes to listeners.

A level change or an override becomes a `ProtocolNotice` here and a `LevelChange` for whoever
listens (duty alerts the district's leader on duty); stale data becomes a `StaleWeather`.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from songnuan.weather.levels import LEVEL_LABELS, ProtocolLevel
from songnuan.weather.models import NoticeKind, ProtocolNotice
from songnuan.weather.protocol import LevelChange, StaleWeather, publish
from songnuan.words import for_the_record


def local_text(value: str | datetime.datetime | None) -> str:
    """A time as notices show it: local month-day hour:minute."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return date_format(timezone.localtime(value), "m-d H:i")


def notify_level_change(decision, previous: ProtocolLevel | None) -> None:
    level = ProtocolLevel(decision.level)
    if previous is None and level == ProtocolLevel.NORMAL:
        return  # the first record of a calm district is nobody's news
    with for_the_record():
        message, recipients = _level_change_text(decision, previous, level)
    ProtocolNotice.objects.create(
        district=decision.district, kind=NoticeKind.LEVEL_CHANGE, decision=decision,
        recipients=recipients, message=message[:500], created_at=decision.starts_at,
    )
    publish(LevelChange(decision, level, message))


def _level_change_text(decision, previous, level) -> tuple[str, str]:
    """The notice's text and recipients, in the bureau's language whoever set the level."""
    until = decision.until
    message = _("%(district)s: cold-weather protocol %(old)s → %(new)s from %(start)s%(until)s. "
                "%(reason)s") % {
        "district": decision.district,
        "old": previous.label if previous is not None else LEVEL_LABELS[ProtocolLevel.NORMAL],
        "new": level.label, "start": local_text(decision.starts_at),
        "until": (_(" until %(t)s") % {"t": local_text(until)}) if until else "",
        "reason": decision.reason,
    }
    return message, recipients_for(decision.district)


def recipients_for(district) -> str:
    return _("%(district)s leader on duty; %(district)s rescue squads") % {
        "district": district}


def recipients_duty_officer() -> str:
    return _("Duty officer, city rescue service centre")


def publish_stale(message: str, now: datetime.datetime) -> None:
    publish(StaleWeather(message, now))
