"""The protocol's default rules for the city served, proposed when the city is set up.

The drop rule keeps the national figures of the CMA cold-wave signal (寒潮预警信号, CMA Order
No. 16, 2007), which measure a change and so hold in any climate:

    blue    minimum falls 8 °C or more within 48 h to 4 °C or below, wind force 5 or more
    yellow  10 °C within 24 h to 4 °C or below, force 6        orange  12 °C to 0 °C or below
    red     16 °C within 24 h to 0 °C or below, force 6

(the rule's defaults: the blue signal's 8 °C and 4 °C over the yellow signal's 24 hours, so it
fires before the signal is issued). The low-temperature thresholds are absolute, so they move
with the city's winter: with T the estimated typical January night (`geo.climate`), cold alert
at T + 5 °C, severe cold at T and extreme cold at T − 5 °C, rounded to whole degrees and never
warmer than the cold-wave signal's own floors (4 °C, 0 °C, and −4 °C for extreme cold), which
count as cold anywhere. At 36°N north of the Qinling–Huaihe line that gives 0, −5 and −10 °C,
the rules' model defaults; in Harbin −19, −24 and −29 °C, so an ordinary Harbin night is not
the red alert it would be on the Yellow Sea coast.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from songnuan.geo import climate
from songnuan.weather.engine import DEFAULT_WARNING_LEVELS
from songnuan.weather.models import ProtocolRules

# A record's name, as the station's is (救助管理站): the bureau's own document title.
RULES_NAME = "{city}低温应急响应规则（默认）"
ALERT_ABOVE_TYPICAL_C = 5.0
EXTREME_BELOW_TYPICAL_C = 5.0
WARMEST = {"alert_min_c": 4.0, "severe_min_c": 0.0, "extreme_min_c": -4.0}


def thresholds(winter: climate.Winter) -> dict[str, float]:
    typical = winter.typical_night_c
    found = {"alert_min_c": typical + ALERT_ABOVE_TYPICAL_C, "severe_min_c": typical,
             "extreme_min_c": typical - EXTREME_BELOW_TYPICAL_C}
    return {name: float(round(min(value, WARMEST[name])) or 0.0)
            for name, value in found.items()}


def basis(city_name: str, winter: climate.Winter) -> dict[str, Any]:
    return {"city": city_name, "latitude": winter.latitude, "north": winter.north_of_line,
            "typical_night_c": winter.typical_night_c}


def describe_basis(data: dict[str, Any]) -> str:
    """How a version's defaults were estimated, in the reader's language."""
    if not data:
        return ""
    side = (_("north of the Qinling–Huaihe line") if data.get("north")
            else _("south of the Qinling–Huaihe line"))
    return _("Proposed for %(city)s from its latitude (%(lat).1f°N, %(side)s): a typical "
             "January night about %(typical).0f °C.") % {
        "city": data.get("city", ""), "lat": data.get("latitude", 0), "side": side,
        "typical": data.get("typical_night_c", 0)}


def summary(rules: ProtocolRules) -> str:
    return _("cold alert at or below %(alert).0f °C, severe cold %(severe).0f °C, extreme cold "
             "%(extreme).0f °C; a drop of %(drop).0f °C within %(hours)d h to %(to).0f °C") % {
        "alert": rules.alert_min_c, "severe": rules.severe_min_c,
        "extreme": rules.extreme_min_c, "drop": rules.drop_c, "hours": rules.drop_hours,
        "to": rules.drop_to_c}


def default_values(code: str, name: str, winter: climate.Winter) -> dict[str, Any]:
    """Field values of a new rules version for this city (the rest keep the model defaults)."""
    return {"name": RULES_NAME.format(city=name), "city_code": code,
            "basis": basis(name, winter), **thresholds(winter),
            "warning_levels": {k: list(v) for k, v in DEFAULT_WARNING_LEVELS.items()}}
