"""Weather's changes as alerts to the people on duty.

Weather publishes a `LevelChange` when a district's protocol level is decided or overridden
and a `StaleWeather` when its data stops coming; duty listens (see `DutyConfig.ready`) and
tells the district's leader on duty, with whoever registered to hear of protocol changes too,
or the city duty officer.
"""

from __future__ import annotations

from django.urls import reverse

from songnuan.duty.models import Severity, Topic
from songnuan.duty.services import alert, also_told
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.protocol import LevelChange, StaleWeather


def level_changed(change: LevelChange) -> None:
    """Tell the district's leader on duty (and the registered others) of a new level."""
    decision = change.decision
    severity = (Severity.SEVERE if change.level >= ProtocolLevel.SEVERE_COLD
                else Severity.WARNING if change.level > ProtocolLevel.NORMAL else Severity.INFO)
    alert(decision.district, topic=Topic.PROTOCOL, text=change.message,
          url=reverse("weather:overview"), key=f"protocol:{decision.pk}", severity=severity,
          also=also_told(Topic.PROTOCOL, decision.district, decision.decided_at),
          at=decision.decided_at)


def weather_went_stale(stale: StaleWeather) -> None:
    """Tell the city duty officer, once per stale spell."""
    alert(None, topic=Topic.WEATHER_STALE, text=stale.message,
          url=reverse("weather:overview"), key=f"weather-stale:{stale.at:%Y%m%d%H%M%S}",
          severity=Severity.WARNING, at=stale.at)
