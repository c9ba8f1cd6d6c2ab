"""Escalation timers and follow-up scheduling, stricter under the cold-weather protocol."""

from __future__ import annotations

import datetime

import pytest

from songnuan.outreach import escalation
from songnuan.outreach.escalation import Overdue, follow_up_due, overdue, thresholds

T0 = datetime.datetime(2026, 11, 29, 23, 0, tzinfo=datetime.UTC)
MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def limits(settings):
    settings.OUTREACH_ASSIGN_WITHIN_MIN = 15
    settings.OUTREACH_ARRIVE_WITHIN_MIN = 40
    settings.OUTREACH_FOLLOW_UP_HOURS = 24
    settings.WEATHER_FALLBACK_LEVEL = 0
    return settings


def test_a_lead_is_on_time_until_the_assignment_threshold_passes(limits):
    normal = thresholds(None, T0)
    assert overdue(reported_at=T0, assigned_at=None, arrived_at=None, now=T0 + 15 * MIN,
                   limits=normal) is None
    kind, late = overdue(reported_at=T0, assigned_at=None, arrived_at=None, now=T0 + 20 * MIN,
                         limits=normal)
    assert kind is Overdue.ASSIGNMENT and late == 5 * MIN


def test_an_assigned_lead_escalates_when_the_squad_is_late_to_arrive(limits):
    normal = thresholds(None, T0)
    assigned = T0 + 10 * MIN
    assert overdue(reported_at=T0, assigned_at=assigned, arrived_at=None,
                   now=assigned + 39 * MIN, limits=normal) is None
    kind, late = overdue(reported_at=T0, assigned_at=assigned, arrived_at=None,
                         now=assigned + 45 * MIN, limits=normal)
    assert kind is Overdue.ARRIVAL and late == 5 * MIN


def test_an_arrival_ends_the_clock(limits):
    assert overdue(reported_at=T0, assigned_at=T0, arrived_at=T0 + 90 * MIN,
                   now=T0 + 600 * MIN, limits=thresholds(None, T0)) is None


def test_the_cold_weather_protocol_tightens_both_thresholds(limits):
    normal = thresholds(None, T0)
    limits.WEATHER_FALLBACK_LEVEL = 2
    severe = thresholds(None, T0)
    assert severe.assign_within < normal.assign_within
    assert severe.arrive_within < normal.arrive_within
    # The same wait is on time in normal weather and overdue in severe cold.
    assert overdue(reported_at=T0, assigned_at=None, arrived_at=None, now=T0 + 12 * MIN,
                   limits=severe)[0] is Overdue.ASSIGNMENT


def test_thresholds_are_settings(limits):
    limits.OUTREACH_ASSIGN_WITHIN_MIN = 5
    assert thresholds(None, T0).assign_within == 5 * MIN


def test_the_local_factors_apply_when_the_weather_app_has_none(limits, monkeypatch):
    monkeypatch.delattr(escalation.weather, "escalation_factor", raising=False)
    monkeypatch.delattr(escalation.weather, "follow_up_delay", raising=False)
    limits.WEATHER_FALLBACK_LEVEL = 2
    assert thresholds(None, T0).assign_within == 15 * MIN * 0.5
    assert follow_up_due(T0, None) == T0 + datetime.timedelta(hours=6)


def test_a_refusal_is_followed_up_a_day_later_in_normal_weather(limits):
    assert follow_up_due(T0, None) == T0 + datetime.timedelta(hours=24)


def test_a_refusal_is_followed_up_sooner_under_the_protocol(limits):
    normal = follow_up_due(T0, None)
    limits.WEATHER_FALLBACK_LEVEL = 3
    extreme = follow_up_due(T0, None)
    assert T0 < extreme < normal
    assert extreme - T0 >= datetime.timedelta(hours=1)


@pytest.mark.django_db
def test_the_board_reads_each_districts_thresholds_in_one_query(limits, cast,
                                                                django_assert_num_queries):
    from songnuan.weather.overrides import set_override
    from tests.factories import district

    shinan, laoshan = district("370202"), district("370212")
    set_override(shinan, 2, "寒潮夜临时提级", T0 + datetime.timedelta(hours=6),
                 by=cast.city_admin, now=T0)
    with django_assert_num_queries(1):
        batched = escalation.thresholds_by_district([shinan.pk, laoshan.pk, None], T0 + MIN)
    for pk in (shinan.pk, laoshan.pk, None):
        assert batched[pk] == thresholds(pk, T0 + MIN)
    assert batched[shinan.pk].assign_within < batched[laoshan.pk].assign_within
