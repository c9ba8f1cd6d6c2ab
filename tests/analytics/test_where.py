"""Hotspots ranked by people found, and new hotspots proposed from clusters of encounters."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from songnuan.analytics import rows, where
from songnuan.analytics.selection import select
from songnuan.outreach.models import EncounterOutcome as O
from tests.analytics.factories import STATION, ZHANQIAO, encounter, hotspot, offset, person
from tests.factories import district
from tests.outreach.factories import make_squad

FIRST, LAST = datetime.date(2027, 1, 11), datetime.date(2027, 1, 17)
# 中山公园 in 市南区, about 2.5 km from the station: no hotspot there.
PARK = (36.0710, 120.3400)


def _found(squad, when: str, where_, n: int = 1, place: str = "中山公园"):
    people = [(person(f"无名{when}{i}"), O.REFUSED) for i in range(n)]
    return encounter(squad, when, O.REFUSED, people, where=where_, place=place)


def test_hotspots_are_ranked_by_people_found_nearby(cast):
    squad = make_squad()
    station = hotspot("火车站广场", STATION)
    pier = hotspot("栈桥", ZHANQIAO)
    _found(squad, "2027-01-11 22:00", offset(STATION, north_m=120), 2)
    _found(squad, "2027-01-12 22:00", offset(ZHANQIAO, east_m=250), 3)
    _found(squad, "2027-01-13 22:00", offset(ZHANQIAO, east_m=-100), 1)
    _found(squad, "2027-01-13 23:00", offset(ZHANQIAO, east_m=420), 5)  # too far: neither
    sel = select(cast.shinan_admin, FIRST, LAST)

    ranked = where.ranked_hotspots(sel)

    assert [(r.hotspot, r.people, r.encounters) for r in ranked] == [(pier, 4, 2),
                                                                     (station, 2, 1)]
    assert rows.drill(sel, "hotspot", str(pier.pk)).rows.count() == 2


def test_a_dense_place_away_from_hotspots_is_proposed_with_its_evidence(cast):
    squad = make_squad()
    hotspot("火车站广场", STATION)
    cluster = [_found(squad, "2027-01-11 23:00", PARK, 2),
               _found(squad, "2027-01-12 01:00", offset(PARK, north_m=60), 1),
               _found(squad, "2027-01-13 21:00", offset(PARK, east_m=80), 2)]
    _found(squad, "2027-01-14 21:00", offset(PARK, east_m=900), 4)  # alone: noise
    for night in ("2027-01-11 22:00", "2027-01-12 22:00", "2027-01-13 22:00"):
        _found(squad, night, offset(STATION, north_m=50), 3)  # at a hotspot already
    sel = select(cast.shinan_admin, FIRST, LAST)

    [proposal] = where.proposals(sel)

    assert proposal.people == 5
    assert sorted(proposal.encounter_ids) == sorted(e.pk for e in cluster)
    assert (proposal.first, proposal.last, proposal.nights) == (
        datetime.date(2027, 1, 11), datetime.date(2027, 1, 13), 2)
    assert proposal.district == "市南区"
    assert proposal.radius_m < 100
    assert abs(proposal.lat - PARK[0]) < 0.001 and abs(proposal.lon - PARK[1]) < 0.001
    assert set(rows.drill(sel, "proposal", "1").rows) == set(cluster)


def test_too_few_people_make_no_proposal(cast):
    squad = make_squad()
    _found(squad, "2027-01-11 23:00", PARK, 2)
    _found(squad, "2027-01-12 23:00", offset(PARK, north_m=40), 2)

    assert where.proposals(select(cast.city_admin, FIRST, LAST)) == []


def test_the_where_page_draws_the_map_from_local_files_and_exports(cast, client_for):
    squad = make_squad()
    hotspot("火车站广场", STATION)
    for i, night in enumerate(("2027-01-11 23:00", "2027-01-12 23:00", "2027-01-13 23:00")):
        _found(squad, night, offset(PARK, north_m=30 * i), 2)
    client = client_for(cast.shinan_admin)
    week = {"first": FIRST, "last": LAST, "district": district("370202").pk}

    page = client.get(reverse("analytics:where"), week)
    book = load_workbook(io.BytesIO(client.get(reverse("analytics:where_export"), week).content))

    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/vendor/leaflet.heat/leaflet-heat.js" in html
    assert "//" not in "".join(part.split('"')[0] for part in html.split('src="')[1:])
    assert len(page.context["map_data"]["encounters"]) == 3
    assert page.context["map_data"]["proposals"][0]["people"] == 6
    assert [r[4] for r in book.worksheets[2].iter_rows(min_row=2, values_only=True)] == [6]
