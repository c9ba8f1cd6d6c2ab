"""Deciding the protocol level: the rules versions, the reasons in words, and the evaluation
of a district's forecasts and warnings by the engine, recorded as decisions."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.actors import recorded
from songnuan.geo import climate
from songnuan.network.city import served_city
from songnuan.network.models import District
from songnuan.weather import city_rules, engine
from songnuan.weather.alerts import describe, notify_level_change
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import (
    Forecast,
    ProtocolDecision,
    ProtocolRules,
    WeatherWarning,
)
from songnuan.weather.protocol import now_or
from songnuan.words import for_the_record

RULE_LABELS = {
    "threshold": gettext_lazy("Forecast low"),
    "sudden_drop": gettext_lazy("Sudden temperature drop"),
    "warning": gettext_lazy("Weather warning"),
    "freezing_precipitation": gettext_lazy("Freezing rain or snow overnight"),
    "normal": gettext_lazy("No cold-weather reason"),
    "manual": gettext_lazy("Manual override"),
}


# --------------------------------------------------------------------------- rules


def active_rules(now: datetime.datetime | None = None):
    """The active rules version, created with the served city's defaults the first time it is
    needed (`city_rules`)."""
    rules = ProtocolRules.objects.filter(is_active=True).first()
    if rules is None:
        city = served_city()
        winter = climate.winter(city.code, city.centre[0])
        rules, _created = ProtocolRules.objects.get_or_create(
            is_active=True, defaults={
                **city_rules.default_values(city.code, city.name, winter),
                "activated_at": now or timezone.now()})
    return rules


@transaction.atomic
def propose_for_city(city, winter: climate.Winter, new_city: bool) -> list[str]:
    """Setup's step (network.city.register_setup_step): a city new to the deployment gets its
    default rules, in force at once; the same city set up again keeps the rules in force, which
    its administrator may have tuned."""
    current = ProtocolRules.objects.filter(is_active=True).first()
    if current is not None and current.city_code in (city.code, "") and not new_city:
        return [_("Protocol rules kept: “%(name)s” (%(summary)s).")
                % {"name": current.name, "summary": city_rules.summary(current)}]
    rules = ProtocolRules.objects.create(**city_rules.default_values(city.code, city.name, winter))
    if Forecast.objects.exists():
        activate_rules(rules)  # re-decides every district on the data there is
    else:
        ProtocolRules.objects.filter(is_active=True).update(is_active=False)
        rules.is_active, rules.activated_at = True, timezone.now()
        rules.save()
    return [_("Protocol rules proposed and in force: %(summary)s.")
            % {"summary": city_rules.summary(rules)},
            city_rules.describe_basis(rules.basis),
            _("Tune them on the rules page (Weather and protocol → Rules).")]


def draft_rules(*, by, base=None):
    """A new, inactive copy of a rules version (the active one by default) to edit and test."""
    base = base or active_rules()
    copy = ProtocolRules.objects.get(pk=base.pk)
    copy.pk = None
    copy.is_active = False
    copy.activated_at = None
    copy.created_by = recorded(by)
    copy.name = _("Draft of %(name)s") % {"name": base.name}
    copy._state.adding = True
    copy.save()
    return copy


@transaction.atomic
def activate_rules(rules, *, by=None, now: datetime.datetime | None = None):
    """Make this version the active one and re-evaluate every district with it."""
    ProtocolRules.objects.filter(is_active=True).exclude(pk=rules.pk).update(is_active=False)
    rules.is_active = True
    rules.activated_at = now_or(now)
    rules.save()
    evaluate_all(now)
    return rules


def load_series(district_id: int, start: datetime.datetime,
                end: datetime.datetime) -> tuple[engine.Series, list[engine.Signal]]:
    """A district's forecasts and warnings around [start, end), as the engine sees them."""
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


def margins(rules: engine.RuleSet) -> tuple[datetime.timedelta, datetime.timedelta]:
    before = datetime.timedelta(hours=rules.hold_hours + rules.drop_hours + 1)
    after = datetime.timedelta(hours=rules.lead_hours + 1)
    return before, after


def evaluate_district(district, at: datetime.datetime | None = None, rules=None):
    """Decide the level for one district now (or at `at`) and record it if it changed."""
    rules = rules or active_rules()
    ruleset = engine.RuleSet.from_model(rules)
    at = now_or(at)
    before, after = margins(ruleset)
    series, signals = load_series(district.pk, at - before, at + after)
    assessment = engine.assess(at, series, signals, ruleset)
    return record_assessment(district, assessment, rules, ruleset)


def evaluate_all(at: datetime.datetime | None = None) -> int:
    """Evaluate every district; return how many changed level."""
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
    with for_the_record():
        reason = describe(rule, data)
    decision = ProtocolDecision.objects.create(
        district=district, level=int(assessment.level), starts_at=at,
        expected_until=assessment.expected_until, rule=rule,
        reason=reason[:300], data=data, rules=rules, decided_at=at,
    )
    previous = ProtocolLevel(current.level) if current else None
    notify_level_change(decision, previous)
    # A calm district's first record changes nothing anyone sees.
    return decision, current is not None or assessment.level != ProtocolLevel.NORMAL
