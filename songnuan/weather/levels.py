"""The cold-weather protocol's levels, shared by the models, the engine and the services."""

from __future__ import annotations

from enum import IntEnum

from django.utils.translation import gettext_lazy as _


class ProtocolLevel(IntEnum):
    NORMAL = 0
    COLD_ALERT = 1
    SEVERE_COLD = 2
    EXTREME_COLD = 3

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])

    @property
    def tone(self) -> str:
        return LEVEL_TONES[self]


LEVEL_LABELS = {
    ProtocolLevel.NORMAL: _("Normal"),
    ProtocolLevel.COLD_ALERT: _("Cold alert"),
    ProtocolLevel.SEVERE_COLD: _("Severe cold"),
    ProtocolLevel.EXTREME_COLD: _("Extreme cold"),
}
LEVEL_TONES = {
    ProtocolLevel.NORMAL: "ok",
    ProtocolLevel.COLD_ALERT: "info",
    ProtocolLevel.SEVERE_COLD: "warn",
    ProtocolLevel.EXTREME_COLD: "alert",
}
