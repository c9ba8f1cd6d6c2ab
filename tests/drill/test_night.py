"""The generated night: what a real night brings, the same for the same seed."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from songnuan.drill.night import District, Hotspot, generate

START = datetime.datetime(2027, 1, 15, 18, 0, tzinfo=datetime.UTC)
HOTSPOTS = [Hotspot("青岛站东广场地下通道", 36.0652, 120.3143, 1, 3),
            Hotspot("台东步行街东口地下通道", 36.0835, 120.3560, 2, 3),
            Hotspot("五四广场", 36.0617, 120.3844, 1, 2)]
DISTRICTS = [District(1, "市南区", 36.0671, 120.3826), District(2, "市北区", 36.0876, 120.3749)]


def night(**options):
    values = {"hotspots": HOTSPOTS, "districts": DISTRICTS, "start": START, "hours": 12,
              "reports": 150, "seed": 4} | options
    return generate(**values)


def test_the_same_seed_gives_the_same_night():
    assert night().reports == night().reports
    assert night().reports != night(seed=5).reports


def test_a_night_brings_what_real_nights_bring():
    generated = night()
    reports = generated.reports
    assert len(reports) == 150
    assert all(START <= r.at <= generated.end for r in reports)
    without_coordinates = [r for r in reports if r.lat is None]
    assert 0.2 < len(without_coordinates) / len(reports) < 0.5
    assert all(r.place and r.district_id for r in without_coordinates)
    # Several reporters for one person, and several people at one hotspot.
    per_person: dict[int, int] = {}
    for r in reports:
        per_person[r.person] = per_person.get(r.person, 0) + 1
    assert max(per_person.values()) >= 3
    at_station = {p.key for p in generated.people if p.hotspot == "青岛站东广场地下通道"}
    assert len(at_station) >= 5
    assert any(p.leaves_at < generated.end for p in generated.people)
    assert any(p.leaves_at > generated.end for p in generated.people)


def test_a_surge_packs_reports_into_a_burst():
    calm, surge = night(reports=300), night(reports=300, surge=True)

    def busiest_hour(reports):
        return max(sum(1 for r in reports if h <= (r.at - START).total_seconds() / 3600 < h + 1)
                   for h in range(12))

    assert busiest_hour(surge.reports) > 1.5 * busiest_hour(calm.reports)


@settings(max_examples=30)
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=80))
def test_every_report_is_about_someone_who_is_there(seed, count):
    generated = night(seed=seed, reports=count)
    people = {p.key: p for p in generated.people}
    assert len(generated.reports) == count
    for report in generated.reports:
        person = people[report.person]
        assert person.appears_at <= report.at < person.leaves_at
        assert report.people_count >= 1
