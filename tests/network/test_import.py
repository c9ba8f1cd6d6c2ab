"""Bulk import: every row checked, a row-by-row report, nothing written unless all are valid."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from songnuan.network import transfer
from songnuan.network.models import Site

HEADER = transfer.COLUMNS
GOOD = {
    "name": "琴岛驿家·湛山社区警务室", "level": "relief", "parent": "市南区救助管理分站",
    "host_type": "police_room", "qindao_yijia": "是", "address": "市南区湛山路5号",
    "lat": "36.0600", "lon": "120.3900", "coord": "wgs84", "hours": "Mon-Sun 18:00-08:00",
    "services": "warm_room;hot_food", "seats": "6", "phone": "0532-80001111",
}


def csv_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in HEADER})
    return buffer.getvalue().encode("utf-8-sig")


def run(rows, user):
    return transfer.import_sites(transfer.read_table("sites.csv", csv_bytes(rows)), user)


@pytest.fixture(autouse=True)
def _english(english):
    pass


def test_a_valid_file_creates_every_site_with_parents_from_the_file(cast):
    rows = [
        {**GOOD},
        {**GOOD, "name": "求助引导点·湛山地铁站", "level": "求助引导点", "host_type": "other",
         "hours": "", "is_24h": "yes", "services": "guidance"},
        {**GOOD, "name": "琴岛驿家·新分站下", "parent": "市南区第二分站"},
        {**GOOD, "name": "市南区第二分站", "level": "sub", "parent": "青岛市救助管理站",
         "host_type": "rescue_station", "is_24h": "yes", "hours": "", "beds": "20"},
    ]
    result = run(rows, cast.city_admin)
    assert result.ok, result.errors
    assert len(result.created) == 4
    child = Site.objects.get(name="琴岛驿家·新分站下")
    assert child.parent.name == "市南区第二分站" and child.district.code == "370202"
    assert child.hours == ["Mon-Sun 18:00-08:00"] and child.is_qindao_yijia


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_reported(cast):
    rows = [
        {**GOOD},
        {**GOOD, "name": "坐标错误", "lat": "120.39", "lon": "36.06"},
        {**GOOD, "name": "区县错误", "district": "火星区", "district_reason": "测试"},
        {**GOOD, "name": "上级缺失", "parent": "不存在的分站"},
        {**GOOD},  # duplicate of the first row
        {**GOOD, "name": "琴岛驿家·八大关"},  # duplicate of an existing site
        {**GOOD, "name": "时间错误", "hours": "每天 晚上"},
        {**GOOD, "name": "层级错误", "parent": "琴岛驿家·八大关"},
    ]
    before = Site.objects.count()
    result = run(rows, cast.city_admin)
    assert Site.objects.count() == before
    problems = {(error.row, error.field) for error in result.errors}
    assert (3, "lat") in problems  # swapped coordinates
    assert (4, "district") in problems
    assert (5, "parent") in problems
    assert (6, "name") in problems and (7, "name") in problems
    assert (8, "hours") in problems
    assert (9, "parent") in problems
    messages = " ".join(error.message for error in result.errors)
    assert "swapped" in messages and "Unknown district" in messages
    assert "Missing parent" in messages and "Duplicate" in messages


def test_a_district_administrator_cannot_import_into_another_district(cast):
    result = run([{**GOOD, "parent": "崂山区救助管理分站"}], cast.laoshan_admin)
    assert not result.ok
    assert {error.field for error in result.errors} == {"district"}


def test_an_xlsx_file_is_read_like_a_csv(cast):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([GOOD.get(column, "") for column in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    table = transfer.read_table("sites.xlsx", buffer.getvalue())
    result = transfer.import_sites(table, cast.city_admin)
    assert result.ok, result.errors


def test_a_file_without_the_needed_columns_is_refused(cast):
    with pytest.raises(transfer.ImportFileError):
        transfer.read_table("x.csv", b"foo,bar\n1,2\n")


def test_the_import_page_shows_the_report_and_saves_nothing(cast, client):
    client.force_login(cast.city_admin)
    upload = SimpleUploadedFile("sites.csv", csv_bytes([{**GOOD, "lat": "abc"}]))
    response = client.post("/network/sites/import/", {"file": upload})
    assert response.status_code == 200
    assert "abc" not in Site.objects.values_list("name", flat=True)
    assert response.context["result"].errors[0].row == 2


def test_export_then_import_round_trips(cast, client):
    client.force_login(cast.city_admin)
    exported = client.get("/network/sites/export.csv").content
    table = transfer.read_table("sites.csv", exported)
    assert {row["name"] for row in table} >= {"琴岛驿家·八大关", "市南区救助管理分站"}
    row = next(row for row in table if row["name"] == "琴岛驿家·沙子口")
    row["name"] = "琴岛驿家·沙子口二号"
    result = transfer.import_sites([row], cast.city_admin)
    assert result.ok, result.errors
    copy = result.created[0]
    assert (copy.parent, copy.district, copy.hours) == (
        cast.laoshan_point.parent, cast.laoshan_point.district, cast.laoshan_point.hours)
