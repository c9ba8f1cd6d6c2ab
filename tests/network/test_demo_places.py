"""The demo's named places stand where they really are: a guidance point named after 青岛站 is at
青岛站, a relief point named after a street (街道) stands in that street, hotspots named after a
landmark are at the landmark. Reference positions are the landmarks' published WGS-84
coordinates (degrees, minutes, seconds), independent of the demo's own table."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from songnuan.demo import DemoContext
from songnuan.demo import network as demo
from songnuan.demo.outreach import HOTSPOTS
from songnuan.geo.distance import haversine_m
from songnuan.network.models import Site, SiteLevel
from tests.factories import ensure_districts

pytestmark = pytest.mark.django_db


def dms(degrees: int, minutes: int, seconds: float = 0) -> float:
    return degrees + minutes / 60 + seconds / 3600


# name → (lat, lon, how far the demo may stand from it in metres: a square or a station's
# forecourt is a few hundred metres across, a beach or an airport more).
LANDMARKS = {
    "青岛站": (dms(36, 3, 55), dms(120, 18, 44), 300),
    "五四广场": (dms(36, 3, 37), dms(120, 23, 3), 300),
    "栈桥": (dms(36, 3, 37), dms(120, 19, 3), 300),
    "石老人": (dms(36, 5, 48), dms(120, 28, 5), 400),
    "青岛北站": (dms(36, 10, 11), dms(120, 22, 26), 400),
    "胶东国际机场": (dms(36, 21, 43), dms(120, 5, 17), 800),
    "金沙滩": (dms(35, 58), dms(120, 15), 1500),
    "八大关": (dms(36, 3, 15), dms(120, 21, 15), 600),
    "台东": (dms(36, 5, 2), dms(120, 21, 0), 500),
    "李村": (dms(36, 9, 33), dms(120, 25, 43), 500),
}


def landmark_in(name: str) -> str | None:
    return next((landmark for landmark in LANDMARKS if landmark in name), None)


def distance_to(landmark: str, lat: float, lon: float) -> float:
    ref_lat, ref_lon, _tolerance = LANDMARKS[landmark]
    return haversine_m(ref_lat, ref_lon, lat, lon)


@pytest.fixture
def network():
    ensure_districts()
    ctx = DemoContext(random.Random(2026), 1.0,
                      timezone.make_aware(datetime.datetime(2026, 12, 20, 22, 0)))
    demo.populate(ctx)
    return ctx


def test_every_guidance_point_named_after_a_landmark_stands_at_it(network):
    checked = 0
    for site in Site.objects.filter(level=SiteLevel.GUIDANCE_POINT):
        landmark = landmark_in(site.name)
        if landmark is None:
            assert "一号引导点" in site.name, f"{site.name} names a place the test does not know"
            continue
        assert distance_to(landmark, site.lat, site.lon) <= LANDMARKS[landmark][2], site.name
        checked += 1
    assert checked >= 5
    station_square = Site.objects.get(name="求助引导点·青岛站南广场")
    assert distance_to("五四广场", station_square.lat, station_square.lon) > 5000


def test_relief_points_stand_in_the_street_they_are_named_after(network):
    centres = {street: (lat, lon) for streets in demo.STREETS.values()
               for street, lat, lon in streets}
    points = Site.objects.filter(level=SiteLevel.RELIEF_POINT)
    assert points.exists()
    for site in points:
        street = next(street for street in centres if site.name.startswith(f"琴岛驿家·{street}")
                      or f"·福彩{street}" in site.name)
        assert haversine_m(*centres[street], site.lat, site.lon) < 600, site.name
        landmark = landmark_in(street)
        if landmark is not None:
            assert distance_to(landmark, site.lat, site.lon) <= LANDMARKS[landmark][2] + 600


def test_the_street_table_agrees_with_the_landmarks_it_shares_a_name_with():
    for streets in demo.STREETS.values():
        for street, lat, lon in streets:
            landmark = landmark_in(street)
            if landmark is not None:
                assert distance_to(landmark, lat, lon) <= LANDMARKS[landmark][2], street


def test_the_demo_hotspots_named_after_landmarks_stand_at_them():
    for name, *_kind, lat, lon, _address, _note in HOTSPOTS:
        landmark = landmark_in(name)
        if landmark is not None:
            assert distance_to(landmark, lat, lon) <= LANDMARKS[landmark][2] + 200, name
