"""open_now(site, at): status, 24-hour sites, weekly hours, and the cold-weather override."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from songnuan.network import services
from songnuan.network.models import SiteLevel
from tests.factories import make_site

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FRIDAY_NIGHT = datetime.datetime(2026, 12, 4, 23, 30, tzinfo=SHANGHAI)
SATURDAY_DAWN = datetime.datetime(2026, 12, 5, 7, 0, tzinfo=SHANGHAI)
SATURDAY_NOON = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def night_point(cast):
    return make_site("夜间驿家", level=SiteLevel.RELIEF_POINT, parent=cast.shinan_substation,
                     is_24h=False, hours=["Mon-Fri 18:00-08:00"])


def test_an_overnight_site_is_open_late_and_until_morning(night_point):
    assert services.open_now(night_point, FRIDAY_NIGHT)
    assert services.open_now(night_point, SATURDAY_DAWN)  # Friday's night runs into Saturday
    assert not services.open_now(night_point, SATURDAY_NOON)


def test_the_time_is_read_in_qingdao_whatever_zone_it_comes_in(night_point):
    utc_noon_saturday = SATURDAY_NOON.astimezone(datetime.UTC)
    assert not services.open_now(night_point, utc_noon_saturday)
    assert services.open_now(night_point, FRIDAY_NIGHT.astimezone(datetime.UTC))


def test_a_24_hour_site_is_always_open_unless_closed_or_suspended(cast):
    station = cast.shinan_substation
    assert services.open_now(station, SATURDAY_NOON)
    station.status = "closed"
    assert not services.open_now(station, SATURDAY_NOON)
    station.status, station.status_reason = "suspended", "停电"
    assert not services.open_now(station, SATURDAY_NOON)


def test_the_cold_weather_protocol_opens_a_site_around_the_clock(night_point, settings):
    night_point.open_in_cold_protocol = True
    settings.WEATHER_FALLBACK_LEVEL = 0
    assert not services.open_now(night_point, SATURDAY_NOON)
    settings.WEATHER_FALLBACK_LEVEL = 2
    assert services.open_now(night_point, SATURDAY_NOON)


def test_the_protocol_does_not_open_sites_that_have_not_signed_up(night_point, settings):
    settings.WEATHER_FALLBACK_LEVEL = 3
    assert not services.open_now(night_point, SATURDAY_NOON)


def test_a_site_open_only_because_of_the_protocol_says_so(night_point, settings):
    night_point.open_in_cold_protocol = True
    settings.WEATHER_FALLBACK_LEVEL = 0
    assert not services.opened_by_protocol(night_point, SATURDAY_NOON)
    settings.WEATHER_FALLBACK_LEVEL = 1
    assert services.opened_by_protocol(night_point, SATURDAY_NOON)
    assert not services.opened_by_protocol(night_point, FRIDAY_NIGHT)  # its own hours


def test_only_sites_signed_up_to_the_protocol_are_opened_by_it(night_point, settings):
    settings.WEATHER_FALLBACK_LEVEL = 3
    assert not services.opened_by_protocol(night_point, SATURDAY_NOON)
    night_point.open_in_cold_protocol = True
    night_point.status = "suspended"
    assert not services.opened_by_protocol(night_point, SATURDAY_NOON)


def test_the_protocol_is_asked_for_the_sites_district_and_time(night_point, monkeypatch):
    asked = []
    night_point.open_in_cold_protocol = True
    monkeypatch.setattr(services, "_protocol",
                        [lambda district_ids, at: asked.append((set(district_ids), at)) or set()])
    services.open_now(night_point, SATURDAY_NOON)
    assert asked == [({night_point.district_id}, SATURDAY_NOON)]


def test_open_states_asks_the_weather_once_for_every_district(cast):
    from songnuan.weather.overrides import set_override

    hour = datetime.timedelta(hours=1)
    set_override(cast.shinan_substation.district, 2, "寒潮夜间提级", SATURDAY_NOON + 6 * hour,
                 by=cast.city_admin, now=SATURDAY_NOON - hour)
    sites = [make_site(level=SiteLevel.RELIEF_POINT, parent=station, is_24h=False,
                       district_code=station.district.code, open_in_cold_protocol=True,
                       hours=["Mon 01:00-02:00"])
             for station in (cast.shinan_substation, cast.laoshan_substation) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        states = services.open_states(sites, SATURDAY_NOON)
    assert [states[site.pk] for site in sites] == [True] * 3 + [False] * 3
    assert len(queries) == 1


def test_tonight_means_this_evening_or_the_one_before_dawn():
    assert services.tonight(FRIDAY_NIGHT).hour == 22
    assert services.tonight(FRIDAY_NIGHT).day == 4
    assert services.tonight(datetime.datetime(2026, 12, 5, 3, 0, tzinfo=SHANGHAI)).day == 4
