"""`songnuan demo --city 哈尔滨市`: a smaller generated winter on Harbin's own map."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Min

from songnuan.accounts.models import User
from songnuan.geo import districts as geo_districts
from songnuan.leads.models import Lead
from songnuan.network.city import forget_city, served_city
from songnuan.network.models import District, Site
from songnuan.weather.models import Forecast, ProtocolDecision, ProtocolRules
from tests.conftest import forget_process_caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbin_demo():
    forget_process_caches()
    printed = StringIO()
    call_command("demo", "--city", "哈尔滨市", "--now", "2026-12-20T22:00", stdout=printed)
    yield printed.getvalue()
    forget_city()
    forget_process_caches()


def test_the_harbin_demo_is_a_colder_winter_on_harbins_districts(harbin_demo):
    assert "Loading the 哈尔滨市 demo" in harbin_demo and "size small" in harbin_demo
    assert served_city().name == "哈尔滨市"
    assert set(District.objects.values_list("code", flat=True)) == {
        d.code for d in geo_districts.load_city("230100").districts}
    sites = list(Site.objects.select_related("district"))
    assert len(sites) > 40
    for site in sites:
        found = geo_districts.district_at(site.lat, site.lon, tolerance_m=0)
        assert found is not None and found.code == site.district.code, site.name
    assert not any("琴岛" in site.name or "青岛" in site.name for site in sites)
    assert Lead.objects.exclude(district__code__startswith="2301").count() == 0
    assert Lead.objects.count() > 100
    assert User.objects.filter(username="admin").exists()
    december = Forecast.objects.filter(starts_at__date__gte=datetime.date(2026, 12, 1))
    assert december.aggregate(low=Min("min_c"))["low"] < -15
    # Its bureau's rules are set for Harbin's winter, so the protocol still rises and falls.
    rules = ProtocolRules.objects.get(is_active=True)
    assert rules.city_code == "230100" and rules.extreme_min_c < -20
    levels = set(ProtocolDecision.objects.filter(is_override=False).values_list("level", flat=True))
    assert {0, 3} <= levels
