"""Every public page shares one frame: the hotline at the top, the emergency numbers and the
language switch at the bottom, on a phone and on a desktop."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from songnuan.leads import rewards
from songnuan.leads import services as leads
from songnuan.leads.models import LeadStatus, Outcome, RewardRule
from songnuan.network.models import SiteLevel
from songnuan.tracing import announcements
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.factories import make_site
from tests.leads.factories import report
from tests.tracing.factories import admit_unidentified

DEVICES = [("phone", PHONE), ("desktop", DESKTOP)]


def public_pages(cast) -> dict[str, str]:
    """The public pages by name, each with the data that makes it show its full content."""
    relief = make_site("琴岛驿家·中山路派出所", level=SiteLevel.RELIEF_POINT,
                       parent=cast.shinan_substation, lat=36.0668, lon=120.3180,
                       host_type="police_room", is_qindao_yijia=True,
                       services=["warm_room", "hot_food"], seats=8)
    RewardRule.objects.create(outcome=Outcome.HELPED_TO_SITE, amount_yuan=Decimal("50"))
    helped = report(reporter_phone="13912345678", description="栈桥东侧长椅上一位老人")
    leads.set_status(helped, LeadStatus.RESOLVED, by=cast.city_admin,
                     outcome=Outcome.HELPED_TO_SITE)
    claiming = report(lat=36.0700, lon=120.3300, reporter_phone="13912340000",
                      description="中山路天桥下两人")
    leads.set_status(claiming, LeadStatus.RESOLVED, by=cast.city_admin,
                     outcome=Outcome.HELPED_TO_SITE)
    claiming.refresh_from_db()
    rewards.start_claim(claiming)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    announcements.publish_announcement(case, found_place="崂山区沙子口", by=cast.laoshan_tracing)
    return {
        "report": "/report/",
        "status-reward": f"/report/{helped.tracking_code}/",
        "status-claim-code": f"/report/{claiming.tracking_code}/",
        "warm": "/warm/",
        "warm-site": f"/warm/sites/{relief.pk}/",
        "xunqin": "/xunqin/",
        "xunqin-report": "/xunqin/report/",
        "not-found": "/report/NO-SUCH-CODE/",
    }


@pytest.mark.parametrize(("device_name", "device"), DEVICES)
def test_every_public_page_has_the_hotline_emergency_numbers_and_language_switch(
        cast, new_page, device_name, device):
    page = new_page(device)
    for name, url in public_pages(cast).items():
        page.goto(url)
        screenshot(page, f"public-{name}-{device_name}")
        expect(page.locator("header a[href='tel:0532-12345']")).to_be_visible()
        expect(page.locator("footer")).to_contain_text("110")
        expect(page.locator("footer a[href='tel:0532-12345']")).to_be_visible()
        expect(page.locator("footer").get_by_role("button", name="English")).to_be_visible()


def test_the_language_switch_keeps_the_family_on_the_same_page(cast, new_page):
    page = new_page(PHONE)
    page.goto("/xunqin/report/")
    page.locator("footer").get_by_role("button", name="English").click()
    page.wait_for_url("**/xunqin/report/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("footer").get_by_role("button", name="中文")).to_be_visible()
    screenshot(page, "public-xunqin-report-english-phone")
