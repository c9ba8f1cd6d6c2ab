"""Replaying a rules version over past weather: a backtest beside what was recorded, and the
recorded replay the demo season is built from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from songnuan.weather import engine
from songnuan.weather.evaluation import active_rules, load_series, margins, record_assessment
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import ProtocolDecision


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
    ruleset = engine.RuleSet.from_model(rules)
    before, after = margins(ruleset)
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
    before, after = margins(ruleset)
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
