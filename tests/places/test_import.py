"""Importing places: all rows or none, each refusal with its row and column."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from songnuan.places import importer
from songnuan.places.models import Place
from tests.factories import ensure_districts

GOOD = ("name,aliases,kind,lat,lon,coord\n"
        "青岛站,青岛火车站;火车站,transport_station,36.0644,120.3128,wgs84\n"
        "五四广场,五月的风,地标,36.0617,120.3842,\n")


@pytest.fixture(autouse=True)
def _english(db):
    ensure_districts()
    with translation.override("en"):
        yield


def run(text: str, user=None) -> importer.ImportResult:
    return importer.import_places(importer.read_places("places.csv", text.encode()), user)


def test_a_clean_file_is_imported_with_aliases_kinds_and_districts():
    result = run(GOOD)
    assert result.ok and len(result.created) == 2
    station = Place.objects.get(name="青岛站")
    assert station.aliases == ["青岛火车站", "火车站"]
    assert station.kind == "transport_station" and station.district.name == "市南区"
    assert Place.objects.get(name="五四广场").kind == "landmark"  # the Chinese label


def test_each_bad_row_is_refused_with_its_row_and_column_and_nothing_is_saved():
    Place.objects.create(name="栈桥", lat=36.0594, lon=120.3197,
                         district_id=_district_id("370202"))
    result = run(
        "name,aliases,kind,lat,lon,coord\n"
        "青岛站,,transport_station,36.0644,120.3128,wgs84\n"  # row 2: fine
        "青岛站,,landmark,36.1686,120.3742,wgs84\n"  # row 3: same name as row 2
        "栈 桥,,landmark,36.0596,120.3199,wgs84\n"  # row 4: already in the gazetteer nearby
        "天安门,,landmark,39.9087,116.3975,wgs84\n"  # row 5: outside the city
        "中山公园,,garden,36.0640,120.3480,wgs84\n"  # row 6: unknown kind
        "八大关,,landmark,36.0535,120.3500,utm\n"  # row 7: unknown coordinate system
        "汇泉广场,,landmark,north,120.3410,wgs84\n"  # row 8: not numbers
        ",,landmark,36.0580,120.3410,wgs84\n"  # row 9: no name
    )
    found = {(error.row, error.field): error.message for error in result.errors}
    assert set(found) == {(3, "name"), (4, "name"), (5, "lat"), (6, "kind"), (7, "coord"),
                          (8, "lat"), (9, "name")}
    assert "row 2" in found[(3, "name")]
    assert "栈桥" in found[(4, "name")] and "already in the gazetteer" in found[(4, "name")]
    assert "outside Qingdao" in found[(5, "lat")]
    assert "garden" in found[(6, "kind")]
    assert "utm" in found[(7, "coord")]
    assert list(Place.objects.values_list("name", flat=True)) == ["栈桥"]


def test_gcj02_and_bd09_points_are_stored_in_wgs84():
    result = run("name,lat,lon,coord\n五四广场,36.0612,120.3896,gcj02\n"
                 "青岛站,36.0703,120.3255,bd09\n")
    assert result.ok
    square = Place.objects.get(name="五四广场")
    assert square.lat == pytest.approx(36.0617, abs=0.001)
    assert square.lon == pytest.approx(120.3842, abs=0.001)
    assert Place.objects.get(name="青岛站").district.name == "市南区"


def test_an_xlsx_with_chinese_headers_is_read():
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "别名", "类型", "纬度", "经度", "坐标系"])
    sheet.append(["青岛北站", "北站", "transport_station", 36.1686, 120.3742, "wgs84"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = importer.read_places("places.xlsx", buffer.getvalue())
    assert importer.import_places(table).ok
    assert Place.objects.get(name="青岛北站").district.name == "李沧区"


def test_a_district_administrator_imports_only_into_their_district(cast):
    result = run(GOOD.replace("五四广场,五月的风,地标,36.0617,120.3842,",
                              "青岛北站,,transport_station,36.1686,120.3742,"),
                 cast.shinan_admin)
    assert [(error.row, error.field) for error in result.errors] == [(3, "lat")]
    assert not Place.objects.exists()


def test_the_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "places.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_places", str(path))
    assert "2 places imported" in capsys.readouterr().out
    assert Place.objects.count() == 2


def test_the_command_prints_every_problem_and_imports_nothing(tmp_path, capsys):
    path = tmp_path / "places.csv"
    path.write_text(GOOD + "天安门,,landmark,39.9087,116.3975,wgs84\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_places", str(path), language="en")
    assert "row 4, lat" in capsys.readouterr().err
    assert not Place.objects.exists()


def _district_id(code: str) -> int:
    from tests.factories import district

    return district(code).pk
