"""Escalation timers (超时升级): a lead waiting too long for a squad, or a squad too long to arrive.

Thresholds are settings (`OUTREACH_ASSIGN_WITHIN_MIN`, `OUTREACH_ARRIVE_WITHIN_MIN`) multiplied by
the weather app's escalation factor for the district's cold-weather protocol level, so they
tighten as the cold deepens. Follow-up delays work the same way with `follow_up_delay`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from songnuan.weather import protocol as weather
from songnuan.weather.levels import ProtocolLevel

# Used only when the weather app does not provide its own factors (see module docstring).
LOCAL_ESCALATION_FACTORS = {
    ProtocolLevel.NORMAL: 1.0,
    ProtocolLevel.COLD_ALERT: 0.75,
    ProtocolLevel.SEVERE_COLD: 0.5,
    ProtocolLevel.EXTREME_COLD: 0.33,
}
LOCAL_FOLLOW_UP_FACTORS = {
    ProtocolLevel.NORMAL: 1.0,
    ProtocolLevel.COLD_ALERT: 0.5,
    ProtocolLevel.SEVERE_COLD: 0.25,
    ProtocolLevel.EXTREME_COLD: 0.125,
}
FOLLOW_UP_MIN_DELAY = datetime.timedelta(hours=1)


class Overdue(StrEnum):
    ASSIGNMENT = "assignment"
    ARRIVAL = "arrival"


OVERDUE_LABELS = {
    Overdue.ASSIGNMENT: _("Waiting too long for a squad"),
    Overdue.ARRIVAL: _("Squad too long to arrive"),
}


@dataclass(frozen=True)
class Thresholds:
    assign_within: datetime.timedelta
    arrive_within: datetime.timedelta
    level: ProtocolLevel


def escalation_factor(district_id: int | None, at: datetime.datetime | None = None) -> float:
    provided = getattr(weather, "escalation_factor", None)
    if provided is not None:
        return float(provided(district_id, at))
    return LOCAL_ESCALATION_FACTORS[ProtocolLevel(weather.protocol_level(district_id, at))]


def thresholds(district_id: int | None, at: datetime.datetime | None = None) -> Thresholds:
    factor = escalation_factor(district_id, at)
    return Thresholds(
        assign_within=datetime.timedelta(minutes=settings.OUTREACH_ASSIGN_WITHIN_MIN * factor),
        arrive_within=datetime.timedelta(minutes=settings.OUTREACH_ARRIVE_WITHIN_MIN * factor),
        level=ProtocolLevel(weather.protocol_level(district_id, at)),
    )


def thresholds_by_district(district_ids: Iterable[int | None], at: datetime.datetime
                           ) -> dict[int | None, Thresholds]:
    """`thresholds` for many districts from one protocol query (the board's whole queue)."""
    levels: dict[int | None, ProtocolLevel] = dict(
        weather.protocol_levels({pk for pk in district_ids if pk is not None}, at))
    levels[None] = ProtocolLevel(weather.protocol_level(None, at))
    return {pk: Thresholds(
        assign_within=datetime.timedelta(
            minutes=settings.OUTREACH_ASSIGN_WITHIN_MIN * weather.escalation_factor_of(level)),
        arrive_within=datetime.timedelta(
            minutes=settings.OUTREACH_ARRIVE_WITHIN_MIN * weather.escalation_factor_of(level)),
        level=level,
    ) for pk, level in levels.items()}


def overdue(*, reported_at: datetime.datetime, assigned_at: datetime.datetime | None,
            arrived_at: datetime.datetime | None, now: datetime.datetime,
            limits: Thresholds) -> tuple[Overdue, datetime.timedelta] | None:
    """What a lead is overdue for, and by how much; None while it is on time or done."""
    if arrived_at is not None:
        return None
    if assigned_at is None:
        late = now - reported_at - limits.assign_within
        return (Overdue.ASSIGNMENT, late) if late > datetime.timedelta(0) else None
    late = now - assigned_at - limits.arrive_within
    return (Overdue.ARRIVAL, late) if late > datetime.timedelta(0) else None


def follow_up_delay(district_id: int | None, at: datetime.datetime | None = None
                    ) -> datetime.timedelta:
    """How long after a refusal to go back: `OUTREACH_FOLLOW_UP_HOURS`, sooner under protocol."""
    normal = datetime.timedelta(hours=settings.OUTREACH_FOLLOW_UP_HOURS)
    provided = getattr(weather, "follow_up_delay", None)
    if provided is not None:
        return provided(district_id, at, normal)
    factor = LOCAL_FOLLOW_UP_FACTORS[ProtocolLevel(weather.protocol_level(district_id, at))]
    return max(normal * factor, min(normal, FOLLOW_UP_MIN_DELAY))


def follow_up_due(encountered_at: datetime.datetime, district_id: int | None
                  ) -> datetime.datetime:
    """When to revisit someone who refused help at `encountered_at`."""
    return encountered_at + follow_up_delay(district_id, encountered_at)
