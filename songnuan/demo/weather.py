"""Demo weather: a Qingdao early winter from the campaign's start to a few days past now.

Hourly forecasts for every district (inland colder than the coast, lows mostly −5 °C to 2 °C),
three cold waves with sharp drops and gales, a blizzard night followed by road icing, and a
cold wave arriving tonight, with the warnings the city observatory would issue. The protocol's
decisions are replayed hour by hour with the default rules, so it activates several times.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from django.utils import timezone

from songnuan.network.models import District
from songnuan.weather.backtests import replay_and_record
from songnuan.weather.evaluation import active_rules
from songnuan.weather.intake import record_feed_result
from songnuan.weather.models import (
    Campaign,
    CampaignExtension,
    ExtensionStatus,
    Forecast,
    Precipitation,
    ProtocolRules,
    Source,
    WarningLevel,
    WarningType,
    WeatherWarning,
)

SEASON_START = datetime.date(2026, 11, 4)
WEATHER_SEED = 2026
FORECAST_DAYS = 5
# District: (offset of the daily mean °C, half the day's range °C). The coast is milder.
CLIMATE = {
    "370202": (1.0, 3.0), "370203": (0.6, 3.2), "370211": (0.4, 3.4), "370212": (0.0, 3.4),
    "370213": (-0.3, 3.6), "370214": (-0.7, 3.9), "370215": (-0.9, 4.0),
    "370281": (-1.0, 4.0), "370283": (-1.4, 4.3), "370285": (-1.5, 4.3),
}
COAST = ("370202", "370211", "370212")
TYPE_NAMES = {WarningType.COLD_WAVE: "寒潮", WarningType.GALE: "大风", WarningType.BLIZZARD: "暴雪",
              WarningType.ROAD_ICING: "道路结冰"}
COLOUR_NAMES = {WarningLevel.BLUE: "蓝色", WarningLevel.YELLOW: "黄色", WarningLevel.ORANGE: "橙色"}
INLAND = ("370215", "370281", "370283", "370285")


@dataclass(frozen=True)
class Climate:
    """A city's early winter: the daily mean at the season's start and how fast it falls (°C),
    each district's (offset, half range) in °C, the windier coast, the colder inland."""

    start_mean_c: float = 10.5
    cooling_per_day: float = 0.24  # Qingdao cools about 0.24 °C a day in November
    districts: dict[str, tuple[float, float]] = field(default_factory=lambda: CLIMATE)
    coast: tuple[str, ...] = COAST
    inland: tuple[str, ...] = INLAND
    observatory: str = "青岛市气象台"
    # How much colder (°C) the city's bureau sets its protocol's temperature thresholds than the
    # defaults, which suit Qingdao: a Harbin night at −15 °C is an ordinary one there.
    threshold_shift_c: float = 0.0


QINGDAO = Climate()


def _local(day: datetime.date, hour: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def cold_waves(now: datetime.datetime) -> list[dict]:
    """When each cold wave's front arrives, how far it drops and how long it takes to recover."""
    tonight = timezone.localtime(now).date()
    return [
        {"at": _local(datetime.date(2026, 11, 9), 14), "drop": 9.0, "fall_h": 16,
         "recover_h": 60, "wind": 8.5},
        {"at": _local(datetime.date(2026, 11, 17), 18), "drop": 10.5, "fall_h": 14,
         "recover_h": 84, "wind": 10.0},
        {"at": _local(datetime.date(2026, 11, 25), 12), "drop": 9.5, "fall_h": 18,
         "recover_h": 90, "wind": 9.5},
        {"at": _local(tonight, 17), "drop": 8.5, "fall_h": 16, "recover_h": 72, "wind": 7.5},
    ]


def blizzard(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    return _local(datetime.date(2026, 11, 25), 19), _local(datetime.date(2026, 11, 26), 7)


def anomaly(at: datetime.datetime, waves: list[dict]) -> tuple[float, float]:
    """The cold waves' effect at a time: (°C added, gale m/s)."""
    cold = gale = 0.0
    for wave in waves:
        hours = (at - wave["at"]).total_seconds() / 3600
        if hours < 0 or hours > wave["fall_h"] + wave["recover_h"]:
            continue
        if hours <= wave["fall_h"]:
            share = hours / wave["fall_h"]
        else:
            share = 1 - (hours - wave["fall_h"]) / wave["recover_h"]
        cold -= wave["drop"] * share
        if hours <= wave["fall_h"] + 24:
            gale = max(gale, wave["wind"] * (1 - max(0.0, hours - wave["fall_h"]) / 30))
    return cold, gale


def season_hours(now: datetime.datetime) -> list[datetime.datetime]:
    start = _local(SEASON_START)
    end = _local(timezone.localtime(now).date() + datetime.timedelta(days=FORECAST_DAYS + 1))
    hours = []
    at = start
    while at < end:
        hours.append(at)
        at += datetime.timedelta(hours=1)
    return hours


def forecasts_for(district: District, hours, waves, rng, now,
                  climate: Climate = QINGDAO) -> list[Forecast]:
    offset, half_range = climate.districts.get(district.code, (0.0, 4.0))
    snow_from, snow_until = blizzard(hours[0])
    noise = 0.0
    rows = []
    for at in hours:
        local = timezone.localtime(at)
        days = (local.date() - SEASON_START).days + local.hour / 24
        mean = climate.start_mean_c - climate.cooling_per_day * days + offset
        daily = half_range * math.cos(2 * math.pi * (local.hour - 14) / 24)
        cold, gale = anomaly(at, waves)
        noise = 0.8 * noise + rng.gauss(0, 0.35)
        temperature = mean + daily + cold + noise
        wind = max(0.5, rng.gauss(2.8, 0.9) + gale + (1.0 if district.code in climate.coast else 0))
        precipitation = Precipitation.NONE
        if snow_from <= at < snow_until:
            precipitation = Precipitation.SNOW
        elif local.date() == datetime.date(2026, 11, 13) and 10 <= local.hour < 20:
            precipitation = Precipitation.RAIN
        elif (local.date() == datetime.date(2026, 11, 18) and local.hour < 6
              and district.code in climate.inland):
            precipitation = Precipitation.SLEET
        rows.append(Forecast(
            district=district, starts_at=at, ends_at=at + datetime.timedelta(hours=1),
            min_c=round(temperature - 0.3, 1), max_c=round(temperature + 0.3, 1),
            wind_ms=round(wind, 1), precipitation=precipitation,
            issued_at=min(at - datetime.timedelta(hours=6), now), source=Source.DEMO,
        ))
    return rows


def warnings(now: datetime.datetime, districts: dict[str, District],
             climate: Climate = QINGDAO) -> list[WeatherWarning]:
    """The signals the city observatory issued (and one issued this morning)."""
    waves = cold_waves(now)
    snow_from, snow_until = blizzard(now)
    everyone = list(districts)
    plan = [
        ("QD-2026-寒潮-01", everyone, WarningType.COLD_WAVE, WarningLevel.BLUE,
         waves[0]["at"] - datetime.timedelta(hours=8), waves[0]["at"] - datetime.timedelta(hours=2),
         waves[0]["at"] + datetime.timedelta(hours=40)),
        ("QD-2026-大风-02", list(climate.coast), WarningType.GALE, WarningLevel.BLUE,
         waves[0]["at"] - datetime.timedelta(hours=6), waves[0]["at"],
         waves[0]["at"] + datetime.timedelta(hours=24)),
        ("QD-2026-寒潮-03", [c for c in everyone if c not in climate.inland],
         WarningType.COLD_WAVE,
         WarningLevel.YELLOW, waves[1]["at"] - datetime.timedelta(hours=10),
         waves[1]["at"] - datetime.timedelta(hours=2), waves[1]["at"] + datetime.timedelta(hours=42)),
        ("QD-2026-寒潮-04", list(climate.inland), WarningType.COLD_WAVE, WarningLevel.ORANGE,
         waves[1]["at"] - datetime.timedelta(hours=10), waves[1]["at"] - datetime.timedelta(hours=2),
         waves[1]["at"] + datetime.timedelta(hours=42)),
        ("QD-2026-寒潮-05", everyone, WarningType.COLD_WAVE, WarningLevel.YELLOW,
         waves[2]["at"] - datetime.timedelta(hours=9), waves[2]["at"] - datetime.timedelta(hours=1),
         waves[2]["at"] + datetime.timedelta(hours=44)),
        ("QD-2026-暴雪-06", everyone, WarningType.BLIZZARD, WarningLevel.YELLOW,
         snow_from - datetime.timedelta(hours=5), snow_from - datetime.timedelta(hours=1),
         snow_until + datetime.timedelta(hours=3)),
        ("QD-2026-道路结冰-07", everyone, WarningType.ROAD_ICING, WarningLevel.YELLOW,
         snow_until - datetime.timedelta(hours=2), snow_until,
         snow_until + datetime.timedelta(hours=30)),
        ("QD-2026-寒潮-08", everyone, WarningType.COLD_WAVE, WarningLevel.BLUE,
         now - datetime.timedelta(hours=2), waves[3]["at"] - datetime.timedelta(hours=1),
         waves[3]["at"] + datetime.timedelta(hours=40)),
    ]
    rows = []
    for reference, codes, kind, level, issued, start, end in plan:
        if issued > now:
            continue
        label = f"{TYPE_NAMES[kind]}{COLOUR_NAMES[level]}预警"
        for code in codes:
            rows.append(WeatherWarning(
                district=districts[code], reference=reference, type=kind, level=level,
                issued_at=issued, valid_from=start, valid_until=end, source=Source.DEMO,
                text=f"{climate.observatory}{issued:%m月%d日%H时}发布{label}。",
            ))
    return rows


def populate(ctx) -> None:
    now = ctx.now
    campaign = Campaign.objects.create(
        name="2026—2027年度寒冬送温暖专项救助行动", starts_on=SEASON_START,
        planned_end_on=datetime.date(2027, 3, 15))
    template = Campaign.objects.create(
        name="2024年寒冬送温暖专项救助行动", starts_on=datetime.date(2024, 11, 4),
        planned_end_on=datetime.date(2025, 3, 15))
    CampaignExtension.objects.create(
        campaign=template, new_end_on=datetime.date(2025, 3, 31),
        reason="3月中旬仍有寒潮影响，按通知要求视天气情况延长行动期限。",
        status=ExtensionStatus.APPROVED, decided_on=datetime.date(2025, 3, 12),
        proposed_at=_local(datetime.date(2025, 3, 10), 9))
    ctx.shared["campaign"] = campaign

    districts = {d.code: d for d in District.objects.order_by("code")}
    hours = season_hours(now)
    waves = cold_waves(now)
    # The weather's own random stream, so other apps' demo steps do not change the season.
    rng = random.Random(WEATHER_SEED)
    for district in districts.values():
        Forecast.objects.bulk_create(forecasts_for(district, hours, waves, rng, now,
                                                   ctx.city.climate),
                                     batch_size=2000)
    WeatherWarning.objects.bulk_create(warnings(now, districts, ctx.city.climate))
    rules = _tuned_for(ctx.city.climate, active_rules(now), now)
    start = _local(SEASON_START)
    for district in districts.values():
        replay_and_record(district, start, now, rules)
    first_team = next(iter(ctx.city.team_districts))
    _override(ctx, districts[first_team], f"{ctx.city.team_districts[first_team]}.admin")
    record_feed_result("demo", now)


def _tuned_for(climate: Climate, defaults: ProtocolRules, now) -> ProtocolRules:
    """The rules a colder city's bureau has tuned on the rules page, active from the start."""
    shift = climate.threshold_shift_c
    if not shift or defaults.city_code:  # setup-city already proposed the city's own rules
        return defaults
    defaults.is_active = False
    defaults.save()
    tuned = ProtocolRules.objects.get(pk=defaults.pk)
    tuned.pk, tuned._state.adding = None, True
    tuned.name = f"{climate.observatory.removesuffix('气象台')}寒潮应急响应规则"
    tuned.is_active, tuned.activated_at = True, now
    tuned.alert_min_c -= shift
    tuned.severe_min_c -= shift
    tuned.extreme_min_c -= shift
    tuned.drop_to_c -= shift
    tuned.save()
    return tuned


def _override(ctx, district: District, username: str) -> None:
    """A past manual override by a district administrator (市南区's), already expired."""
    from songnuan.accounts.models import User
    from songnuan.weather.models import ProtocolDecision

    admin = User.objects.filter(username=username).first()
    start = _local(datetime.date(2026, 11, 21), 18)
    if start >= ctx.now:
        return
    ProtocolDecision.objects.create(
        district=district, level=1, starts_at=start, ends_at=start + datetime.timedelta(hours=14),
        rule="manual", reason=ctx.city.override_reason,
        data={"reason": ctx.city.override_reason, "by": username},
        is_override=True, decided_by=admin, decided_at=start, expiry_noticed=True)
