"""Staff pages that changed, on a phone and a desktop: the audit log in plain labels with its
XLSX export, the person file's timeline with the original report and tracing steps, and the
roll call that starts blank."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from songnuan.accounts import audit
from songnuan.leads import services as leads
from songnuan.leads.models import LeadStatus
from songnuan.outreach import dispatch
from songnuan.outreach.dispatch import PersonMet
from songnuan.outreach.models import EncounterOutcome
from songnuan.people.models import Person
from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.tracing import announcements
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.leads.factories import jpeg_with_gps
from tests.outreach.factories import assigned_task, encounter_input, make_squad
from tests.people.factories import make_person
from tests.shelter.factories import lay_out_station
from tests.tracing.factories import admit_unidentified

DEVICES = [("phone", PHONE), ("desktop", DESKTOP)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def met_after_a_report(cast) -> Person:
    from songnuan.leads.photos import clean_photo

    task = assigned_task(make_squad("市南区救助一队"), cast.shinan_dispatcher,
                         place="中山路地下通道", description="通道里躺着一位老人",
                         photos=[clean_photo(jpeg_with_gps())])
    with audit.acting_as(cast.shinan_dispatcher):
        leads.set_status(task.lead, LeadStatus.EN_ROUTE, by=cast.shinan_dispatcher)
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", age_estimate=70,
                                                    self_name="老曲")]),
        by=cast.shinan_patroller)
    return Person.objects.get(self_name="老曲")


@pytest.mark.parametrize(("device_name", "device"), DEVICES)
def test_the_audit_log_reads_in_labels_and_exports(cast, new_page, device_name, device):
    met_after_a_report(cast)
    page = new_page(device)
    log_in(page, cast.city_admin.username, PASSWORD)
    page.goto("/accounts/audit/?object_type=leads.lead")
    expect(page.locator("table.list")).to_contain_text("已派单 → 赶赴途中")
    screenshot(page, f"audit-log-{device_name}")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel（XLSX）").click()
    assert download.value.suggested_filename.endswith(".xlsx")


@pytest.mark.parametrize(("device_name", "device"), DEVICES)
def test_the_person_file_timeline_shows_the_report_and_its_photo(cast, new_page, device_name,
                                                                  device):
    person = met_after_a_report(cast)
    page = new_page(device)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto(f"/people/{person.pk}/")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("群众报告：中山路地下通道")
    expect(timeline.locator(".timeline-photos img")).to_have_count(1)
    timeline.locator(".timeline-photos img").scroll_into_view_if_needed()
    # A function, not an expression: Playwright polls an expression with eval(), which the
    # Content-Security-Policy refuses.
    page.wait_for_function(
        "() => document.querySelector('.timeline-photos img').naturalWidth > 0")
    screenshot(page, f"person-timeline-report-{device_name}")


@pytest.mark.parametrize(("device_name", "device"), DEVICES)
def test_the_person_file_timeline_shows_the_tracing_steps(cast, new_page, device_name, device):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    announcements.publish_announcement(case, found_place="崂山区沙子口", by=cast.laoshan_tracing)
    page = new_page(device)
    log_in(page, cast.laoshan_tracing.username, PASSWORD)
    page.goto(f"/people/{case.person_id}/")
    expect(page.locator("ol.timeline")).to_contain_text("寻亲案件已立案")
    expect(page.locator("ol.timeline")).to_contain_text("发布寻亲公告")
    screenshot(page, f"person-timeline-tracing-{device_name}")


@pytest.mark.parametrize(("device_name", "device"), DEVICES)
def test_the_roll_call_starts_blank(cast, new_page, device_name, device):
    lay_out_station(cast.laoshan_substation)
    for name in ("于海", "曲文强"):
        admit(make_person(name), cast.laoshan_substation, AdmissionInput(),
              by=cast.laoshan_station)
    page = new_page(device)
    log_in(page, cast.laoshan_station.username, PASSWORD)
    page.goto("/shelter/daily/")
    boxes = page.locator("table.roll input[name=stay]")
    expect(boxes).to_have_count(2)
    for index in range(2):
        expect(boxes.nth(index)).not_to_be_checked()
    screenshot(page, f"roll-call-blank-{device_name}")
    page.get_by_role("button", name="全部在场（2 人）").click()
    expect(page.locator("table.roll")).to_contain_text("点名")
