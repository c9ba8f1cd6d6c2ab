"""A district manager aims next week's patrols: the cold week's hour grid, down to the leads."""

from __future__ import annotations

import datetime

from songnuan.outreach.models import EncounterOutcome as O
from songnuan.weather.models import Forecast, Source
from tests.analytics.factories import at, encounter, hotspot, lead, offset, person
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import LAOSHAN, PASSWORD, SHINAN, build_cast, district
from tests.outreach.factories import make_squad

PARK = (36.0710, 120.3400)
STATION = (36.0645, 120.3125)


def _cold_week():
    """Nights of 11–17 January 2027 in 市南区 (and one lead in 崂山区 she must not see)."""
    for night in range(7):
        day = datetime.date(2027, 1, 11) + datetime.timedelta(days=night)
        begin = at(f"{day} 18:00")
        Forecast.objects.create(district=district(SHINAN), starts_at=begin,
                                ends_at=begin + datetime.timedelta(hours=14),
                                min_c=-9.0 + night, max_c=0.0, source=Source.MANUAL)
    late = lead("2027-01-11 23:20", SHINAN, place="火车站地下通道")
    lead("2027-01-12 01:40", SHINAN, place="栈桥")
    lead("2027-01-13 21:05", SHINAN, place="中山公园")
    lead("2027-01-11 23:30", LAOSHAN, place="崂山区某处")
    squad = make_squad()
    hotspot("火车站广场", STATION)
    for i in range(3):
        encounter(squad, f"2027-01-1{1 + i} 23:00", O.REFUSED,
                  [(person(f"无名{i}甲"), O.REFUSED), (person(f"无名{i}乙"), O.REFUSED)],
                  where=offset(PARK, north_m=20 * i), place="中山公园北门")
    return late


def test_a_district_manager_drills_from_the_hour_grid_to_the_leads(new_page):
    build_cast()
    late = _cold_week()
    for device, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_page(device)
        errors: list[str] = []
        page.on("pageerror", lambda error, seen=errors: seen.append(str(error)))
        log_in(page, "shinan.admin", PASSWORD)
        page.goto("/analytics/")
        page.fill("#id_first", "2027-01-11")
        page.fill("#id_last", "2027-01-17")
        page.click("#analytics-filters button[type=submit]")
        cell = page.locator("#leads-grid a[data-cell='0-23']")
        assert cell.inner_text() == "1"  # 崂山区's lead of the same hour is not hers
        assert page.locator("#cold-table").inner_text().count("-9.0") == 1
        screenshot(page, f"analytics-when-{name}")
        cell.click()
        page.wait_for_url("**/analytics/rows/**")
        rows = page.locator("#drill-rows tbody tr")
        assert rows.count() == 1
        assert late.tracking_code in rows.first.inner_text()
        screenshot(page, f"analytics-rows-{name}")
        page.goto("/analytics/where/?first=2027-01-11&last=2027-01-17")
        page.wait_for_function("document.querySelector('#where-map .leaflet-pane') !== null")
        assert page.locator("#proposal-1").count() == 1
        page.wait_for_selector("#where-map .marker-cluster")  # the 3 encounters, clustered
        assert page.evaluate("document.getElementById('where-map').leafletMap.getZoom()") >= 13
        assert errors == []
        screenshot(page, f"analytics-where-{name}")
