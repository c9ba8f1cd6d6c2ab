"""The camera register imported in the browser: a file with one bad row is refused row by row
and nothing is stored; the corrected file puts the cameras on the register's map and, as a
layer to switch on, on the hotspot map; the camera page says how its threshold was learnt."""

from __future__ import annotations

import csv
import datetime
import io
import re

from django.utils import timezone
from playwright.sync_api import expect

from songnuan.cameras.models import Camera, CandidateStatus, DismissReason
from tests.cameras.factories import make_owner
from tests.cameras.test_figures import candidate
from tests.cameras.test_import import HEADER, row
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.leads.factories import make_hotspot

NEAR_THE_STATION = (36.0660, 120.3150)


def register_file(*rows: list[str]) -> dict:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return {"name": "摄像头台账.csv", "mimeType": "text/csv",
            "buffer": buffer.getvalue().encode("utf-8")}


def upload(page, file: dict) -> None:
    page.locator("input[name=file]").set_input_files(file)
    page.get_by_role("button", name="检查并导入").click()


def markers(page, box: str, kind: str) -> list[str]:
    return page.evaluate("""([box, kind]) => {
        const names = [];
        document.getElementById(box).leafletMap.eachLayer(layer => {
            const p = layer.feature && layer.feature.properties;
            if (p && p.kind === kind && layer.getLatLng) { names.push(p.name); }
        });
        return names;
    }""", [box, kind])


def test_a_register_with_a_bad_row_is_refused_then_imported_onto_the_maps(cast, new_page):
    make_owner("市南区城市管理局")
    make_hotspot()
    good = row()
    second = row("青岛站前广场 2号", "SN-N-002", at=NEAR_THE_STATION)
    bad = row("青岛站前广场 2号", "SN-N-002", owner="市南区城管局", at=NEAR_THE_STATION)

    page = new_page(DESKTOP)
    log_in(page, cast.shinan_admin.username, PASSWORD)
    page.goto("/cameras/")
    page.get_by_role("link", name="导入摄像头").click()
    page.get_by_label("更新已登记的摄像头").check()
    upload(page, register_file(good, bad))
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("3")
    expect(errors.first).to_contain_text("所属单位")
    expect(errors.first).to_contain_text("市南区城管局")
    expect(page.get_by_label("更新已登记的摄像头")).to_be_checked()
    assert not Camera.objects.exists()
    screenshot(page, "cameras-import-error-1366x900")

    phone = new_page(PHONE)
    log_in(phone, cast.shinan_admin.username, PASSWORD)
    phone.goto("/cameras/import/")
    upload(phone, register_file(good, bad))
    expect(phone.locator("table.import-errors tbody tr")).to_have_count(1)
    screenshot(phone, "cameras-import-error-390x844")

    upload(page, register_file(good, second))
    page.wait_for_url("**/cameras/")
    expect(page.locator(".messages")).to_contain_text("已导入 2 个新摄像头")
    expect(page.locator("#camera-map")).to_have_attribute("data-loaded", re.compile(r"\d+"))
    assert sorted(markers(page, "camera-map", "camera")) == ["青岛站前广场 2号", "青岛站南广场 1号"]

    page.goto("/outreach/hotspots/")
    expect(page.locator("#hotspot-map")).not_to_have_attribute("data-layer-cameras", "2")
    page.locator(".leaflet-control-layers").get_by_text("摄像头").click()
    expect(page.locator("#hotspot-map")).to_have_attribute("data-layer-cameras", "2")
    assert len(markers(page, "hotspot-map", "camera")) == 2
    screenshot(page, "hotspots-with-cameras-1366x900")


def test_the_camera_page_explains_its_threshold(cast, new_page):
    owner, _secret = make_owner("市南区城市管理局")
    page = new_page(DESKTOP)
    log_in(page, cast.shinan_admin.username, PASSWORD)
    page.goto("/cameras/import/")
    upload(page, register_file(row()))
    camera = Camera.objects.get()
    now = timezone.now()
    for n in range(12):
        taken = now - datetime.timedelta(hours=10 * n + 1)
        if n < 9:
            candidate(camera, taken, CandidateStatus.DISMISSED, taken, DismissReason.NOT_A_PERSON)
        else:
            candidate(camera, taken, CandidateStatus.CONFIRMED, taken)
    page.goto(f"/cameras/{camera.pk}/")
    expect(page.locator("#camera-threshold")).to_contain_text("12 次中 9 次被驳回为非人员或路人")
    screenshot(page, "cameras-threshold-1366x900")
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_admin.username, PASSWORD)
    phone.goto(f"/cameras/{camera.pk}/")
    expect(phone.locator("#camera-threshold")).to_contain_text("阈值 0.57")
    screenshot(phone, "cameras-threshold-390x844")
