"""Lists of missing-person reports imported from CSV (UTF-8 or GB18030) or XLSX, all or nothing."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from songnuan.linkage.idnumber import with_check
from songnuan.network.transfer import ImportFileError
from songnuan.tracing import imports
from songnuan.tracing.models import MissingReport, ReportSource
from tests.tracing.factories import admit_unidentified, make_report

GB18030_FILE = Path(__file__).parent / "data" / "missing_reports_gb18030.csv"
TODAY = datetime.date(2026, 11, 29)
ID_ZHANG = with_check("37290119680315001")
HEADER = ("record_id", "name", "sex", "birth_year", "missing_since", "id_number",
          "native_place", "height_cm", "features", "reporter_name", "reporter_phone")
GOOD_ROW = ("QD-001", "张卫东", "男", "1968", "2026-10-01", ID_ZHANG, "山东菏泽", "170",
            "左手小指缺失", "张丽", "13800000001")


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode(encoding)


def row(**changes) -> tuple[str, ...]:
    values = dict(zip(HEADER, GOOD_ROW, strict=True))
    values.update(changes)
    return tuple(values[column] for column in HEADER)


# --- reading: headers and encodings --------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
CELL = st.text(alphabet=st.one_of(CJK, st.sampled_from("0123456789-；,\"' XAB")), max_size=12
               ).map(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.sampled_from(sorted(imports.COLUMNS)), min_size=1, unique=True),
       chinese=st.lists(st.booleans(), min_size=15, max_size=15),
       encoding=st.sampled_from(("utf-8", "utf-8-sig", "gb18030")),
       data=st.data())
def test_any_header_naming_and_encoding_reads_back_the_same_rows(names, chinese, encoding,
                                                                 data):
    columns = ["record_id", "reporter_name", "reporter_phone",
               *[n for n in names if n not in imports.REQUIRED]]
    header = [imports.COLUMNS[c][0] if zh else c.upper()
              for c, zh in zip(columns, chinese, strict=False)]
    rows = data.draw(st.lists(st.tuples(*[CELL] * len(columns)).filter(
        lambda cells: any(cells)), max_size=5))
    table = imports.read_reports("list.csv", csv_bytes(rows, header, encoding))
    assert table == [dict(zip(columns, cells, strict=True)) for cells in rows]


def test_a_header_without_the_record_number_is_refused():
    with pytest.raises(ImportFileError, match="record_id"):
        imports.read_reports("list.csv", csv_bytes([GOOD_ROW[1:]], HEADER[1:]))


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused():
    with pytest.raises(ImportFileError, match="GB18030"):
        imports.read_reports("list.csv", b"record_id\n\x80\xff\x80\n")


# --- importing -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_gb18030_list_with_chinese_headers_is_imported_and_ranked_against_live_cases(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    table = imports.read_reports(GB18030_FILE.name, GB18030_FILE.read_bytes())
    result = imports.import_reports(table, district=cast.laoshan_substation.district,
                                    user=cast.laoshan_tracing)
    assert result.ok, result.errors
    wang = MissingReport.objects.get(external_id="BBXQ2026-0002")
    assert (wang.name, wang.sex, wang.birth_year, wang.native_place) == (
        "王秀英", "F", 1949, "河南省周口市太康县")
    assert wang.missing_since == datetime.date(2026, 9, 12)
    assert wang.reporter_phone == "13963952211"
    assert wang.source == ReportSource.IMPORT and wang.created_by == cast.laoshan_tracing
    lv = MissingReport.objects.get(external_id="BBXQ2026-0003")
    assert (lv.name, lv.height_cm, lv.reporter_phone) == ("吕喆", 175, "15066881234")
    assert lv.missing_since == datetime.date(2025, 12, 3)
    top = case.candidates.order_by("-score").first()
    assert top.report.external_id == "BBXQ2026-0001" and top.score >= 0.5


@pytest.mark.django_db
def test_an_xlsx_list_with_date_cells_and_english_headers_is_imported(cast):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Record ID", "Name", "Sex", "Birth year", "Missing since", "Contact",
                  "Contact phone"])
    sheet.append(["NX-7", "孙桂兰", "女", 1951, datetime.datetime(2026, 11, 2), "孙强",
                  13706391234])
    content = io.BytesIO()
    book.save(content)
    table = imports.read_reports("list.xlsx", content.getvalue())
    result = imports.import_reports(table, district=cast.shinan_substation.district)
    assert result.ok, result.errors
    report = result.created[0]
    assert (report.name, report.missing_since, report.reporter_phone) == (
        "孙桂兰", datetime.date(2026, 11, 2), "13706391234")


@pytest.mark.django_db
def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_saved(cast):
    make_report(district=cast.shinan_substation.district, external_id="QD-OLD")
    before = MissingReport.objects.count()
    table = imports.read_reports("list.csv", csv_bytes([
        row(),
        row(record_id=""),
        row(record_id="QD-001", reporter_phone="13800000002"),
        row(record_id="QD-OLD"),
        row(record_id="QD-005", birth_year="1875"),
        row(record_id="QD-006", id_number=ID_ZHANG[:-1] + ("0" if ID_ZHANG[-1] != "0" else "1")),
        row(record_id="QD-007", reporter_phone="0532-8888"),
        row(record_id="QD-008", missing_since="2027-02-30"),
        row(record_id="QD-009", missing_since="2026-12-25"),
        row(record_id="QD-010", sex="未知"),
        row(record_id="QD-011", birth_year="1970"),
    ]))
    with translation.override("en"):
        result = imports.import_reports(table, district=cast.shinan_substation.district,
                                        today=TODAY)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert "missing" in found[3, "外部编号 / record_id"]
    assert "row 2" in found[4, "外部编号 / record_id"]
    assert "Already imported" in found[5, "外部编号 / record_id"]
    assert "between 1900" in found[6, "出生年份 / birth_year"]
    assert "check digit" in found[7, "身份证号 / id_number"]
    assert "11-digit" in found[8, "联系电话 / reporter_phone"]
    assert "2026-10-01" in found[9, "走失日期 / missing_since"]
    assert "future" in found[10, "走失日期 / missing_since"]
    assert "男" in found[11, "性别 / sex"]
    assert "1968" in found[12, "出生年份 / birth_year"]
    assert len(result.errors) == 10
    assert not result.created and MissingReport.objects.count() == before


@pytest.mark.django_db
def test_the_command_imports_a_gb18030_list_and_refuses_a_bad_one_whole(cast, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_missing_reports", str(GB18030_FILE), district="370212", stdout=out)
    assert "3" in out.getvalue()
    assert MissingReport.objects.filter(source=ReportSource.IMPORT).count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(record_id="QD-100"), row(record_id="QD-101", sex="X")],
                              encoding="gb18030"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_missing_reports", str(bad), district="崂山区", stderr=err)
    assert "row 3, 性别 / sex" in err.getvalue()
    assert not MissingReport.objects.filter(external_id="QD-100").exists()


# --- the upload page -----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_officer_uploads_a_list_into_their_own_district_only(client_for, cast):
    officer = client_for(cast.laoshan_tracing)
    url = reverse("tracing:report_import")
    page = officer.get(url)
    assert "外部编号" in page.content.decode()
    elsewhere = officer.post(url, {"district": cast.shinan_substation.district.pk,
                                   "file": SimpleUploadedFile("list.csv", csv_bytes([row()]))})
    assert elsewhere.context["form"].errors["district"]
    bad = officer.post(url, {"district": cast.laoshan_substation.district.pk,
                             "file": SimpleUploadedFile("list.csv", csv_bytes(
                                 [row(), row(record_id="")]))})
    assert "缺少外部编号" in bad.content.decode()
    assert not MissingReport.objects.exists()
    done = officer.post(url, {"district": cast.laoshan_substation.district.pk,
                              "file": SimpleUploadedFile("list.csv", csv_bytes([row()]))})
    assert done.status_code == 302
    assert MissingReport.objects.get().district == cast.laoshan_substation.district


@pytest.mark.django_db
def test_a_viewer_may_not_import(client_for, cast):
    response = client_for(cast.laoshan_viewer).get(reverse("tracing:report_import"))
    assert response.status_code == 403
