"""The cold-weather protocol as the rest of the system reads it, and who hears of its changes.

Other apps call `protocol_level`, `protocol_active`, `temperature_c` and the effects
(`escalation_factor`, `patrol_frequency_factor`, `follow_up_delay`), and `current_campaign`.
Before any forecast or decision is recorded the answers come from settings
(WEATHER_FALLBACK_LEVEL, WEATHER_FALLBACK_TEMPERATURE_C), so callers never need to know whether
weather data exists.

Weather imports none of the apps that act on a change: they `listen` in their
`AppConfig.ready()` (as `people.timeline.register_source` does) and hear a `LevelChange` when a
district's level is decided or overridden, and `StaleWeather` when the data stops coming.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise

from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import Campaign, Forecast, ProtocolDecision


@dataclass(frozen=True)
class LevelChange:
    """A district's protocol level was decided or overridden; `message` says so to people, each
    in their own language when it is made a string (`words.said_to_each`)."""

    decision: ProtocolDecision
    level: ProtocolLevel
    message: str | Promise


@dataclass(frozen=True)
class StaleWeather:
    """The weather data went stale at `at` (once per stale spell); `message` as LevelChange's."""

    message: str | Promise
    at: datetime.datetime


_listeners: dict[type, list[Callable[[Any], None]]] = {}


def listen(event: type, listener: Callable[[Any], None]) -> None:
    """Call `listener(change)` whenever weather publishes a change of this kind."""
    registered = _listeners.setdefault(event, [])
    if listener not in registered:
        registered.append(listener)


def publish(change: LevelChange | StaleWeather) -> None:
    for listener in _listeners.get(type(change), []):
        listener(change)


def now_or(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def current_decision(district_id: int | None, at: datetime.datetime | None = None):
    """The decision in force in a district at a time: an override first, else the automatic one.

    One indexed query (district, is_override, starts_at).
    """
    if district_id is None:
        return None
    at = now_or(at)
    return (ProtocolDecision.objects
            .filter(district_id=district_id, starts_at__lte=at)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
            .order_by("-is_override", "-starts_at", "-pk").first())


def current_decisions(district_ids: Iterable[int], at: datetime.datetime | None = None) -> dict:
    """current_decision for many districts in one query: {district_id: decision}."""
    at = now_or(at)
    found: dict[int, Any] = {}
    rows = (ProtocolDecision.objects
            .filter(district_id__in=list(district_ids), starts_at__lte=at)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
            .select_related("district", "decided_by")
            .order_by("district_id", "-is_override", "-starts_at", "-pk"))
    for decision in rows:
        found.setdefault(decision.district_id, decision)
    return found


def _fallback_level() -> ProtocolLevel:
    return ProtocolLevel(getattr(settings, "WEATHER_FALLBACK_LEVEL", 0))


def protocol_level(district_id: int | None, at: datetime.datetime | None = None) -> ProtocolLevel:
    """The cold-weather protocol level in force in a district at a time (now by default)."""
    decision = current_decision(district_id, at)
    if decision is None:
        return _fallback_level()
    return ProtocolLevel(decision.level)


def protocol_levels(district_ids: Iterable[int],
                    at: datetime.datetime | None = None) -> dict[int, ProtocolLevel]:
    """protocol_level for many districts in one query."""
    ids = list(district_ids)
    decisions = current_decisions(ids, at)
    return {pk: ProtocolLevel(decisions[pk].level) if pk in decisions else _fallback_level()
            for pk in ids}


def protocol_active(district_id: int | None, at: datetime.datetime | None = None) -> bool:
    return protocol_level(district_id, at) > ProtocolLevel.NORMAL


def temperature_c(district_id: int | None, at: datetime.datetime | None = None) -> float | None:
    """The air temperature (°C) in a district at a time, or None when unknown.

    From the shortest recorded period covering the time; a daily period is read along a simple
    daily curve (coldest at 06:00, warmest at 14:00).
    """
    fallback = getattr(settings, "WEATHER_FALLBACK_TEMPERATURE_C", None)
    if district_id is None:
        return fallback
    at = now_or(at)
    rows = list(Forecast.objects.filter(
        district_id=district_id, starts_at__lte=at, ends_at__gt=at,
        starts_at__gte=at - datetime.timedelta(hours=48),
    ).only("starts_at", "ends_at", "min_c", "max_c"))
    if not rows:
        return fallback
    period = min(rows, key=lambda row: (row.ends_at - row.starts_at, -row.pk))
    if period.ends_at - period.starts_at <= datetime.timedelta(hours=3):
        return round((period.min_c + period.max_c) / 2, 1)
    return round(diurnal_c(period.min_c, period.max_c, timezone.localtime(at)), 1)


def diurnal_c(min_c: float, max_c: float, local: datetime.datetime) -> float:
    hour = local.hour + local.minute / 60
    # A cosine from the 06:00 minimum up to the 14:00 maximum and back.
    phase = (hour - 6) / 8 if 6 <= hour <= 14 else 1 - ((hour - 14) % 24) / 16
    return min_c + (max_c - min_c) * (1 - math.cos(math.pi * phase)) / 2


def _factor(name: str, level: ProtocolLevel) -> float:
    factors = getattr(settings, name)
    return float(factors[min(int(level), len(factors) - 1)])


def escalation_factor(district_id: int | None, at: datetime.datetime | None = None) -> float:
    """Multiplier (≤ 1) for the dispatch board's waiting-time escalation thresholds."""
    return escalation_factor_of(protocol_level(district_id, at))


def escalation_factor_of(level: ProtocolLevel) -> float:
    """The escalation multiplier a protocol level sets (for callers that batch the levels)."""
    return _factor("WEATHER_ESCALATION_FACTORS", level)


def patrol_frequency_factor(district_id: int | None,
                            at: datetime.datetime | None = None) -> float:
    """Multiplier (≥ 1) for the required patrol visits at hotspots and on night patrol plans."""
    return _factor("WEATHER_PATROL_FACTORS", protocol_level(district_id, at))


def follow_up_delay(district_id: int | None, at: datetime.datetime | None,
                    normal: datetime.timedelta) -> datetime.timedelta:
    """How soon to revisit someone who refused help: sooner under the protocol.

    Never sooner than WEATHER_FOLLOW_UP_MIN_MINUTES, unless the normal delay already is.
    """
    factor = _factor("WEATHER_FOLLOW_UP_FACTORS", protocol_level(district_id, at))
    floor = min(normal, datetime.timedelta(minutes=settings.WEATHER_FOLLOW_UP_MIN_MINUTES))
    return max(normal * factor, floor)


def current_campaign(at: datetime.datetime | datetime.date | None = None):
    """The campaign running on a day (today by default), else the latest one begun before it."""
    day = at or timezone.now()
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    campaigns = list(Campaign.objects.filter(starts_on__lte=day)
                     .prefetch_related("extensions").order_by("-starts_on"))
    for campaign in campaigns:
        if campaign.covers(day):
            return campaign
    return campaigns[0] if campaigns else None


def active_districts(district_ids: Iterable[int | None],
                     at: datetime.datetime) -> set[int | None]:
    """The districts among these where the protocol is active at `at` (one query)."""
    levels = protocol_levels(set(district_ids), at)
    return {pk for pk, level in levels.items() if level > ProtocolLevel.NORMAL}
