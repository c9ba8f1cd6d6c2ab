"""The cold-weather protocol's rule engine: weather in, a level and its reason out.

Pure Python over plain records, so the same code decides live, replays a past season for the
"test these rules" page, and is tested on crafted series. The level at a time `t` is the highest
level any rule gives for weather in the window [t − hold-off, t + lead time]:

* the lead time activates the protocol before the cold night, not after it;
* the hold-off keeps a level for that long after its last reason, so levels do not flap.

Rules (each threshold is a field of `ProtocolRules`):
* forecast minimum at or below a threshold, optionally as wind chill (felt temperature) —
  London's SWEP starts at any night below freezing, New York's Code Blue at 0 °C or below
  including wind chill;
* a sudden drop: the temperature falls by at least `drop_c` against the same time `drop_hours`
  earlier (the CMA's 24-hour temperature change, 24小时变温) and ends at or below `drop_to_c`,
  as in the CMA cold-wave signal (寒潮预警信号);
* an official warning in force of a listed type and colour (CMA warning-signal scheme);
* freezing rain, sleet or snow during the night.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from songnuan.weather.levels import ProtocolLevel

HOUR = datetime.timedelta(hours=1)
INSTANT = datetime.timedelta(microseconds=1)
LOOKAHEAD = datetime.timedelta(hours=96)  # how far "until when" looks into the forecast
LONGEST_PERIOD = datetime.timedelta(hours=48)
FREEZING_PRECIPITATION = frozenset({"freezing_rain", "sleet", "snow"})
WARNING_TYPES = ("cold_wave", "low_temperature", "blizzard", "road_icing", "gale", "freezing")
# Protocol level for a blue, yellow, orange and red signal of each type.
DEFAULT_WARNING_LEVELS: dict[str, list[int]] = {
    "cold_wave": [1, 2, 3, 3],
    "low_temperature": [1, 2, 3, 3],
    "blizzard": [1, 2, 3, 3],
    "road_icing": [1, 1, 2, 2],
    "gale": [0, 0, 1, 2],
    "freezing": [1, 2, 3, 3],
}
# Rule names, strongest reason first when two give the same level.
RULE_ORDER = ("warning", "threshold", "sudden_drop", "freezing_precipitation")
# Beaufort scale lower bounds (m/s) for forces 1..12.
BEAUFORT_MS = (0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7)


@dataclass(frozen=True)
class Period:
    """Weather over [starts_at, ends_at): an hour or a day of a forecast or observation."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    min_c: float
    max_c: float
    wind_ms: float = 0.0
    precipitation: str = "none"


@dataclass(frozen=True)
class Signal:
    """An official warning as the engine sees it."""

    reference: str
    type: str
    level: int  # 1 blue … 4 red
    issued_at: datetime.datetime
    valid_from: datetime.datetime
    valid_until: datetime.datetime  # already cut short when it was lifted


@dataclass(frozen=True)
class RuleSet:
    alert_min_c: float = 0.0
    severe_min_c: float = -5.0
    extreme_min_c: float = -10.0
    use_wind_chill: bool = True
    drop_c: float = 8.0
    drop_hours: int = 24
    drop_to_c: float = 4.0
    drop_level: int = 2
    freezing_level: int = 2
    night_starts_hour: int = 18
    night_ends_hour: int = 8
    warning_levels: dict[str, list[int]] = field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_WARNING_LEVELS.items()})
    lead_hours: int = 12
    hold_hours: int = 24
    version: int | None = None

    @classmethod
    def from_model(cls, rules: Any) -> RuleSet:
        levels = {k: list(v) for k, v in DEFAULT_WARNING_LEVELS.items()}
        levels.update({k: list(v) for k, v in (rules.warning_levels or {}).items()})
        return cls(
            alert_min_c=rules.alert_min_c, severe_min_c=rules.severe_min_c,
            extreme_min_c=rules.extreme_min_c, use_wind_chill=rules.use_wind_chill,
            drop_c=rules.drop_c, drop_hours=rules.drop_hours, drop_to_c=rules.drop_to_c,
            drop_level=rules.drop_level, freezing_level=rules.freezing_level,
            night_starts_hour=rules.night_starts_hour, night_ends_hour=rules.night_ends_hour,
            warning_levels=levels, lead_hours=rules.lead_hours, hold_hours=rules.hold_hours,
            version=rules.pk,
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "version": self.version, "alert_min_c": self.alert_min_c,
            "severe_min_c": self.severe_min_c, "extreme_min_c": self.extreme_min_c,
            "use_wind_chill": self.use_wind_chill, "drop_c": self.drop_c,
            "drop_hours": self.drop_hours, "drop_to_c": self.drop_to_c,
            "lead_hours": self.lead_hours, "hold_hours": self.hold_hours,
        }


@dataclass(frozen=True)
class Trigger:
    """One reason for a level: which rule, from when to when, and the data it looked at."""

    level: ProtocolLevel
    rule: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class Assessment:
    at: datetime.datetime
    level: ProtocolLevel
    trigger: Trigger | None
    expected_until: datetime.datetime | None
    triggers: tuple[Trigger, ...] = ()


def wind_chill_c(temperature_c: float, wind_ms: float) -> float:
    """Felt temperature (JAG/TI 2001 wind-chill index, as used by the US NWS and Canada).

    Defined for air at or below 10 °C and wind above 4.8 km/h; elsewhere the air temperature.
    """
    wind_kmh = wind_ms * 3.6
    if temperature_c > 10 or wind_kmh <= 4.8:
        return temperature_c
    factor = wind_kmh**0.16
    return min(temperature_c,
               13.12 + 0.6215 * temperature_c - 11.37 * factor + 0.3965 * temperature_c * factor)


def beaufort(wind_ms: float) -> int:
    return bisect.bisect_right(BEAUFORT_MS, wind_ms)


def threshold_level(felt_c: float, rules: RuleSet) -> ProtocolLevel:
    if felt_c <= rules.extreme_min_c:
        return ProtocolLevel.EXTREME_COLD
    if felt_c <= rules.severe_min_c:
        return ProtocolLevel.SEVERE_COLD
    if felt_c <= rules.alert_min_c:
        return ProtocolLevel.COLD_ALERT
    return ProtocolLevel.NORMAL


def overlaps_night(period: Period, rules: RuleSet) -> bool:
    """Does the period touch the night (for example 18:00–08:00 local time)?"""
    if period.ends_at - period.starts_at >= datetime.timedelta(hours=24):
        return True
    hour = period.starts_at
    while hour < period.ends_at:
        local = hour.astimezone(period.starts_at.tzinfo).hour
        if rules.night_starts_hour > rules.night_ends_hour:
            at_night = local >= rules.night_starts_hour or local < rules.night_ends_hour
        else:
            at_night = rules.night_starts_hour <= local < rules.night_ends_hour
        if at_night:
            return True
        hour += HOUR
    return False


def _iso(value: datetime.datetime) -> str:
    return value.isoformat()


class Series:
    """Forecast periods of one district, sorted, with lookups by time."""

    def __init__(self, periods: Iterable[Period]) -> None:
        self.periods = sorted(periods, key=lambda p: (p.starts_at, p.ends_at))
        self.starts = [p.starts_at for p in self.periods]
        # A period's triggers depend only on it, its neighbours and the rules: replays over a
        # season ask for the same period dozens of times.
        self._triggers: dict[tuple[int, int], list[Trigger]] = {}
        self._rules_alive: list[RuleSet] = []

    def triggers(self, period: Period, rules: RuleSet) -> list[Trigger]:
        key = (id(period), id(rules))
        found = self._triggers.get(key)
        if found is None:
            self._rules_alive.append(rules)  # keeps id(rules) from being reused meanwhile
            found = self._triggers[key] = _period_triggers(period, self, rules)
        return found

    def overlapping(self, start: datetime.datetime, end: datetime.datetime) -> list[Period]:
        first = bisect.bisect_left(self.starts, start - LONGEST_PERIOD)
        last = bisect.bisect_left(self.starts, end)
        return [p for p in self.periods[first:last] if p.ends_at > start]

    def at(self, instant: datetime.datetime) -> Period | None:
        """The shortest period covering the instant (an hour beats a day)."""
        covering = self.overlapping(instant, instant + INSTANT)
        covering = [p for p in covering if p.starts_at <= instant]
        return min(covering, key=lambda p: p.ends_at - p.starts_at, default=None)


def triggers_for(window: tuple[datetime.datetime, datetime.datetime], at: datetime.datetime,
                 series: Series, signals: Sequence[Signal], rules: RuleSet) -> list[Trigger]:
    start, end = window
    found: list[Trigger] = []
    for period in series.overlapping(start, end):
        found.extend(series.triggers(period, rules))
    for signal in signals:
        if signal.issued_at > at or signal.valid_from >= end or signal.valid_until <= start:
            continue
        levels = rules.warning_levels.get(signal.type, [0, 0, 0, 0])
        level = ProtocolLevel(max(0, min(3, levels[signal.level - 1])))
        if level:
            found.append(Trigger(level, "warning", signal.valid_from, signal.valid_until, {
                "reference": signal.reference, "type": signal.type, "colour": signal.level,
                "valid_from": _iso(signal.valid_from), "valid_until": _iso(signal.valid_until),
            }))
    return found


def _period_triggers(period: Period, series: Series, rules: RuleSet) -> list[Trigger]:
    found = []
    base = {"starts_at": _iso(period.starts_at), "ends_at": _iso(period.ends_at),
            "min_c": period.min_c, "wind_ms": period.wind_ms}
    felt = wind_chill_c(period.min_c, period.wind_ms) if rules.use_wind_chill else period.min_c
    level = threshold_level(felt, rules)
    if level:
        found.append(Trigger(level, "threshold", period.starts_at, period.ends_at,
                             {**base, "felt_c": round(felt, 1)}))
    before = series.at(period.starts_at - datetime.timedelta(hours=rules.drop_hours))
    if before is not None:
        drop = before.min_c - period.min_c
        if drop >= rules.drop_c and period.min_c <= rules.drop_to_c and rules.drop_level:
            found.append(Trigger(
                ProtocolLevel(rules.drop_level), "sudden_drop", period.starts_at, period.ends_at,
                {**base, "drop_c": round(drop, 1), "hours": rules.drop_hours,
                 "before_c": before.min_c},
            ))
    if (period.precipitation in FREEZING_PRECIPITATION and rules.freezing_level
            and overlaps_night(period, rules)):
        found.append(Trigger(ProtocolLevel(rules.freezing_level), "freezing_precipitation",
                             period.starts_at, period.ends_at,
                             {**base, "precipitation": period.precipitation}))
    return found


def assess(at: datetime.datetime, series: Series, signals: Sequence[Signal], rules: RuleSet,
           with_until: bool = True) -> Assessment:
    """The level the rules give at `at`, the reason that decides it and when it should end."""
    hold = datetime.timedelta(hours=rules.hold_hours)
    lead = datetime.timedelta(hours=rules.lead_hours)
    # The window includes the instant itself (and whatever starts right at its far end).
    triggers = triggers_for((at - hold, at + lead + INSTANT), at, series, signals, rules)
    if not triggers:
        return Assessment(at, ProtocolLevel.NORMAL, None, None)
    level = max(trigger.level for trigger in triggers)
    strongest = [t for t in triggers if t.level == level]
    # The reason shown: the one nearest to now (in force, else the soonest), official first.
    main = min(strongest, key=lambda t: (
        0 if t.starts_at <= at < t.ends_at else 1, abs((t.starts_at - at).total_seconds()),
        RULE_ORDER.index(t.rule)))
    until = expected_until(at, level, strongest, series, signals, rules) if with_until else None
    return Assessment(at, level, main, until, tuple(triggers))


def expected_until(at: datetime.datetime, level: ProtocolLevel, strongest: list[Trigger],
                   series: Series, signals: Sequence[Signal],
                   rules: RuleSet) -> datetime.datetime:
    """When the level should end as things are known now: the end of the run of reasons at
    this level or above (gaps shorter than the hold-off bridged), plus the hold-off."""
    hold = datetime.timedelta(hours=rules.hold_hours)
    end = max(t.ends_at for t in strongest)
    ahead = triggers_for((at, at + LOOKAHEAD), at, series, signals, rules)
    for trigger in sorted(ahead, key=lambda t: t.starts_at):
        if trigger.level < level or trigger.ends_at <= end:
            continue
        if trigger.starts_at > end + hold:
            break
        end = trigger.ends_at
    return end + hold


def replay(start: datetime.datetime, end: datetime.datetime, series: Series,
           signals: Sequence[Signal], rules: RuleSet,
           step: datetime.timedelta = HOUR) -> list[Assessment]:
    """Assess every `step` from start to end (exclusive), without the expected ends (assess the
    change points again for those)."""
    found = []
    at = start
    while at < end:
        found.append(assess(at, series, signals, rules, with_until=False))
        at += step
    return found


def changes(assessments: Sequence[Assessment]) -> list[Assessment]:
    """The assessments where the level differs from the one before (the first always counts)."""
    found: list[Assessment] = []
    for item in assessments:
        if not found or item.level != found[-1].level:
            found.append(item)
    return found
