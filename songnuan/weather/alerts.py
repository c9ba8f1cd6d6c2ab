"""What weather tells people: the notices it keeps and the changes it publishes to listeners.

A level change or an override becomes a `ProtocolNotice` here, kept in the bureau's language,
and a `LevelChange` whose message each listener's reader gets in their own language (duty alerts
the district's leader on duty); stale data becomes a `StaleWeather`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from songnuan.weather.levels import LEVEL_LABELS, ProtocolLevel
from songnuan.weather.models import (
    NoticeKind,
    Precipitation,
    ProtocolNotice,
    WarningLevel,
    WarningType,
)
from songnuan.weather.protocol import LevelChange, StaleWeather, publish
from songnuan.words import for_the_record, said_to_each


def local_text(value: str | datetime.datetime | None) -> str:
    """A time as notices show it: local month-day hour:minute."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return date_format(timezone.localtime(value), "m-d H:i")


def describe(rule: str, data: dict[str, Any]) -> str:
    """A decision's reason in the reader's language, from its rule and data snapshot."""
    if rule == "threshold":
        felt = data.get("felt_c")
        if felt is not None and felt < data.get("min_c", felt) - 0.05:
            return _("Forecast low %(min).1f °C, feels like %(felt).1f °C with the wind, "
                     "from %(when)s") % {"min": data["min_c"], "felt": felt,
                                         "when": local_text(data.get("starts_at"))}
        return _("Forecast low %(min).1f °C from %(when)s") % {
            "min": data.get("min_c", 0), "when": local_text(data.get("starts_at"))}
    if rule == "sudden_drop":
        return _("Temperature drops %(drop).1f °C within %(hours)d h to %(min).1f °C at "
                 "%(when)s") % {"drop": data.get("drop_c", 0), "hours": data.get("hours", 24),
                                "min": data.get("min_c", 0),
                                "when": local_text(data.get("starts_at"))}
    if rule == "warning":
        return _("%(level)s %(type)s warning %(ref)s, valid %(start)s – %(end)s") % {
            "level": WarningLevel(data.get("colour", 1)).label,
            "type": WarningType(data.get("type", "cold_wave")).label,
            "ref": data.get("reference", ""), "start": local_text(data.get("valid_from")),
            "end": local_text(data.get("valid_until"))}
    if rule == "freezing_precipitation":
        return _("%(kind)s forecast overnight from %(when)s") % {
            "kind": Precipitation(data.get("precipitation", "snow")).label,
            "when": local_text(data.get("starts_at"))}
    if rule == "manual":
        return _("Manual override: %(reason)s") % {"reason": data.get("reason", "")}
    return _("No cold-weather reason in the forecast or warnings")


def notify_level_change(decision, previous: ProtocolLevel | None) -> None:
    level = ProtocolLevel(decision.level)
    if previous is None and level == ProtocolLevel.NORMAL:
        return  # the first record of a calm district is nobody's news
    with for_the_record():
        message = level_change_text(decision, previous)
        recipients = recipients_for(decision.district)
    ProtocolNotice.objects.create(
        district=decision.district, kind=NoticeKind.LEVEL_CHANGE, decision=decision,
        recipients=recipients, message=message[:500], created_at=decision.starts_at,
    )
    publish(LevelChange(decision, level, said_to_each(level_change_text, decision, previous)))


def level_change_text(decision, previous: ProtocolLevel | None) -> str:
    """An automatic decision's news in the language being spoken, its reason included."""
    level = ProtocolLevel(decision.level)
    until = decision.until
    return _("%(district)s: cold-weather protocol %(old)s → %(new)s from %(start)s%(until)s. "
             "%(reason)s") % {
        "district": decision.district,
        "old": previous.label if previous is not None else LEVEL_LABELS[ProtocolLevel.NORMAL],
        "new": level.label, "start": local_text(decision.starts_at),
        "until": (_(" until %(t)s") % {"t": local_text(until)}) if until else "",
        "reason": describe(decision.rule, decision.data),
    }


def recipients_for(district) -> str:
    return _("%(district)s leader on duty; %(district)s rescue squads") % {
        "district": district}


def recipients_duty_officer() -> str:
    return _("Duty officer, city rescue service centre")


def publish_stale(message: str | Promise, now: datetime.datetime) -> None:
    publish(StaleWeather(message, now))
