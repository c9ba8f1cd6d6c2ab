"""The priority score of a lead and its explanation ("+3 lying on the ground, +2 −6 °C").

The notice's focus (三(三)): severe cold, sudden drops in temperature, late night and early
morning, and focus places such as underpasses and bridge culverts. Each reason is stored as a
code with its points and parameters, so the explanation is rendered in the reader's language.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.leads.models import Flag, Lead
from songnuan.weather import protocol as weather

FLAG_POINTS = {
    Flag.LYING_DOWN: 3, Flag.CHILD: 3, Flag.INJURED_ILL: 3, Flag.UNDERDRESSED: 2,
    Flag.ELDERLY: 2, Flag.CONFUSED: 2, Flag.INTOXICATED: 2,
}
# (at or below °C, points): the first threshold the temperature meets applies.
COLD_POINTS = ((-10.0, 4), (-5.0, 3), (0.0, 2), (5.0, 1))
FORECAST_HOURS = 6
FORECAST_DROP_C = 3.0  # a drop at least this big over the next hours earns a point
HIGH_RISK_HOTSPOT = 3
# What a reporter sees that can kill within hours of cold: someone lying on the ground (losing
# heat to it), injured or ill, a child; an old person not dressed for the cold.
DANGER_FLAGS = frozenset({Flag.LYING_DOWN, Flag.INJURED_ILL, Flag.CHILD})
DANGER_TOGETHER = frozenset({Flag.ELDERLY, Flag.UNDERDRESSED})


@dataclass(frozen=True)
class Conditions:
    """The weather a lead arrives in: temperature now and later, and the protocol level."""

    now_c: float | None
    later_c: float | None
    level: int


# (district id, minute) → (read at, conditions): in a surge every report in a district within a
# minute shares one reading instead of three queries each. Saving a forecast or a protocol
# decision clears it in this process; other server processes see the change within the TTL.
_conditions: dict[tuple[int | None, int], tuple[float, Conditions]] = {}


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    params: dict

    def as_json(self) -> dict:
        return {"code": self.code, "points": self.points, "params": self.params}


def night_points(local: datetime.datetime) -> int:
    """Deep night (00–05) is when people freeze; evening and dawn count a little."""
    if 0 <= local.hour < 5:
        return 2
    if local.hour >= 22 or local.hour < 7:
        return 1
    return 0


def cold_points(temperature: float | None) -> int:
    if temperature is None:
        return 0
    for threshold, points in COLD_POINTS:
        if temperature <= threshold:
            return points
    return 0


def waiting_points(waited: datetime.timedelta) -> int:
    step = datetime.timedelta(minutes=settings.LEADS_WAITING_STEP_MINUTES)
    return min(settings.LEADS_WAITING_MAX_POINTS, max(0, int(waited / step)))


def base_reasons(lead: Lead, *, burst: int = 0, seen_in: dict[str, str] | None = None
                 ) -> list[Reason]:
    """Every reason that does not change while the lead waits, worked out at intake.
    `seen_in`: the flags no box was ticked for, and where they were seen instead ("description",
    or the tracking code of another report of the same person)."""
    at = lead.received_at or timezone.now()
    seen_in = seen_in or {}
    reasons = [Reason("flag", FLAG_POINTS[Flag(flag)],
                      {"flag": flag, "seen_in": seen_in[flag]} if flag in seen_in
                      else {"flag": flag})
               for flag in lead.flags if flag in Flag.values]
    if lead.people_count >= 2:
        reasons.append(Reason("people", 1, {"count": lead.people_count}))
    weather_then = conditions(lead.district_id, at)
    now_c, later_c = weather_then.now_c, weather_then.later_c
    if cold_points(now_c):
        reasons.append(Reason("cold", cold_points(now_c), {"temperature": now_c}))
    later = at + datetime.timedelta(hours=FORECAST_HOURS)
    if now_c is not None and later_c is not None and now_c - later_c >= FORECAST_DROP_C:
        reasons.append(Reason("dropping", 1, {
            "temperature": later_c, "time": timezone.localtime(later).strftime("%H:%M")}))
    if weather_then.level:
        reasons.append(Reason("protocol", weather_then.level, {"level": weather_then.level}))
    local = timezone.localtime(at)
    if night_points(local):
        reasons.append(Reason("night", night_points(local), {"time": local.strftime("%H:%M")}))
    if lead.hotspot_id is not None:
        points = 2 if lead.hotspot.risk_level >= HIGH_RISK_HOTSPOT else 1
        reasons.append(Reason("hotspot", points, {
            "name": lead.hotspot.name, "distance_m": round(lead.hotspot_distance_m or 0)}))
    if lead.trusted_reporter_id is not None:
        reasons.append(Reason("trusted", 1, {"organisation": str(lead.organisation or "")}))
    if burst >= settings.LEADS_BURST_THRESHOLD:
        reasons.append(Reason("burst", -settings.LEADS_BURST_PENALTY, {"count": burst}))
    return reasons


def work_out_again(lead: Lead, *, flags_set_by_staff: bool = False,
                   seen_in: dict[str, str] | None = None) -> None:
    """The lead's priority after a change, keeping what only intake knew: how many reports its
    source had just sent, and where each flag no box was ticked for was seen (unless staff have
    just set the flags themselves); `seen_in` adds flags seen since."""
    old = lead.priority_reasons or []
    burst = next((r["params"]["count"] for r in old if r["code"] == "burst"), 0)
    kept = {} if flags_set_by_staff else {
        r["params"]["flag"]: r["params"]["seen_in"] for r in old
        if r["code"] == "flag" and "seen_in" in r["params"]}
    reasons = base_reasons(lead, burst=burst, seen_in=kept | (seen_in or {}))
    lead.priority_reasons = [reason.as_json() for reason in reasons]
    lead.priority = score(lead.priority_reasons)


def conditions(district_id: int | None, at: datetime.datetime) -> Conditions:
    """The weather at `at` and FORECAST_HOURS later, read at most once a minute per district."""
    key = (district_id, int(at.timestamp() // 60))
    ttl = settings.LEADS_WEATHER_CACHE_S
    cached = _conditions.get(key)
    if cached is not None and time.monotonic() - cached[0] < ttl:
        return cached[1]
    later = at + datetime.timedelta(hours=FORECAST_HOURS)
    found = Conditions(weather.temperature_c(district_id, at),
                       weather.temperature_c(district_id, later),
                       int(weather.protocol_level(district_id, at)))
    if ttl > 0:
        if len(_conditions) > 1000:  # old minutes are never asked again
            _conditions.clear()
        _conditions[key] = (time.monotonic(), found)
    return found


def forget_conditions(**kwargs) -> None:
    """Drop the cached weather (connected to forecast, decision and settings changes)."""
    _conditions.clear()


def score(reasons: list[dict]) -> int:
    return sum(reason["points"] for reason in reasons)


def current_reasons(lead: Lead, now: datetime.datetime | None = None) -> list[dict]:
    """The stored reasons plus the points the lead has earned by waiting (while open)."""
    reasons = list(lead.priority_reasons)
    if lead.is_open:
        waited = (now or timezone.now()) - lead.received_at
        points = waiting_points(waited)
        if points:
            reasons.append({"code": "waiting", "points": points,
                            "params": {"minutes": int(waited.total_seconds() // 60)}})
    return reasons


def current_priority(lead: Lead, now: datetime.datetime | None = None) -> int:
    return score(current_reasons(lead, now))


def in_danger(flags) -> bool:
    flags = set(flags)
    return bool(flags & DANGER_FLAGS) or DANGER_TOGETHER.issubset(flags)


def plan_weight(priority: int, flags, waited: datetime.timedelta) -> float:
    """How much sooner a waiting lead should be reached than the others, for the night's plan:
    its priority with the points it has earned by waiting, times `DISPATCH_DANGER_WEIGHT` for
    someone in danger. Priority points alone barely set them apart: on a red night the weather
    adds the same eight or so points to every lead, and an hour's wait four more, so someone
    lying on the ground would be 12 against 9 for someone standing, and a squad 10 minutes
    nearer the one standing would go there first. When there are more leads than squads, those
    in danger go first."""
    return urgency(priority + waiting_points(waited), flags)


def urgency(priority_now: int, flags) -> float:
    """A lead's place in the queue: its priority including the wait, times
    `DISPATCH_DANGER_WEIGHT` for someone in danger (see `plan_weight`)."""
    weight = settings.DISPATCH_DANGER_WEIGHT if in_danger(flags) else 1
    return float(max(1, priority_now) * weight)


def explain(reason: dict) -> str:
    """One reason as the reader sees it: "+3 lying on the ground"."""
    code, params = reason["code"], reason.get("params", {})
    labels = dict(Flag.choices)
    if code == "flag":
        text = str(labels.get(params.get("flag"), params.get("flag")))
        if params.get("seen_in") == "description":
            text = _("%(sign)s (from the description)") % {"sign": text}
        elif params.get("seen_in"):
            text = _("%(sign)s (report %(code)s)") % {"sign": text, "code": params["seen_in"]}
    elif code == "people":
        text = _("%(count)s people") % params
    elif code == "cold":
        text = _("%(temperature)s °C now") % {"temperature": _degrees(params["temperature"])}
    elif code == "dropping":
        text = _("dropping to %(temperature)s °C by %(time)s") % {
            "temperature": _degrees(params["temperature"]), "time": params["time"]}
    elif code == "protocol":
        text = _("cold-weather protocol: %(level)s") % {
            "level": weather.ProtocolLevel(params["level"]).label}
    elif code == "night":
        text = _("at %(time)s") % params
    elif code == "hotspot":
        text = _("near %(name)s (%(distance_m)s m)") % params
    elif code == "trusted":
        text = _("trusted reporter %(organisation)s") % params
    elif code == "burst":
        text = _("one source sent %(count)s reports within the hour") % params
    elif code == "waiting":
        text = _("waiting %(minutes)s min") % params
    else:
        text = code
    points = reason["points"]
    return f"{'+' if points >= 0 else '−'}{abs(points)} {text}"


def _degrees(value: float) -> str:
    shown = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return shown.replace("-", "−")


def explanation(lead: Lead, now: datetime.datetime | None = None) -> list[str]:
    return [explain(reason) for reason in current_reasons(lead, now)]
