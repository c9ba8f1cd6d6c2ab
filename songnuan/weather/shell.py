"""What the weather app adds to every staff page: the protocol banner, stale-data alert, cards."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import scope_of
from songnuan.network.models import District
from songnuan.shell import Banner, Panel
from songnuan.weather.alerts import describe
from songnuan.weather.intake import freshness, stale_message
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.protocol import current_campaign, current_decisions
from songnuan.words import listed

VIEW = "weather.view_protocoldecision"
NAMES_SHOWN = 3
LINES_SHOWN = 3
BANNER_TONES = {ProtocolLevel.COLD_ALERT: "info", ProtocolLevel.SEVERE_COLD: "warn",
                ProtocolLevel.EXTREME_COLD: "alert"}


def _district_ids(user) -> list[int] | None:
    """The districts whose level this user should see; None for the whole city."""
    scope = scope_of(user)
    if scope.reach is Reach.CITY:
        return None
    return sorted(scope.district_ids)


def active_decisions(user, now=None) -> list:
    ids = _district_ids(user)
    if ids is None:
        ids = list(District.objects.values_list("pk", flat=True))
    decisions = current_decisions(ids, now)
    return sorted((d for d in decisions.values() if d.level > ProtocolLevel.NORMAL),
                  key=lambda d: (-d.level, d.district.code))


def _until(decision) -> str:
    until = decision.until
    if until is None:
        return _("until further notice")
    return _("until %(time)s") % {"time": timezone.localtime(until).strftime("%m-%d %H:%M")}


def protocol_banner(request: HttpRequest) -> Banner | None:
    """The level in force, why and until when, on every page of staff who follow the weather."""
    user = request.user
    if not user.has_perm(VIEW):
        return None
    active = active_decisions(user)
    if not active:
        return None
    top = active[0]
    level = ProtocolLevel(top.level)
    reason = describe(top.rule, top.data)
    if len(active) == 1:
        text = _("Cold-weather protocol: %(level)s in %(district)s, %(until)s") % {
            "level": level.label, "district": top.district, "until": _until(top)}
        details = [reason]
    else:
        text = _("Cold-weather protocol in %(n)d districts, up to %(level)s") % {
            "n": len(active), "level": level.label}
        details = _alike(active)
        details.append(_("%(district)s: %(reason)s") % {"district": top.district,
                                                        "reason": reason})
    return Banner(text, tone=BANNER_TONES[level], url=reverse("weather:overview"),
                  details=details)


def _alike(decisions: list) -> list[str]:
    """One line per level and end, naming its districts: on a phone, ten districts under the
    same red warning take one line, not ten."""
    alike: dict[tuple[int, str], list[str]] = {}
    for decision in decisions:
        alike.setdefault((decision.level, _until(decision)), []).append(str(decision.district))
    lines = []
    for (level, until), names in alike.items():
        shown = listed(names[:NAMES_SHOWN])
        if len(names) > NAMES_SHOWN:
            shown = _("%(names)s and %(more)d more") % {"names": shown,
                                                          "more": len(names) - NAMES_SHOWN}
        lines.append(f"{shown} {ProtocolLevel(level).label} {until}")
    return lines[:LINES_SHOWN]  # the rest are on the overview the banner links to


def stale_banner(request: HttpRequest) -> Banner | None:
    """An alert to whoever keeps the weather data current when it has gone stale."""
    if not request.user.has_perm("weather.add_forecast"):
        return None
    state = freshness()
    if not state.is_stale:
        return None
    return Banner(stale_message(state), tone="alert", url=reverse("weather:import"))


def panels(user) -> list[Panel]:
    if not user.has_perm(VIEW):
        return []
    active = active_decisions(user)
    top = ProtocolLevel(active[0].level) if active else ProtocolLevel.NORMAL
    hint = top.label if active else _("No district is under the cold-weather protocol.")
    found = [Panel(_("Districts under the cold-weather protocol"), reverse("weather:overview"),
                   count=len(active), hint=hint, tone=BANNER_TONES.get(top, "ok"), order=20)]
    campaign = current_campaign()
    if campaign is not None and user.has_perm("weather.view_campaign"):
        today = timezone.localdate()
        found.append(Panel(
            campaign.name, reverse("weather:campaign"),
            count=max(0, (today - campaign.starts_on).days + 1),
            hint=_("Day of the campaign; it runs to %(end)s.") % {
                "end": campaign.ends_on.isoformat()}, order=30))
    return found
