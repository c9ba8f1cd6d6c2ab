"""The hotline desk: a call that becomes a lead is logged with it and shows in the call list;
the door check of a station on a phone."""

from __future__ import annotations

import pytest

from songnuan.hotline import services
from songnuan.hotline.models import Call
from songnuan.leads.models import Lead
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot, type_a_hotline_call
from tests.factories import PASSWORD
from tests.hotline.factories import log, wav


def test_an_operator_logs_a_call_that_became_a_lead_and_sees_it_in_the_list(cast, new_page):
    page = new_page(DESKTOP)
    type_a_hotline_call(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已创建线索")
    lead = Lead.objects.get()
    page.get_by_role("link", name="登记此来电").click()
    page.wait_for_selector(f"text={lead.tracking_code}")
    assert page.locator("input[name=kind][value=report]").is_checked()
    page.fill("input[name=duration_s]", "-40")
    page.fill("textarea[name=note]", "来电人称老人躺在地下通道口")
    page.get_by_role("button", name="保存来电").click()
    page.wait_for_selector("text=通话时长为秒数，不能小于 0。")
    assert page.locator("textarea[name=note]").input_value() == "来电人称老人躺在地下通道口"
    screenshot(page, "hotline-call-form-error-desktop")
    page.fill("input[name=duration_s]", "185")
    page.get_by_role("button", name="保存来电").click()
    page.wait_for_selector("text=来电已登记。")
    call = Call.objects.get()
    assert call.lead == lead and call.caller_phone == "13812345678" and call.duration_s == 185
    screenshot(page, "hotline-call-detail-desktop")
    page.goto("/hotline/")
    row = page.locator("table.calls tbody tr").first
    assert lead.tracking_code in row.inner_text() and "138****5678" in row.inner_text()
    assert "报告求助人员" in row.inner_text()
    screenshot(page, "hotline-call-list-desktop")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_call_list_form_and_call_fit_the_screen(cast, new_page, device, settings,
                                                   tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enquiry = log(cast.shinan_dispatcher, note="询问救助站地址", kind="enquiry")
    services.attach_recording(enquiry, wav(), name="13805321234_20261204-221500.wav")
    log(cast.shinan_dispatcher, phone="053282881234", kind="family", duration=410)
    log(cast.shinan_dispatcher, phone="", kind="silent", duration=3)
    page = new_page(PHONE if device == "phone" else DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/hotline/")
    assert page.locator("table.calls tbody tr").count() == 3
    screenshot(page, f"hotline-call-list-{device}")
    page.goto("/hotline/new/")
    screenshot(page, f"hotline-call-form-{device}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1
    manager = new_page(PHONE if device == "phone" else DESKTOP)
    log_in(manager, cast.shinan_admin.username, PASSWORD)
    manager.goto(f"/hotline/{enquiry.pk}/")
    assert manager.locator("audio").count() == 1
    manager.locator(".recording summary").click()
    screenshot(manager, f"hotline-call-recording-{device}")


def test_station_staff_record_a_door_check_on_a_phone(cast, new_page):
    page = new_page(PHONE)
    log_in(page, cast.shinan_station.username, PASSWORD)
    page.goto("/shelter/daily/")
    page.get_by_role("link", name="登记入站安检").click()
    page.fill("input[name=who]", "醉酒男子，约四十岁")
    page.check("input[name=refused]")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=请说明拒绝入站的原因。")
    assert page.locator("input[name=who]").input_value() == "醉酒男子，约四十岁"
    screenshot(page, "shelter-entry-check-error-phone")
    page.fill("input[name=refusal_reason]", "醉酒闹事，已联系派出所")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=入站安检已登记。")
    assert "醉酒闹事" in page.locator("ul.entry-checks").inner_text()
    screenshot(page, "shelter-daily-entry-checks-phone")
