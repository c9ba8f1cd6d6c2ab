"""The interface other apps call, decisions, overrides, effects and the campaign."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import translation

from songnuan.refusals import Refused
from songnuan.weather.backtests import backtest
from songnuan.weather.campaign import (
    decide_extension,
    propose_extension,
    propose_extension_if_needed,
)
from songnuan.weather.evaluation import activate_rules, active_rules, draft_rules, evaluate_district
from songnuan.weather.intake import alert_if_stale, apply_batch, freshness, record_feed_result
from songnuan.weather.levels import ProtocolLevel as L
from songnuan.weather.models import (
    Campaign,
    CampaignExtension,
    ExtensionStatus,
    NoticeKind,
    ProtocolDecision,
    ProtocolNotice,
)
from songnuan.weather.overrides import end_override, notice_expired_overrides, set_override
from songnuan.weather.protocol import (
    current_campaign,
    current_decision,
    escalation_factor,
    follow_up_delay,
    patrol_frequency_factor,
    protocol_active,
    protocol_level,
    protocol_levels,
    temperature_c,
)
from tests.factories import LAOSHAN, SHINAN, district, ensure_districts
from tests.weather.factories import T0, hours, store_series, store_warning


@pytest.fixture(autouse=True)
def _english():
    """These tests read refusals in English; the pages' tests read them in Chinese. What is kept
    for everyone (notices, a decision's reason) is in the bureau's language all the same."""
    with translation.override("en"):
        yield


@pytest.fixture
def shinan(db):
    ensure_districts()
    return district(SHINAN)


@pytest.fixture
def laoshan(db):
    ensure_districts()
    return district(LAOSHAN)


@override_settings(WEATHER_FALLBACK_LEVEL=1, WEATHER_FALLBACK_TEMPERATURE_C=-3.0)
def test_without_data_the_settings_answer(shinan):
    assert protocol_level(shinan.pk) == L.COLD_ALERT
    assert protocol_active(shinan.pk)
    assert temperature_c(shinan.pk) == -3.0
    assert protocol_level(None) == L.COLD_ALERT


def test_a_cold_forecast_is_decided_and_recorded_with_its_rule_and_data(shinan):
    store_series(shinan, [2.0] * 12 + [-6.0] * 12)
    decision, changed = evaluate_district(shinan, T0 + hours(2))
    assert changed
    assert decision.level == L.SEVERE_COLD
    assert decision.rule == "threshold"
    assert decision.data["min_c"] == -6.0
    assert decision.data["rules"]["severe_min_c"] == -5.0
    assert decision.rules == active_rules()
    assert protocol_level(shinan.pk, T0 + hours(3)) == L.SEVERE_COLD
    assert protocol_level(shinan.pk, T0 + hours(1)) != L.SEVERE_COLD  # before it


def test_the_same_level_again_makes_no_new_decision(shinan):
    store_series(shinan, [-6.0] * 24)
    evaluate_district(shinan, T0 + hours(1))
    _decision, changed = evaluate_district(shinan, T0 + hours(2))
    assert not changed
    assert ProtocolDecision.objects.filter(district=shinan).count() == 1


def test_a_change_closes_the_previous_decision_and_notifies_the_district(shinan):
    store_series(shinan, [5.0] * 48 + [-11.0] * 24)
    evaluate_district(shinan, T0 + hours(1))
    evaluate_district(shinan, T0 + hours(40))
    first, second = ProtocolDecision.objects.filter(district=shinan).order_by("starts_at")
    assert first.ends_at == second.starts_at == T0 + hours(40)
    assert second.level == L.EXTREME_COLD
    notice = ProtocolNotice.objects.get(decision=second)
    assert notice.kind == NoticeKind.LEVEL_CHANGE
    assert notice.recipients == "市南区带班领导；市南区救助分队"
    assert notice.message.startswith("市南区：寒潮应急响应 正常 → 极寒")
    assert second.reason.startswith("预报最低 -11.0 °C")


def test_a_warning_in_force_activates_the_protocol(shinan):
    store_series(shinan, [6.0] * 48)
    store_warning(shinan, "cold_wave", 3, start=0, end=24)
    decision, _changed = evaluate_district(shinan, T0 + hours(3))
    assert decision.level == L.EXTREME_COLD
    assert decision.rule == "warning"
    assert decision.data["reference"] == "QD-TEST-1"


def test_an_override_needs_a_reason_and_an_expiry_in_the_next_72_hours(shinan, cast):
    now = T0
    with pytest.raises(Refused, match="reason"):
        set_override(shinan, 2, " ", now + hours(2), by=cast.city_admin, now=now)
    with pytest.raises(Refused, match="future"):
        set_override(shinan, 2, "夜间巡查发现露宿", now - hours(1), by=cast.city_admin, now=now)
    with pytest.raises(Refused, match="72"):
        set_override(shinan, 2, "夜间巡查发现露宿", now + hours(80), by=cast.city_admin, now=now)
    assert not ProtocolDecision.objects.exists()


def test_an_override_wins_until_it_expires(shinan, cast):
    store_series(shinan, [6.0] * 48)
    evaluate_district(shinan, T0)
    set_override(shinan, 3, "暴雪夜临时提级", T0 + hours(6), by=cast.city_admin, now=T0)
    assert protocol_level(shinan.pk, T0 + hours(5)) == L.EXTREME_COLD
    assert protocol_level(shinan.pk, T0 + hours(6)) == L.NORMAL
    assert notice_expired_overrides(T0 + hours(7)) == 1
    assert notice_expired_overrides(T0 + hours(8)) == 0
    assert ProtocolNotice.objects.filter(kind=NoticeKind.OVERRIDE_ENDED).count() == 1


def test_ending_an_override_early_restores_the_automatic_level(shinan, cast):
    store_series(shinan, [-6.0] * 48)
    evaluate_district(shinan, T0)
    override = set_override(shinan, 0, "误报，已核实", T0 + hours(10), by=cast.city_admin,
                            now=T0)
    assert protocol_level(shinan.pk, T0 + hours(1)) == L.NORMAL
    end_override(override, by=cast.city_admin, now=T0 + hours(2))
    assert protocol_level(shinan.pk, T0 + hours(3)) == L.SEVERE_COLD
    set_by, ended_by = ProtocolNotice.objects.filter(
        kind__in=[NoticeKind.OVERRIDE, NoticeKind.OVERRIDE_ENDED]).order_by("created_at")
    assert "误报，已核实" in set_by.message and set_by.message.startswith("市南区：")
    assert "结束了人工调整；恢复自动判定的" in ended_by.message


def test_levels_for_many_districts_take_one_query(shinan, laoshan, django_assert_num_queries):
    store_series(shinan, [-6.0] * 24)
    evaluate_district(shinan, T0)
    with django_assert_num_queries(1):
        levels = protocol_levels([shinan.pk, laoshan.pk], T0 + hours(1))
    assert levels == {shinan.pk: L.SEVERE_COLD, laoshan.pk: L.NORMAL}
    with django_assert_num_queries(1):
        protocol_level(shinan.pk, T0 + hours(1))


def test_the_temperature_comes_from_the_hour_or_along_the_day(shinan):
    store_series(shinan, [-2.0, -3.0])
    assert temperature_c(shinan.pk, T0 + datetime.timedelta(minutes=90)) == -3.0
    from songnuan.weather.models import Forecast

    Forecast.objects.create(district=shinan, starts_at=T0 + hours(24), ends_at=T0 + hours(48),
                            min_c=-4, max_c=6, source="manual")
    assert temperature_c(shinan.pk, T0 + hours(24 + 6)) == -4.0  # 06:00, the coldest
    assert temperature_c(shinan.pk, T0 + hours(24 + 14)) == 6.0  # 14:00, the warmest


@pytest.mark.parametrize(("temps", "escalation", "patrols", "follow_up_h"), [
    ([6.0], 1.0, 1.0, 24), ([-1.0], 0.75, 1.5, 12), ([-6.0], 0.5, 2.0, 6),
    ([-12.0], 0.33, 3.0, 6),
])
def test_the_protocol_tightens_dispatch_patrols_and_follow_ups(shinan, temps, escalation,
                                                              patrols, follow_up_h):
    store_series(shinan, temps * 24)
    evaluate_district(shinan, T0 + hours(1))
    at = T0 + hours(2)
    assert escalation_factor(shinan.pk, at) == escalation
    assert patrol_frequency_factor(shinan.pk, at) == patrols
    assert follow_up_delay(shinan.pk, at, datetime.timedelta(hours=24)) == \
        datetime.timedelta(hours=follow_up_h)


def test_a_follow_up_is_never_sooner_than_the_floor(shinan):
    store_series(shinan, [-12.0] * 24)
    evaluate_district(shinan, T0 + hours(1))
    at = T0 + hours(2)
    assert follow_up_delay(shinan.pk, at, datetime.timedelta(hours=4)) == \
        datetime.timedelta(hours=2)
    assert follow_up_delay(shinan.pk, at, datetime.timedelta(minutes=30)) == \
        datetime.timedelta(minutes=30)


def test_under_normal_weather_the_effects_change_nothing(shinan):
    assert escalation_factor(shinan.pk) == 1.0
    assert follow_up_delay(shinan.pk, None, datetime.timedelta(hours=8)) == \
        datetime.timedelta(hours=8)


def make_campaign():
    return Campaign.objects.create(name="2026—2027年度寒冬送温暖专项救助行动",
                                   starts_on=datetime.date(2026, 11, 4),
                                   planned_end_on=datetime.date(2027, 3, 15))


def test_the_current_campaign_covers_its_period_and_approved_extensions(db):
    campaign = make_campaign()
    assert current_campaign(datetime.date(2026, 12, 1)) == campaign
    assert current_campaign(datetime.date(2026, 10, 1)) is None
    extension = CampaignExtension.objects.create(campaign=campaign,
                                                 new_end_on=datetime.date(2027, 3, 31),
                                                 reason="寒潮")
    assert campaign.ends_on == datetime.date(2027, 3, 15)
    decide_extension(extension, True, by=None, decided_on=datetime.date(2027, 3, 10))
    campaign = current_campaign(datetime.date(2027, 3, 20))
    assert campaign.ends_on == datetime.date(2027, 3, 31)
    assert campaign.covers(datetime.date(2027, 3, 20))
    with pytest.raises(Refused):
        decide_extension(extension, False, by=None)


def test_an_extension_is_proposed_when_the_protocol_is_active_near_the_end(shinan):
    campaign = make_campaign()
    near_end = T0.replace(year=2027, month=3, day=12)
    store_series(shinan, [-6.0] * 24, start=near_end)
    evaluate_district(shinan, near_end + hours(1))
    proposal = propose_extension_if_needed(near_end + hours(2))
    assert proposal.status == ExtensionStatus.PROPOSED
    assert proposal.proposed_automatically
    assert proposal.new_end_on == datetime.date(2027, 3, 29)
    assert proposal.reason == "距计划结束还有 3 天，市南区仍处于寒潮应急响应中。"
    notice = ProtocolNotice.objects.get(kind=NoticeKind.EXTENSION)
    assert notice.recipients == "市民政局" and notice.message.startswith("建议：将")
    assert propose_extension_if_needed(near_end + hours(3)) is None  # not twice
    assert campaign.extensions.count() == 1


def test_no_extension_is_proposed_far_from_the_end_or_in_calm_weather(shinan):
    make_campaign()
    store_series(shinan, [-6.0] * 24)
    evaluate_district(shinan, T0 + hours(1))
    assert propose_extension_if_needed(T0 + hours(2)) is None
    calm = T0.replace(year=2027, month=3, day=12)
    store_series(shinan, [9.0] * 24, start=calm)
    evaluate_district(shinan, calm + hours(1))
    assert propose_extension_if_needed(calm + hours(2)) is None


def test_a_proposed_extension_needs_a_later_end_and_a_reason(db):
    campaign = make_campaign()
    with pytest.raises(Refused):
        propose_extension(campaign, datetime.date(2027, 3, 1), "寒潮", by=None)
    with pytest.raises(Refused):
        propose_extension(campaign, datetime.date(2027, 3, 30), " ", by=None)


def test_activating_new_rules_re_evaluates_the_districts(shinan, cast):
    store_series(shinan, [-3.0] * 48, start=T0)
    evaluate_district(shinan, T0 + hours(1))
    assert protocol_level(shinan.pk, T0 + hours(1)) == L.COLD_ALERT
    draft = draft_rules(by=cast.city_admin)
    draft.severe_min_c = -2.0
    draft.save()
    activate_rules(draft, by=cast.city_admin, now=T0 + hours(2))
    assert protocol_level(shinan.pk, T0 + hours(3)) == L.SEVERE_COLD
    assert current_decision(shinan.pk, T0 + hours(3)).rules == draft


def test_a_backtest_replays_rules_without_recording(shinan):
    temps = [5.0] * 30 + [-6.0] * 12 + [5.0] * 60
    store_series(shinan, temps)
    result = backtest(active_rules(), shinan, T0, T0 + hours(100))
    assert result.activations == 1
    assert result.hours_at[L.SEVERE_COLD] > 12  # lead time and hold-off widen the spell
    assert not ProtocolDecision.objects.exists()


def test_stale_data_alerts_the_duty_officer_once(shinan):
    store_series(shinan, [1.0] * 24)
    record_feed_result("file", T0)
    assert not freshness(T0 + hours(1)).is_stale
    assert alert_if_stale(T0 + hours(10))
    assert alert_if_stale(T0 + hours(11))
    assert ProtocolNotice.objects.filter(kind=NoticeKind.STALE_DATA).count() == 1


def test_without_a_feed_or_any_data_nothing_is_stale(db):
    assert not freshness().is_stale


def test_a_relief_point_open_during_the_protocol_opens_when_a_warning_arrives(cast):
    from songnuan.network.services import open_now
    from songnuan.weather.importing import parse

    point = cast.shinan_point
    point.open_in_cold_protocol = True
    point.is_24h = False
    point.hours = []
    point.save()
    now = T0
    assert not open_now(point, now)
    warning = ("id,district,type,level,issued_at,valid_from,valid_until\n"
               "QD-OPEN-1,370202,寒潮,黄色,2026-11-30T20:00,2026-11-30T22:00,2026-12-01T20:00\n")
    apply_batch(parse(warning, "w.csv"), "file", now=now)
    assert open_now(point, now + hours(1))
    assert not open_now(cast.laoshan_point, now + hours(1)) or cast.laoshan_point.is_24h


def test_an_automatic_extension_adds_the_city_s_own_days(shinan):
    from songnuan.network.city import forget_city
    from songnuan.network.models import City

    try:
        City.objects.create(code="370200", name="本市", name_en="City", hotline="12345",
                            station_name="本市救助管理站", station_contact="12345", south=35.5,
                            west=119.5, north=37.1, east=121.0, extension_days=21)
        make_campaign()
        near_end = T0.replace(year=2027, month=3, day=12)
        store_series(shinan, [-6.0] * 24, start=near_end)
        evaluate_district(shinan, near_end + hours(1))
        proposal = propose_extension_if_needed(near_end + hours(2))
        assert proposal.new_end_on == datetime.date(2027, 4, 5)
    finally:
        forget_city()
