"""The demo season: a Qingdao early winter in which the protocol activates several times."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan.network.models import District
from songnuan.weather.backtests import backtest
from songnuan.weather.evaluation import active_rules
from songnuan.weather.levels import ProtocolLevel as L
from songnuan.weather.models import Forecast, ProtocolDecision, WeatherWarning
from songnuan.weather.protocol import current_campaign, protocol_active
from tests.demo.conftest import DEMO_CLOCK

NOW = timezone.make_aware(datetime.datetime.fromisoformat(DEMO_CLOCK))

# The small demo is loaded once for the package (tests/demo/conftest.py), at NOW.
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def season(demo, db):
    """The package's demo, whose clock is NOW: 29 November, the season's cold waves behind it."""


def test_the_demo_season_is_a_plausible_qingdao_winter_in_which_the_protocol_activates(season):
    shinan = District.objects.get(code="370202")
    lows = [row.min_c for row in Forecast.objects.filter(district=shinan, ends_at__lte=NOW)]
    assert -8 < min(lows) < -2 and max(lows) < 16
    nightly = sorted(lows)[len(lows) // 10: len(lows) // 2]
    assert all(-6 <= low <= 8 for low in nightly)
    assert Forecast.objects.filter(starts_at__gt=NOW + datetime.timedelta(days=4)).exists()
    assert Forecast.objects.filter(precipitation="snow").exists()
    assert set(WeatherWarning.objects.values_list("type", flat=True)) >= {
        "cold_wave", "blizzard", "road_icing", "gale"}

    for district in District.objects.all():
        decisions = list(ProtocolDecision.objects.filter(district=district, is_override=False)
                         .order_by("starts_at"))
        activations = sum(1 for before, after in zip(decisions, decisions[1:], strict=False)
                          if before.level == L.NORMAL and after.level > L.NORMAL)
        assert activations + (decisions[0].level > 0) >= 2, district
        assert any(d.level >= L.SEVERE_COLD for d in decisions), district
        for before, after in zip(decisions, decisions[1:], strict=False):
            assert before.ends_at == after.starts_at  # one unbroken record per district
    assert protocol_active(District.objects.get(code="370283").pk, NOW)
    assert ProtocolDecision.objects.filter(rule="warning").exists()

    # The recorded season agrees with a backtest of the same rules.
    start = timezone.make_aware(datetime.datetime(2026, 11, 4))
    result = backtest(active_rules(), shinan, start, NOW)
    recorded = [(d.starts_at, d.level) for d in result.recorded if not d.is_override]
    replayed = [(item.at, item.level) for item in result.changes]
    assert recorded == replayed
    assert result.activations >= 2

    campaign = current_campaign(NOW)
    assert (campaign.starts_on, campaign.planned_end_on) == (
        datetime.date(2026, 11, 4), datetime.date(2027, 3, 15))
