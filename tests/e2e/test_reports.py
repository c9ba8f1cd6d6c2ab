"""A city administrator writes the campaign summary report, has it generated in the worker and
takes away the Word file and the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from pypdf import PdfReader

from songnuan.outreach.models import EncounterOutcome as O
from tests.analytics.factories import encounter, give_supplies, lead, person, task
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import LAOSHAN, PASSWORD, build_cast
from tests.outreach.factories import make_squad


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _winter():
    shinan, laoshan = make_squad(), make_squad(district_code=LAOSHAN)
    task(lead("2027-01-31 23:30", place="火车站广场"), shinan, 5, arrived_min=20)
    task(lead("2027-02-02 22:00", LAOSHAN, place="沙子口"), laoshan, 8, arrived_min=40)
    met = encounter(shinan, "2027-01-31 23:50", O.REFUSED, [(person("王建国"), O.REFUSED)])
    give_supplies(shinan, met, None)


def _run_the_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name=*", "--no-startup-delay", verbosity=0)


def test_a_city_administrator_generates_the_campaign_report_and_downloads_both_files(
        new_page, tmp_path):
    build_cast()
    _winter()
    phone = new_page(PHONE)
    log_in(phone, "admin", PASSWORD)
    phone.goto("/analytics/reports/")
    screenshot(phone, "analytics-reports-phone")

    page = new_page(DESKTOP, accept_downloads=True)
    log_in(page, "admin", PASSWORD)
    page.goto("/analytics/reports/")
    page.fill("#id_first", "2027-01-25")
    page.fill("#id_last", "2027-02-05")
    page.click("#draft-report")  # the drafts follow the nights chosen
    page.wait_for_url("**/analytics/reports/?*first=2027-01-25*")
    assert "共接报线索2条" in page.input_value("#id_overview")
    page.fill("#id_cases", "王某某，七十岁，夜宿火车站广场，经多次劝导后自愿入站。")
    page.click("#generate-report")
    page.wait_for_url("**/analytics/reports/?report=*")
    row = page.locator("#generated-reports tbody tr").first
    assert row.locator("progress").count() == 1
    screenshot(page, "analytics-reports-queued-desktop")

    _run_the_worker()

    link = page.locator("#generated-reports tbody tr").first.get_by_role("link", name="PDF")
    link.wait_for(timeout=15_000)  # the page polls, then reloads once the report is done
    screenshot(page, "analytics-reports-desktop")
    files = {}
    for name in ("Word", "PDF"):
        with page.expect_download() as download:
            page.locator("#generated-reports tbody tr").first.get_by_role(
                "link", name=name).click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        files[name] = Path(target).read_bytes()

    document = Document(io.BytesIO(files["Word"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "一、总体情况" and "七、典型案例" in headings
    assert "王某某，七十岁，夜宿火车站广场，经多次劝导后自愿入站。" in [
        p.text for p in document.paragraphs]
    assert document.tables[1].rows[1].cells[0].text == "市南区"
    assert "共接报线索2条" in document.paragraphs[3].text  # under 一、总体情况
    pdf = PdfReader(io.BytesIO(files["PDF"]))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "寒冬送温暖专项救助行动工作总结" in text and "崂山区" in text
    assert sum(len(p.images) for p in pdf.pages) >= 2


def test_a_district_manager_regenerates_last_nights_briefing(new_page):
    build_cast()
    _winter()
    for device, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_page(device)
        log_in(page, "shinan.admin", PASSWORD)
        page.goto("/analytics/briefings/")
        page.select_option("#id_district", label="市南区")
        page.click("#generate-briefing")
        page.wait_for_url("**/analytics/briefings/?report=*")
        _run_the_worker()
        page.locator("#generated-reports tbody tr").first.get_by_role(
            "link", name="PDF").wait_for(timeout=15_000)
        assert "市南区" in page.locator("#generated-reports tbody tr").first.inner_text()
        screenshot(page, f"analytics-briefings-{name}")
