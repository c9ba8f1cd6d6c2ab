"""The register imported from CSV or XLSX: each bad row refused by row and column in Chinese,
nothing written unless every row is good, names already registered refused or, when asked,
updated; the row parser holds for any cell a file may carry."""

from __future__ import annotations

import csv
import datetime
import io
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from songnuan.cameras import importer
from songnuan.cameras.models import Camera
from songnuan.geo.coords import from_wgs84
from tests.cameras.factories import make_camera, make_owner
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, make_hotspot

HEADER = ["名称", "摄像头编号", "所属单位", "经度", "纬度", "坐标系", "区（市）", "监控的重点区域",
          "接入方式", "抓拍图片地址", "启用时段", "隐私遮挡区域"]
OWNER = "市南区城市管理局"


def row(name="青岛站南广场 1号", code="SN-N-001", owner=OWNER, at=SHINAN_STATION_SQUARE,
        coord="WGS-84", district="", hotspot="", feed="厂商平台推送识别结果", url="",
        hours="18:00-07:30", masks="0.6,0,0.4,0.3; 0,0.8,0.2,0.2") -> list[str]:
    return [name, code, owner, str(at[1]), str(at[0]), coord, district, hotspot, feed, url,
            hours, masks]


def csv_file(*rows: list[str], name: str = "cameras.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), "text/csv")


def xlsx_file(*rows: list[str]) -> SimpleUploadedFile:
    book = Workbook()
    for values in (HEADER, *rows):
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("cameras.xlsx", out.getvalue())


def post(client, upload, **fields):
    return client.post("/cameras/import/", {"file": upload, **fields})


@pytest.fixture
def owner(db):
    return make_owner(OWNER)[0]


# ------------------------------------------------------------------------------ through HTTP


def test_a_district_admin_imports_cameras_given_in_three_coordinate_systems(cast, client_for,
                                                                            owner):
    hotspot = make_hotspot()
    gcj = from_wgs84(*SHINAN_STATION_SQUARE, "gcj02")
    bd = from_wgs84(*SHINAN_STATION_SQUARE, "bd09")
    response = post(client_for(cast.shinan_admin), xlsx_file(
        row(),
        row("青岛站南广场 2号", "SN-N-002", at=gcj, coord="GCJ-02（高德、腾讯）",
            district="市南区"),
        row("青岛站南广场 3号", "", at=bd, coord="bd09", hotspot="青岛站东广场地下通道",
            feed="夜间轮询抓拍地址", url="http://10.20.0.7/snapshot.jpg", hours="", masks="")))
    assert response.status_code == 302
    cameras = {camera.name: camera for camera in Camera.objects.all()}
    assert len(cameras) == 3
    for camera in cameras.values():
        assert abs(camera.lat - SHINAN_STATION_SQUARE[0]) < 1e-5
        assert abs(camera.lon - SHINAN_STATION_SQUARE[1]) < 1e-5
        assert camera.district.code == "370202" and camera.owner == owner
        assert camera.hotspot == hotspot
    first, third = cameras["青岛站南广场 1号"], cameras["青岛站南广场 3号"]
    assert first.masks == [[0.6, 0.0, 0.4, 0.3], [0.0, 0.8, 0.2, 0.2]]
    assert first.active_until == datetime.time(7, 30)
    assert third.code == "青岛站南广场 3号" and third.feed_kind == "snapshot_url"
    assert third.snapshot_url == "http://10.20.0.7/snapshot.jpg"
    assert third.active_from == datetime.time(18, 0) and third.coord_system == "bd09"


def test_every_bad_row_is_named_in_chinese_and_nothing_is_written(cast, client_for, owner):
    make_camera(owner, code="SN-OLD-1", name="已登记的摄像头")
    response = post(client_for(cast.shinan_admin), csv_file(
        row(),
        row("天安门", "X-1", at=(39.9087, 116.3975)),
        row("无主摄像头", "X-2", owner="不存在的单位"),
        row("青岛站南广场 1号", "X-3"),
        row("已登记的摄像头", "X-4"),
        row("坏地址", "X-5", feed="夜间轮询抓拍地址", url="ftp://camera/1.jpg"),
        row("坏时段", "X-6", hours="18点到8点"),
        row("张村", "X-7", at=LAOSHAN_ZHANGCUN),
    ), update_existing="")
    assert response.status_code == 200
    found = {(error.row, error.field): error.message
             for error in response.context["result"].errors}
    assert set(found) == {(3, "纬度"), (4, "所属单位"), (5, "名称"), (6, "名称"),
                          (7, "抓拍图片地址"), (8, "启用时段"), (9, "纬度")}
    assert "本市范围" in found[(3, "纬度")]
    assert "不存在的单位" in found[(4, "所属单位")]
    assert "第 2 行" in found[(5, "名称")]
    assert "更新" in found[(6, "名称")]
    assert "18:00-08:00" in found[(8, "启用时段")]
    assert "所辖" in found[(9, "纬度")]
    page = response.content.decode()
    assert "未保存任何数据" in page and "不存在的单位" in page
    assert list(Camera.objects.values_list("name", flat=True)) == ["已登记的摄像头"]


def test_the_form_keeps_the_update_choice_when_the_file_is_refused(cast, client_for, owner):
    response = post(client_for(cast.shinan_admin), csv_file(row(owner="不存在的单位")),
                    update_existing="on")
    form = response.context["form"]
    assert form["update_existing"].value() is True
    checkbox = re.search(r'<input[^>]*name="update_existing"[^>]*>', response.content.decode())
    assert "checked" in checkbox.group(0)


def test_the_same_file_again_is_refused_or_updates_by_name_when_asked(cast, client_for, owner):
    client = client_for(cast.shinan_admin)
    assert post(client, csv_file(row())).status_code == 302
    again = post(client, csv_file(row(hours="20:00-06:00")))
    assert [error.field for error in again.context["result"].errors] == ["名称"]
    assert Camera.objects.get().active_from == datetime.time(18, 0)
    updated = post(client, csv_file(row(hours="20:00-06:00")), update_existing="on")
    assert updated.status_code == 302
    camera = Camera.objects.get()
    assert (camera.active_from, camera.active_until) == (datetime.time(20), datetime.time(6))


def test_a_camera_of_another_district_is_not_updated_from_a_file(cast, client_for, owner):
    make_camera(owner, code="LS-1", name="张村河桥下", at=LAOSHAN_ZHANGCUN)
    response = post(client_for(cast.shinan_admin), csv_file(row("张村河桥下", "LS-1")),
                    update_existing="on")
    assert [error.field for error in response.context["result"].errors] == ["名称"]
    assert Camera.objects.get().district.code == "370212"


def test_a_district_that_does_not_hold_the_point_is_refused(cast, client_for, owner):
    response = post(client_for(cast.city_admin), csv_file(row(district="崂山区")))
    [error] = response.context["result"].errors
    assert error.field == "区（市）" and "市南区" in error.message
    assert not Camera.objects.exists()


def test_only_staff_who_may_add_cameras_import_them(cast, client_for, owner):
    assert client_for(cast.shinan_dispatcher).get("/cameras/import/").status_code == 403
    assert post(client_for(cast.shinan_viewer), csv_file(row())).status_code == 403
    assert not Camera.objects.exists()


def test_the_templates_carry_the_forms_labels_in_chinese(cast, client_for):
    client = client_for(cast.shinan_admin)
    text = client.get("/cameras/import/template.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == HEADER
    book = load_workbook(io.BytesIO(client.get("/cameras/import/template.xlsx").content))
    assert [cell.value for cell in book.active[1]] == HEADER
    assert client.get("/cameras/import/template.pdf").status_code == 404


# ------------------------------------------------------------------------------ the row parser

LOOKUPS = importer.Lookups(
    owners={OWNER: [SimpleNamespace(pk=1, name=OWNER)]},
    hotspots={"青岛站东广场地下通道": [SimpleNamespace(pk=7)]},
    districts={"市南区": SimpleNamespace(pk=2, name="市南区")},
    feed_kinds={"vendor_push": "vendor_push", "snapshot_url": "snapshot_url",
                "manual_upload": "manual_upload"},
    coords={"wgs84": "wgs84", "gcj02": "gcj02", "bd09": "bd09", "wgs-84": "wgs84",
            "gcj-02": "gcj02", "bd-09": "bd09"},
)
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional=dict.fromkeys(importer.KEYS, texts)))
def test_the_parser_refuses_any_cell_it_cannot_read_and_never_raises(cells):
    parsed, errors = importer.parse_row(cells, LOOKUPS)
    assert (parsed is None) == bool(errors)
    assert {key for key, _message in errors} <= set(importer.KEYS)
    assert all(message for _key, message in errors)


times = st.times().map(lambda moment: moment.replace(second=0, microsecond=0))
fractions = st.integers(0, 99).map(lambda n: n / 100)


@st.composite
def masks(draw) -> list[list[float]]:
    shapes = []
    for _ in range(draw(st.integers(0, 3))):
        x, y = draw(fractions), draw(fractions)
        w = draw(st.integers(1, int(round((1 - x) * 100)))) / 100
        h = draw(st.integers(1, int(round((1 - y) * 100)))) / 100
        shapes.append([x, y, w, h])
    return shapes


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(-90, 90), lon=st.floats(-180, 180), coord=st.sampled_from(
    ["", "wgs84", "WGS-84", "GCJ-02", "gcj_02", "bd09", "BD-09"]), start=times, end=times,
    shapes=masks(), separator=st.sampled_from(["-", "–", "~", "至"]),
    feed=st.sampled_from(["vendor_push", "snapshot_url", "manual_upload"]))
def test_a_well_formed_row_reads_back_what_it_says(lat, lon, coord, start, end, shapes,
                                                   separator, feed):
    cells = {"name": "桥下 1号", "code": "Q-1", "owner": f" {OWNER} ", "lat": f"{lat:.6f}",
             "lon": f"{lon:.6f}", "coord": coord, "feed_kind": feed,
             "active_hours": f"{start:%H:%M}{separator}{end:%H:%M}",
             "masks": "; ".join(",".join(f"{v:g}" for v in shape) for shape in shapes)}
    parsed, errors = importer.parse_row(cells, LOOKUPS)
    if start == end:
        assert [key for key, _message in errors] == ["active_hours"]
        return
    assert errors == []
    data = parsed.data
    assert (data.lat, data.lon) == (float(f"{lat:.6f}"), float(f"{lon:.6f}"))
    assert data.coord == (coord.lower().replace("-", "").replace("_", "") or "wgs84")
    assert (data.active_from, data.active_until) == (start, end)
    assert data.masks == [[round(v, 4) for v in shape] for shape in shapes]
    assert data.owner.pk == 1 and data.feed_kind == feed and parsed.district is None
