"""Small builders for weather tests: hourly series, warnings, rules."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import timezone

from songnuan.weather import engine
from songnuan.weather.models import Forecast, Source, WeatherWarning

T0 = timezone.make_aware(datetime.datetime(2026, 12, 1, 0, 0))
HOUR = datetime.timedelta(hours=1)


def hours(n: int) -> datetime.timedelta:
    return datetime.timedelta(hours=n)


def series(temps: Sequence[float], start: datetime.datetime = T0, wind: float = 0.0,
           precipitation: dict[int, str] | None = None) -> engine.Series:
    """An hourly engine series: temps[i] is the temperature of hour i from start."""
    precipitation = precipitation or {}
    return engine.Series(
        engine.Period(start + hours(i), start + hours(i + 1), t, t, wind,
                      precipitation.get(i, "none"))
        for i, t in enumerate(temps))


def signal(type_: str = "cold_wave", level: int = 1, start: int = 0, end: int = 24,
           issued: int | None = None, reference: str = "W1") -> engine.Signal:
    return engine.Signal(reference, type_, level, T0 + hours(start if issued is None else issued),
                         T0 + hours(start), T0 + hours(end))


def store_series(district, temps: Sequence[float], start: datetime.datetime = T0,
                 wind: float = 0.0) -> None:
    Forecast.objects.bulk_create(
        Forecast(district=district, starts_at=start + hours(i), ends_at=start + hours(i + 1),
                 min_c=t, max_c=t, wind_ms=wind, source=Source.MANUAL)
        for i, t in enumerate(temps))


def store_warning(district, type_: str = "cold_wave", level: int = 2, start: int = 0,
                  end: int = 24, reference: str = "QD-TEST-1") -> WeatherWarning:
    return WeatherWarning.objects.create(
        district=district, reference=reference, type=type_, level=level,
        issued_at=T0 + hours(start), valid_from=T0 + hours(start), valid_until=T0 + hours(end),
        source=Source.MANUAL)
