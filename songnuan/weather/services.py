"""Weather and the cold-weather protocol, as the rest of the system asks about them.

Other apps call `protocol_level`, `protocol_active`, `temperature_c` and the effects
(`escalation_factor`, `patrol_frequency_factor`, `follow_up_delay`), and `current_campaign`.
Before any forecast or decision is recorded the answers come from settings
(WEATHER_FALLBACK_LEVEL, WEATHER_FALLBACK_TEMPERATURE_C), so callers never need to know whether
weather data exists. The workflows below (imports, evaluation, overrides, rules, campaign) are
what this app's pages, API and background tasks run.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.weather import engine
from songnuan.weather.importing import Batch
from songnuan.weather.levels import LEVEL_LABELS, ProtocolLevel

__all__ = [
    "LEVEL_LABELS", "ProtocolLevel", "protocol_level", "protocol_active", "temperature_c",
    "escalation_factor", "escalation_factor_of", "patrol_frequency_factor", "follow_up_delay",
    "current_campaign",
]


class WeatherError(Exception):
    """A weather workflow refused its input; the message is translated and shown at the field."""

    def __init__(self, message: Any, field: str | None = None,
                 errors: list[str] | None = None) -> None:
        super().__init__(str(message))
        self.field = field
        self.errors = errors or [str(message)]


# --------------------------------------------------------------------------- the interface


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def current_decision(district_id: int | None, at: datetime.datetime | None = None):
    """The decision in force in a district at a time: an override first, else the automatic one.

    One indexed query (district, is_override, starts_at).
    """
    from songnuan.weather.models import ProtocolDecision

    if district_id is None:
        return None
    at = _now(at)
    return (ProtocolDecision.objects
            .filter(district_id=district_id, starts_at__lte=at)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
            .order_by("-is_override", "-starts_at", "-pk").first())


def current_decisions(district_ids: Iterable[int], at: datetime.datetime | None = None) -> dict:
    """current_decision for many districts in one query: {district_id: decision}."""
    from songnuan.weather.models import ProtocolDecision

    at = _now(at)
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
    from songnuan.weather.models import Forecast

    fallback = getattr(settings, "WEATHER_FALLBACK_TEMPERATURE_C", None)
    if district_id is None:
        return fallback
    at = _now(at)
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
    from songnuan.weather.models import Campaign

    day = at or timezone.now()
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    campaigns = list(Campaign.objects.filter(starts_on__lte=day)
                     .prefetch_related("extensions").order_by("-starts_on"))
    for campaign in campaigns:
        if campaign.covers(day):
            return campaign
    return campaigns[0] if campaigns else None


def districts_for(user):
    """The districts a member of staff works in (all of them for city-wide roles)."""
    from songnuan.accounts.roles import Reach
    from songnuan.accounts.scoping import scope_of
    from songnuan.network.models import District

    scope = scope_of(user)
    if scope.reach is Reach.CITY:
        return District.objects.all()
    return District.objects.filter(pk__in=scope.district_ids)


def check_scope(user, batch: Batch) -> None:
    """Staff may only bring in weather for districts they work in."""
    allowed = set(districts_for(user).values_list("pk", flat=True))
    rows = [*batch.forecasts, *batch.warnings]
    if any(set(row.district_ids) - allowed for row in rows):
        batch.error(_("district"), _("You may only enter weather for your own district."))


# --------------------------------------------------------------------------- reasons


RULE_LABELS = {
    "threshold": gettext_lazy("Forecast low"),
    "sudden_drop": gettext_lazy("Sudden temperature drop"),
    "warning": gettext_lazy("Weather warning"),
    "freezing_precipitation": gettext_lazy("Freezing rain or snow overnight"),
    "normal": gettext_lazy("No cold-weather reason"),
    "manual": gettext_lazy("Manual override"),
}


def _local(value: str | datetime.datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return date_format(timezone.localtime(value), "m-d H:i")


def describe(rule: str, data: dict[str, Any]) -> str:
    """A decision's reason in the reader's language, from its rule and data snapshot."""
    from songnuan.weather.models import Precipitation, WarningLevel, WarningType

    if rule == "threshold":
        felt = data.get("felt_c")
        if felt is not None and felt < data.get("min_c", felt) - 0.05:
            return _("Forecast low %(min).1f °C, feels like %(felt).1f °C with the wind, "
                     "from %(when)s") % {"min": data["min_c"], "felt": felt,
                                         "when": _local(data.get("starts_at"))}
        return _("Forecast low %(min).1f °C from %(when)s") % {
            "min": data.get("min_c", 0), "when": _local(data.get("starts_at"))}
    if rule == "sudden_drop":
        return _("Temperature drops %(drop).1f °C within %(hours)d h to %(min).1f °C at "
                 "%(when)s") % {"drop": data.get("drop_c", 0), "hours": data.get("hours", 24),
                                "min": data.get("min_c", 0),
                                "when": _local(data.get("starts_at"))}
    if rule == "warning":
        return _("%(level)s %(type)s warning %(ref)s, valid %(start)s – %(end)s") % {
            "level": WarningLevel(data.get("colour", 1)).label,
            "type": WarningType(data.get("type", "cold_wave")).label,
            "ref": data.get("reference", ""), "start": _local(data.get("valid_from")),
            "end": _local(data.get("valid_until"))}
    if rule == "freezing_precipitation":
        return _("%(kind)s forecast overnight from %(when)s") % {
            "kind": Precipitation(data.get("precipitation", "snow")).label,
            "when": _local(data.get("starts_at"))}
    if rule == "manual":
        return _("Manual override: %(reason)s") % {"reason": data.get("reason", "")}
    return _("No cold-weather reason in the forecast or warnings")


# --------------------------------------------------------------------------- rules


def active_rules(now: datetime.datetime | None = None):
    """The active rules version, created with the defaults the first time it is needed."""
    from songnuan.weather.models import ProtocolRules

    rules = ProtocolRules.objects.filter(is_active=True).first()
    if rules is None:
        rules, _created = ProtocolRules.objects.get_or_create(
            is_active=True, defaults={
                "name": _("Default rules"), "activated_at": now or timezone.now(),
                "warning_levels": {k: list(v) for k, v in engine.DEFAULT_WARNING_LEVELS.items()},
            })
    return rules


def draft_rules(user, base=None):
    """A new, inactive copy of a rules version (the active one by default) to edit and test."""
    from songnuan.weather.models import ProtocolRules

    base = base or active_rules()
    copy = ProtocolRules.objects.get(pk=base.pk)
    copy.pk = None
    copy.is_active = False
    copy.activated_at = None
    copy.created_by = user if getattr(user, "pk", None) else None
    copy.name = _("Draft of %(name)s") % {"name": base.name}
    copy._state.adding = True
    copy.save()
    return copy


@transaction.atomic
def activate_rules(rules, user=None, now: datetime.datetime | None = None):
    """Make this version the active one and re-evaluate every district with it."""
    from songnuan.weather.models import ProtocolRules

    ProtocolRules.objects.filter(is_active=True).exclude(pk=rules.pk).update(is_active=False)
    rules.is_active = True
    rules.activated_at = _now(now)
    rules.save()
    evaluate_all(now)
    return rules


# --------------------------------------------------------------------------- evaluation


def load_series(district_id: int, start: datetime.datetime,
                end: datetime.datetime) -> tuple[engine.Series, list[engine.Signal]]:
    """A district's forecasts and warnings around [start, end), as the engine sees them."""
    from songnuan.weather.models import Forecast, WeatherWarning

    periods = [
        engine.Period(row.starts_at, row.ends_at, row.min_c, row.max_c, row.wind_ms,
                      row.precipitation)
        for row in Forecast.objects.filter(
            district_id=district_id, starts_at__lt=end,
            starts_at__gte=start - engine.LONGEST_PERIOD)
    ]
    signals = [
        engine.Signal(row.reference, row.type, row.level, row.issued_at, row.valid_from,
                      row.effective_until)
        for row in WeatherWarning.objects.filter(
            district_id=district_id, valid_from__lt=end, valid_until__gt=start)
    ]
    return engine.Series(periods), signals


def _margins(rules: engine.RuleSet) -> tuple[datetime.timedelta, datetime.timedelta]:
    before = datetime.timedelta(hours=rules.hold_hours + rules.drop_hours + 1)
    after = datetime.timedelta(hours=rules.lead_hours + 1)
    return before, after


def evaluate_district(district, at: datetime.datetime | None = None, rules=None):
    """Decide the level for one district now (or at `at`) and record it if it changed."""
    rules = rules or active_rules()
    ruleset = engine.RuleSet.from_model(rules)
    at = _now(at)
    before, after = _margins(ruleset)
    series, signals = load_series(district.pk, at - before, at + after)
    assessment = engine.assess(at, series, signals, ruleset)
    return record_assessment(district, assessment, rules, ruleset)


def evaluate_all(at: datetime.datetime | None = None) -> int:
    """Evaluate every district; return how many changed level."""
    from songnuan.network.models import District

    rules = active_rules()
    changed = 0
    for district in District.objects.all():
        _decision, did_change = evaluate_district(district, at, rules)
        changed += did_change
    return changed


@transaction.atomic
def record_assessment(district, assessment: engine.Assessment, rules, ruleset: engine.RuleSet):
    """Start a new automatic decision when the level changes; else refresh its expected end.

    Returns (decision in force, whether the level changed).
    """
    from songnuan.weather.models import ProtocolDecision

    at = assessment.at
    current = (ProtocolDecision.objects.select_for_update()
               .filter(district=district, is_override=False, starts_at__lte=at)
               .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
               .order_by("-starts_at", "-pk").first())
    trigger = assessment.trigger
    rule = trigger.rule if trigger else "normal"
    data = {**(trigger.data if trigger else {}), "rules": ruleset.snapshot(),
            "reasons": len(assessment.triggers)}
    if current is not None and current.level == assessment.level:
        if current.expected_until != assessment.expected_until:
            current.expected_until = assessment.expected_until
            current.save(update_fields=["expected_until"])
        return current, False
    if current is not None:
        if current.starts_at == at:
            current.delete()
        else:
            current.ends_at = at
            current.save(update_fields=["ends_at"])
    decision = ProtocolDecision.objects.create(
        district=district, level=int(assessment.level), starts_at=at,
        expected_until=assessment.expected_until, rule=rule,
        reason=describe(rule, data)[:300], data=data, rules=rules, decided_at=at,
    )
    previous = ProtocolLevel(current.level) if current else None
    notify_level_change(decision, previous)
    # A calm district's first record changes nothing anyone sees.
    return decision, current is not None or assessment.level != ProtocolLevel.NORMAL


def notify_level_change(decision, previous: ProtocolLevel | None) -> None:
    from songnuan.weather.models import NoticeKind, ProtocolNotice

    level = ProtocolLevel(decision.level)
    if previous is None and level == ProtocolLevel.NORMAL:
        return  # the first record of a calm district is nobody's news
    until = decision.until
    message = _("%(district)s: cold-weather protocol %(old)s → %(new)s from %(start)s%(until)s. "
                "%(reason)s") % {
        "district": decision.district.name,
        "old": previous.label if previous is not None else LEVEL_LABELS[ProtocolLevel.NORMAL],
        "new": level.label, "start": _local(decision.starts_at),
        "until": (_(" until %(t)s") % {"t": _local(until)}) if until else "",
        "reason": decision.reason,
    }
    ProtocolNotice.objects.create(
        district=decision.district, kind=NoticeKind.LEVEL_CHANGE, decision=decision,
        recipients=recipients_for(decision.district), message=message[:500],
        created_at=decision.starts_at,
    )
    alert_duty_of_level_change(decision, level, message)


def alert_duty_of_level_change(decision, level: ProtocolLevel, message: str) -> None:
    """Tell the district's leader on duty and the members of its squads on shift."""
    from songnuan.duty.models import Severity, Topic
    from songnuan.duty.services import alert

    severity = (Severity.SEVERE if level >= ProtocolLevel.SEVERE_COLD
                else Severity.WARNING if level > ProtocolLevel.NORMAL else Severity.INFO)
    alert(decision.district, topic=Topic.PROTOCOL, text=message[:500],
          url=reverse("weather:overview"), key=f"protocol:{decision.pk}", severity=severity,
          also=squad_members_on_shift(decision.district, decision.decided_at),
          at=decision.decided_at)


def squad_members_on_shift(district, at: datetime.datetime) -> list:
    from songnuan.outreach.dispatch import squads_on_shift
    from songnuan.outreach.models import Squad, SquadMember

    squads = squads_on_shift(Squad.objects.filter(district=district, is_active=True), at)
    members = SquadMember.objects.filter(squad_id__in=squads).select_related("user")
    return [member.user for member in members]


def recipients_for(district) -> str:
    return _("%(district)s leader on duty; %(district)s rescue squads") % {
        "district": district.name}


def recipients_duty_officer() -> str:
    return _("Duty officer, city rescue service centre")


# --------------------------------------------------------------------------- overrides


MAX_OVERRIDE_HOURS = 72


@transaction.atomic
def set_override(district, level: int, reason: str, expires_at: datetime.datetime, user,
                 now: datetime.datetime | None = None):
    """A manual level for a district until it expires; any earlier override ends now."""
    from songnuan.weather.models import NoticeKind, ProtocolDecision, ProtocolNotice

    now = _now(now)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise WeatherError(_("Give the reason for the override."), "reason")
    if expires_at <= now:
        raise WeatherError(_("The override must expire in the future."), "expires_at")
    if expires_at - now > datetime.timedelta(hours=MAX_OVERRIDE_HOURS):
        raise WeatherError(_("An override lasts at most %(h)d hours; renew it if needed.")
                           % {"h": MAX_OVERRIDE_HOURS}, "expires_at")
    level = ProtocolLevel(int(level))
    for active in ProtocolDecision.objects.select_for_update().filter(
            district=district, is_override=True, starts_at__lte=now, ends_at__gt=now):
        _end(active, now)
    data = {"reason": reason, "by": user.get_username() if user else ""}
    decision = ProtocolDecision.objects.create(
        district=district, level=int(level), starts_at=now, ends_at=expires_at, rule="manual",
        reason=reason[:300], data=data, is_override=True, decided_by=user, decided_at=now,
    )
    notice = ProtocolNotice.objects.create(
        district=district, kind=NoticeKind.OVERRIDE, decision=decision,
        recipients=recipients_for(district), created_at=now,
        message=(_("%(district)s: cold-weather protocol set to %(level)s by %(user)s until "
                   "%(until)s: %(reason)s") % {
            "district": district.name, "level": level.label, "user": user,
            "until": _local(expires_at), "reason": reason})[:500],
    )
    alert_duty_of_level_change(decision, level, notice.message)
    return decision


def _end(decision, now: datetime.datetime) -> None:
    decision.ends_at = max(now, decision.starts_at + datetime.timedelta(seconds=1))
    decision.expiry_noticed = True
    decision.save(update_fields=["ends_at", "expiry_noticed"])


@transaction.atomic
def end_override(decision, user, now: datetime.datetime | None = None):
    from songnuan.weather.models import NoticeKind, ProtocolNotice

    now = _now(now)
    if not decision.is_override or decision.ends_at <= now:
        raise WeatherError(_("This override is no longer in force."))
    _end(decision, now)
    ProtocolNotice.objects.create(
        district=decision.district, kind=NoticeKind.OVERRIDE_ENDED, decision=decision,
        recipients=recipients_for(decision.district), created_at=now,
        message=(_("%(district)s: override ended by %(user)s; the automatic level %(level)s "
                   "applies again.") % {
            "district": decision.district.name, "user": user,
            "level": protocol_level(decision.district_id, now).label})[:500],
    )


def notice_expired_overrides(now: datetime.datetime | None = None) -> int:
    from songnuan.weather.models import NoticeKind, ProtocolDecision, ProtocolNotice

    now = _now(now)
    count = 0
    for decision in ProtocolDecision.objects.filter(
            is_override=True, ends_at__lte=now, expiry_noticed=False).select_related("district"):
        decision.expiry_noticed = True
        decision.save(update_fields=["expiry_noticed"])
        ProtocolNotice.objects.create(
            district=decision.district, kind=NoticeKind.OVERRIDE_ENDED, decision=decision,
            recipients=recipients_for(decision.district), created_at=now,
            message=(_("%(district)s: the override expired; the automatic level %(level)s "
                       "applies again.") % {
                "district": decision.district.name,
                "level": protocol_level(decision.district_id, now).label})[:500],
        )
        count += 1
    return count


# --------------------------------------------------------------------------- data in


@dataclass
class ImportResult:
    forecasts: int
    warnings: int
    changed_districts: int


def apply_batch(batch: Batch, source: str, user=None, feed: str | None = None,
                now: datetime.datetime | None = None) -> ImportResult:
    """Keep a parsed batch, all or nothing, then re-evaluate the districts it touched.

    Refuses a batch with errors, and warnings that overlap a stored one of the same type and
    district (unless they name it in `replaces`) or that change a warning's district.
    """
    from songnuan.network.models import District
    from songnuan.weather.models import Forecast

    now = _now(now)
    if batch.errors:
        record_feed_result(feed or source, now, error="; ".join(batch.errors[:3]))
        raise WeatherError(_("The data was not imported: %(n)d problems.")
                           % {"n": len(batch.errors)}, errors=batch.errors)
    touched: set[int] = set()
    try:
        with transaction.atomic():
            for row in batch.forecasts:
                for district_id in row.district_ids:
                    Forecast.objects.update_or_create(
                        district_id=district_id, starts_at=row.starts_at, ends_at=row.ends_at,
                        defaults={"min_c": row.min_c, "max_c": row.max_c,
                                  "wind_ms": row.wind_ms, "precipitation": row.precipitation,
                                  "issued_at": now, "source": source, "entered_by": user})
                    touched.add(district_id)
            for row in batch.warnings:
                for district_id in row.district_ids:
                    _store_warning(row, district_id, source, user)
                    touched.add(district_id)
    except WeatherError as error:
        record_feed_result(feed or source, now, error=str(error))
        raise
    record_feed_result(feed or source, now)
    rules = active_rules()
    changed = 0
    for district in District.objects.filter(pk__in=touched):
        changed += evaluate_district(district, now, rules)[1]
    return ImportResult(len(batch.forecasts), len(batch.warnings), changed)


def _store_warning(row, district_id: int, source: str, user) -> None:
    from songnuan.weather.models import WeatherWarning

    clashes = WeatherWarning.objects.select_for_update().filter(
        district_id=district_id, type=row.type, valid_from__lt=row.valid_until,
        valid_until__gt=row.valid_from, cancelled_at__isnull=True,
    ).exclude(reference=row.reference)
    for other in clashes:
        if other.reference != row.replaces:
            raise WeatherError(
                _("%(row)s: overlaps stored warning %(other)s of the same type and district; "
                  "name it in “replaces” if this one supersedes it.")
                % {"row": row.row, "other": other.reference})
        # An upgrade or downgrade (CMA practice): the earlier signal ends where this begins.
        other.cancelled_at = max(row.valid_from, other.valid_from)
        other.save()
    WeatherWarning.objects.update_or_create(
        district_id=district_id, reference=row.reference,
        defaults={"type": row.type, "level": row.level, "issued_at": row.issued_at,
                  "valid_from": row.valid_from, "valid_until": row.valid_until,
                  "text": row.text, "source": source, "cancelled_at": row.lifted_at,
                  "entered_by": user})


def lift_warning(warning, user, now: datetime.datetime | None = None):
    """The issuer lifted a warning early (解除预警)."""
    now = _now(now)
    if warning.cancelled_at is not None or warning.valid_until <= now:
        raise WeatherError(_("This warning is no longer in force."))
    with transaction.atomic():
        warning.cancelled_at = max(now, warning.valid_from)
        warning.save()
    return evaluate_district(warning.district, now)


def record_feed_result(name: str, now: datetime.datetime, error: str = "") -> None:
    from songnuan.weather.models import FeedStatus

    status, _created = FeedStatus.objects.get_or_create(name=name)
    status.last_attempt_at = now
    if error:
        status.failures += 1
        status.last_error = error[:500]
    else:
        status.failures = 0
        status.last_error = ""
        status.last_success_at = now
        status.stale_noticed_at = None
    status.save()


# --------------------------------------------------------------------------- staleness


@dataclass(frozen=True)
class Freshness:
    is_stale: bool
    last_good_at: datetime.datetime | None
    last_error: str
    horizon: datetime.datetime | None  # the end of the furthest forecast


def freshness(now: datetime.datetime | None = None) -> Freshness:
    """Is the weather data recent enough to decide on?

    Stale when the feed is on or data has come in before, and nothing good has arrived for
    WEATHER_STALE_HOURS or the forecasts no longer reach the rules' lead time ahead.
    """
    from django.db.models import Max

    from songnuan.weather.models import FeedStatus, Forecast

    now = _now(now)
    statuses = list(FeedStatus.objects.all())
    last_good = max((s.last_success_at for s in statuses if s.last_success_at), default=None)
    errors = [s for s in statuses if s.last_error]
    last_error = max(errors, key=lambda s: s.last_attempt_at).last_error if errors else ""
    horizon = Forecast.objects.aggregate(end=Max("ends_at"))["end"]
    expected = bool(settings.WEATHER_ENDPOINT) or last_good is not None
    if not expected:
        return Freshness(False, None, last_error, horizon)
    too_old = last_good is None or now - last_good > datetime.timedelta(
        hours=settings.WEATHER_STALE_HOURS)
    lead = datetime.timedelta(hours=active_rules().lead_hours)
    too_short = horizon is None or horizon < now + lead
    return Freshness(too_old or too_short, last_good, last_error, horizon)


def alert_if_stale(now: datetime.datetime | None = None) -> bool:
    """Tell the duty officer once per stale spell; True when the data is stale."""
    from songnuan.weather.models import FeedStatus, NoticeKind, ProtocolNotice

    now = _now(now)
    state = freshness(now)
    if not state.is_stale:
        return False
    status, _created = FeedStatus.objects.get_or_create(name="feed")
    if status.stale_noticed_at is None:
        status.stale_noticed_at = now
        status.save(update_fields=["stale_noticed_at"])
        ProtocolNotice.objects.create(
            kind=NoticeKind.STALE_DATA, recipients=recipients_duty_officer(),
            created_at=now, message=stale_message(state)[:500])
        alert_duty_of_stale_data(state, now)
    return True


def alert_duty_of_stale_data(state: Freshness, now: datetime.datetime) -> None:
    """Tell the city duty officer, once per stale spell."""
    from songnuan.duty.models import Severity, Topic
    from songnuan.duty.services import alert

    alert(None, topic=Topic.WEATHER_STALE, text=stale_message(state)[:500],
          url=reverse("weather:overview"), key=f"weather-stale:{now:%Y%m%d%H%M%S}",
          severity=Severity.WARNING, at=now)


def stale_message(state: Freshness) -> str:
    last = _local(state.last_good_at) if state.last_good_at else _("never")
    message = _("Weather data is stale: last good data %(last)s; the protocol is decided on "
                "the last good data.") % {"last": last}
    if state.last_error:
        message += " " + _("Last error: %(error)s") % {"error": state.last_error[:200]}
    return message


# --------------------------------------------------------------------------- campaign


@transaction.atomic
def propose_extension_if_needed(now: datetime.datetime | None = None):
    """Propose extending the campaign when the protocol is active close to its end."""
    from songnuan.network.models import District
    from songnuan.weather.models import (
        CampaignExtension,
        ExtensionStatus,
        NoticeKind,
        ProtocolNotice,
    )

    now = _now(now)
    today = timezone.localtime(now).date()
    campaign = current_campaign(now)
    if campaign is None or not campaign.covers(today):
        return None
    end = campaign.ends_on
    if (end - today).days > settings.CAMPAIGN_EXTENSION_WINDOW_DAYS:
        return None
    if campaign.extensions.filter(status=ExtensionStatus.PROPOSED).exists():
        return None
    levels = protocol_levels(District.objects.values_list("pk", flat=True), now)
    active = [pk for pk, level in levels.items() if level > ProtocolLevel.NORMAL]
    if not active:
        return None
    names = "、".join(District.objects.filter(pk__in=active).values_list("name", flat=True))
    new_end = end + datetime.timedelta(days=settings.CAMPAIGN_EXTENSION_DAYS)
    extension = CampaignExtension.objects.create(
        campaign=campaign, new_end_on=new_end, proposed_automatically=True, proposed_at=now,
        reason=(_("Cold-weather protocol active in %(districts)s %(days)d days before the "
                  "planned end.") % {"districts": names, "days": (end - today).days})[:300],
    )
    ProtocolNotice.objects.create(
        kind=NoticeKind.EXTENSION, recipients=_("City civil-affairs bureau"), created_at=now,
        message=(_("Proposed: extend %(campaign)s to %(end)s. %(reason)s") % {
            "campaign": campaign.name, "end": new_end.isoformat(),
            "reason": extension.reason})[:500],
    )
    return extension


@transaction.atomic
def propose_extension(campaign, new_end_on: datetime.date, reason: str, user,
                      now: datetime.datetime | None = None):
    from songnuan.weather.models import CampaignExtension

    reason = (reason or "").strip()
    if not reason:
        raise WeatherError(_("Give the reason for the extension."), "reason")
    if new_end_on <= campaign.ends_on:
        raise WeatherError(_("The new end must be after the current end (%(end)s).")
                           % {"end": campaign.ends_on.isoformat()}, "new_end_on")
    return CampaignExtension.objects.create(
        campaign=campaign, new_end_on=new_end_on, reason=reason[:300], proposed_at=_now(now))


@transaction.atomic
def decide_extension(extension, approve: bool, user, decided_on: datetime.date | None = None):
    from songnuan.weather.models import ExtensionStatus

    if extension.status != ExtensionStatus.PROPOSED:
        raise WeatherError(_("This extension has already been decided."))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_on = decided_on or timezone.localdate()
    extension.decided_by = user
    extension.save()
    return extension


# --------------------------------------------------------------------------- backtest


@dataclass(frozen=True)
class Backtest:
    district: Any
    start: datetime.datetime
    end: datetime.datetime
    changes: list[engine.Assessment]
    hours_at: dict[ProtocolLevel, int]
    activations: int
    recorded: list[Any]


def backtest(rules, district, start: datetime.datetime, end: datetime.datetime) -> Backtest:
    """Replay a rules version hour by hour over past data, beside what was recorded."""
    from songnuan.weather.models import ProtocolDecision

    ruleset = engine.RuleSet.from_model(rules)
    before, after = _margins(ruleset)
    series, signals = load_series(district.pk, start - before, end + after)
    assessments = engine.replay(start, end, series, signals, ruleset)
    hours = dict.fromkeys(ProtocolLevel, 0)
    for item in assessments:
        hours[item.level] += 1
    found = [engine.assess(item.at, series, signals, ruleset)
             for item in engine.changes(assessments)]
    activations = sum(
        1 for previous, item in zip(found, found[1:], strict=False)
        if previous.level == ProtocolLevel.NORMAL and item.level > ProtocolLevel.NORMAL)
    if found and found[0].level > ProtocolLevel.NORMAL:
        activations += 1
    recorded = list(ProtocolDecision.objects.filter(
        district=district, starts_at__lt=end).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=start)).order_by("starts_at", "pk"))
    return Backtest(district, start, end, found, hours, activations, recorded)


@transaction.atomic
def replay_and_record(district, start: datetime.datetime, end: datetime.datetime, rules=None,
                      step: datetime.timedelta = engine.HOUR) -> int:
    """Record the decisions the rules would have made over a past period (the demo season)."""
    rules = rules or active_rules()
    ruleset = engine.RuleSet.from_model(rules)
    before, after = _margins(ruleset)
    series, signals = load_series(district.pk, start - before, end + after)
    changed = 0
    last = None
    for item in engine.replay(start, end, series, signals, ruleset, step):
        if last is not None and item.level == last.level:
            continue
        full = engine.assess(item.at, series, signals, ruleset)
        changed += record_assessment(district, full, rules, ruleset)[1]
        last = item
    if last is not None:
        # Bring the last decision's expected end up to date, as the live task would.
        record_assessment(district, engine.assess(end, series, signals, ruleset), rules, ruleset)
    return changed
