"""Weather and the cold-weather protocol, as the rest of the system asks about them.

Until forecasts and warnings are recorded, the answers come from settings
(WEATHER_FALLBACK_LEVEL, WEATHER_FALLBACK_TEMPERATURE_C), so callers never need to know
whether weather data exists.
"""

from __future__ import annotations

import datetime
from enum import IntEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProtocolLevel(IntEnum):
    NORMAL = 0
    COLD_ALERT = 1
    SEVERE_COLD = 2
    EXTREME_COLD = 3

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])


LEVEL_LABELS = {
    ProtocolLevel.NORMAL: _("Normal"),
    ProtocolLevel.COLD_ALERT: _("Cold alert"),
    ProtocolLevel.SEVERE_COLD: _("Severe cold"),
    ProtocolLevel.EXTREME_COLD: _("Extreme cold"),
}


def protocol_level(district_id: int | None, at: datetime.datetime | None = None) -> ProtocolLevel:
    """The cold-weather protocol level in force in a district at a time (now by default)."""
    return ProtocolLevel(getattr(settings, "WEATHER_FALLBACK_LEVEL", 0))


def protocol_active(district_id: int | None, at: datetime.datetime | None = None) -> bool:
    return protocol_level(district_id, at) > ProtocolLevel.NORMAL


def temperature_c(district_id: int | None, at: datetime.datetime | None = None) -> float | None:
    """The air temperature (°C) in a district at a time, or None when unknown."""
    return getattr(settings, "WEATHER_FALLBACK_TEMPERATURE_C", None)
