"""Staff pages of leads and hotspots: the queue, hotline intake, rewards, partners, hotspot map."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from songnuan.leads import rewards, services
from songnuan.leads.models import LeadStatus, Outcome, RewardRule
from songnuan.notify.models import Outbox
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot, type_a_hotline_call
from tests.factories import PASSWORD
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, make_hotspot, report


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_queue_shows_the_most_urgent_first_with_reasons(cast, new_page, device):
    make_hotspot()
    report(flags=["underdressed"])
    report(lat=SHINAN_STATION_SQUARE[0] + 0.004, flags=["child", "injured_ill"],
           place="中山路")
    page = new_page(PHONE if device == "phone" else DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/leads/")
    first_row = page.locator("table.list tbody tr").first
    assert "儿童" in first_row.inner_text()
    screenshot(page, f"leads-queue-{device}")


def test_a_hotline_operator_takes_a_call_from_the_keyboard(cast, new_page):
    page = new_page(DESKTOP)
    type_a_hotline_call(page)
    screenshot(page, "leads-hotline-desktop")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已创建线索")
    assert page.locator("input[name=caller_phone]").input_value() == ""
    screenshot(page, "leads-hotline-saved-desktop")


def test_a_district_manager_approves_and_pays_a_reward(cast, new_page):
    RewardRule.objects.create(outcome=Outcome.HELPED_TO_SITE, amount_yuan=Decimal(50))
    lead = report(reporter_phone="13912345678")
    services.set_status(lead, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                        outcome=Outcome.HELPED_TO_SITE)
    claim = rewards.start_claim(lead)
    code = Outbox.objects.filter(purpose="reward_code").latest("id").text.split("验证码为 ")[1][:6]
    rewards.confirm_claim(claim, code)
    page = new_page(DESKTOP)
    log_in(page, cast.shinan_admin.username, PASSWORD)
    page.goto("/leads/rewards/")
    screenshot(page, "leads-rewards-desktop")
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_selector("text=已批准申领")
    page.goto("/leads/rewards/?status=approved")
    page.fill("input[name=reference]", "WX20261129001")
    page.get_by_role("button", name="登记发放").click()
    page.wait_for_selector("text=已登记发放")


def test_the_reporter_sees_the_reward_offer_on_a_phone(cast, new_page):
    RewardRule.objects.create(outcome=Outcome.HELPED_TO_SITE, amount_yuan=Decimal(50))
    lead = report(reporter_phone="13912345678")
    services.set_status(lead, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                        outcome=Outcome.HELPED_TO_SITE)
    page = new_page(PHONE)
    page.goto(f"/report/{lead.tracking_code}/")
    page.get_by_role("button", name="领取奖励").click()
    page.wait_for_selector("text=我们已向您报告时留下的手机号发送")
    screenshot(page, "leads-reward-code-phone")


def test_hotspots_on_a_map_and_partners(cast, new_page):
    make_hotspot()
    make_hotspot("张村河桥洞", *LAOSHAN_ZHANGCUN)
    page = new_page(DESKTOP)
    log_in(page, cast.city_admin.username, PASSWORD)
    page.goto("/outreach/hotspots/")
    page.wait_for_selector(".leaflet-interactive")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    screenshot(page, "outreach-hotspots-desktop")
    page.goto("/leads/partners/new/")
    screenshot(page, "leads-partner-new-desktop")
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto("/outreach/hotspots/")
    expect(phone.locator("table.list tbody tr")).to_have_count(1)
    screenshot(phone, "outreach-hotspots-phone")


def test_a_dispatcher_sees_why_reports_were_merged_and_splits_one_off(cast, new_page):
    root = report(description="一个老大爷躺在通道口，穿蓝色棉袄")
    merged = report(lat=SHINAN_STATION_SQUARE[0] + 0.0004, description="老人，蓝棉袄，躺着")
    assert merged.duplicate_of == root
    page = new_page(PHONE)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto(f"/leads/{root.pk}/")
    entry = page.locator("ol.merged > li").first
    expect(entry).to_contain_text("老人，蓝棉袄，躺着")
    expect(entry).to_contain_text("上衣颜色相同：蓝色")
    screenshot(page, "leads-merged-phone")
    entry.get_by_label("原因（选填）").fill("队员确认不是同一人")
    entry.get_by_role("button", name="拆分").click()
    expect(page.locator("body")).to_contain_text(f"报告 {merged.tracking_code} 现已成为单独线索")
    expect(page.locator("ul.nearby")).to_contain_text(merged.tracking_code)
    expect(page.locator("ol.merged")).to_have_count(0)
