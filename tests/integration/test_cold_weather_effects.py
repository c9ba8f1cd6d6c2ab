"""The cold-weather protocol reaches the other apps: lead priority and public opening state."""

from __future__ import annotations

import datetime

from django.utils import timezone

from songnuan.leads import triage
from songnuan.network.services import open_now
from songnuan.weather.overrides import set_override
from songnuan.weather.protocol import protocol_level
from tests.factories import make_site
from tests.leads.factories import report


def declare_severe_cold(cast, district):
    return set_override(district, 2, "寒潮夜间提级", timezone.now() + datetime.timedelta(hours=6),
                        by=cast.city_admin)


def test_an_active_protocol_raises_a_leads_priority_and_says_why(cast):
    shinan = cast.shinan_admin.district
    before = report(description="地下通道有人躺着")
    declare_severe_cold(cast, shinan)
    assert protocol_level(shinan.pk) == 2
    after = report(description="地下通道有人躺着")
    assert after.priority > before.priority
    explained = [triage.explain(reason) for reason in after.priority_reasons]
    assert "+2 寒潮应急响应：严寒" in explained


def test_a_point_open_around_the_clock_under_the_protocol_opens_when_it_is_declared(cast):
    shinan = cast.shinan_admin.district
    soon = timezone.localtime() + datetime.timedelta(minutes=5)
    # Its ordinary evening hours start later than "soon", whatever time the suite runs.
    opens, closes = (soon.hour + 3) % 24, (soon.hour + 5) % 24
    point = make_site("琴岛驿家·中山路", level="relief", parent=cast.shinan_substation,
                      hours=[f"Mon-Sun {opens:02d}:00-{closes:02d}:00"], is_24h=False,
                      open_in_cold_protocol=True)
    assert not open_now(point, soon)
    declare_severe_cold(cast, shinan)
    assert open_now(point, soon)
