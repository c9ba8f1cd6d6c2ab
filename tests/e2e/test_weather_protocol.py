"""A cold-wave warning comes in, and the protocol shows across the staff pages, on the public
"where can I get warm" page and on the dispatch board."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from songnuan.leads import services as leads
from songnuan.network.models import SiteLevel
from songnuan.weather.evaluation import evaluate_all
from songnuan.weather.intake import record_feed_result
from songnuan.weather.models import Campaign
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD, SHINAN, district, make_site
from tests.weather.factories import store_series


def season(cast) -> None:
    Campaign.objects.create(name="2026—2027年度寒冬送温暖专项救助行动",
                            starts_on=datetime.date(2026, 11, 4),
                            planned_end_on=datetime.date(2027, 3, 15))
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=3)
    temps = [7.0 + 4 * ((h % 24) in range(10, 18)) for h in range(24 * 6)]  # mild
    store_series(district(SHINAN), temps, start=start, wind=2.0)
    record_feed_result("file", timezone.now())
    evaluate_all()


def warning_file() -> bytes:
    now = timezone.localtime()
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=36)
    return ("id,district,type,level,issued_at,valid_from,valid_until,text\n"
            f"QD-2026-寒潮-09,370202,寒潮,红色,{start:%Y-%m-%dT%H:%M},{start:%Y-%m-%dT%H:%M},"
            f"{end:%Y-%m-%dT%H:%M},青岛市气象台发布寒潮红色预警\n").encode()


def test_an_imported_cold_wave_warning_raises_the_protocol_on_every_staff_page(cast, new_page):
    season(cast)
    page = new_page(DESKTOP)
    log_in(page, "admin", PASSWORD)
    expect(page.locator(".banner")).to_have_count(0)
    page.goto("/weather/import/")
    screenshot(page, "weather-import-desktop")
    page.set_input_files("#id_file", files=[{"name": "寒潮预警.csv", "mimeType": "text/csv",
                                             "buffer": warning_file()}])
    page.click("main button[type=submit]")
    page.wait_for_url("**/weather/")
    banner = page.locator(".banner").first
    assert "寒潮应急响应" in banner.inner_text()
    assert "市南区极寒" in banner.inner_text()
    assert "寒潮红色预警" in banner.inner_text()
    row = page.locator("tr[data-district='370202']")
    assert "极寒" in row.inner_text()
    screenshot(page, "weather-overview-desktop")
    page.goto("/")
    assert "市南区极寒" in page.locator(".banner").first.inner_text()
    expect(page.get_by_text("处于寒潮应急响应的区（市）")).to_be_visible()
    screenshot(page, "weather-home-with-banner-desktop")
    page.goto("/weather/decisions/")
    expect(page.get_by_text("QD-2026-寒潮-09").first).to_be_visible()
    screenshot(page, "weather-decisions-desktop")
    page.goto("/weather/notices/")
    assert "→ 极寒" in page.locator("main").inner_text()

    patroller = new_page(PHONE)
    log_in(patroller, cast.shinan_patroller.username, PASSWORD)
    assert "市南区极寒" in patroller.locator(".banner").first.inner_text()
    patroller.goto("/weather/")
    screenshot(patroller, "weather-overview-phone")


def import_warning(page) -> None:
    page.goto("/weather/import/")
    page.set_input_files("#id_file", files=[{"name": "寒潮预警.csv", "mimeType": "text/csv",
                                             "buffer": warning_file()}])
    page.click("main button[type=submit]")
    page.wait_for_url("**/weather/")


def hours_away_from_now() -> list[str]:
    """One hour of opening, six hours from now: closed now whenever the test runs."""
    start = (timezone.localtime().hour + 6) % 24
    return [f"Mon-Sun {start:02d}:00-{start + 1:02d}:00"]


def test_the_protocol_opens_relief_points_and_tightens_the_dispatch_board(cast, new_page):
    season(cast)
    point = make_site("琴岛驿家·中山路派出所", level=SiteLevel.RELIEF_POINT,
                      parent=cast.shinan_substation, lat=36.0668, lon=120.3180,
                      host_type="police_room", is_qindao_yijia=True, is_24h=False,
                      hours=hours_away_from_now(), open_in_cold_protocol=True, seats=8)
    lead, _new = leads.submit_lead(
        leads.LeadInput(source="hotline", lat=36.0648, lon=120.3135, place="青岛站东广场",
                        description="一位老人蜷缩在地下通道口"),
        now=timezone.now() - datetime.timedelta(minutes=10))
    public = new_page(PHONE)
    near_the_point = "/warm/?lat=36.0660&lon=120.3170&coord=wgs84&all=1"
    public.goto(near_the_point)
    card = public.locator(f"article.card[data-site='{point.pk}']")
    expect(card).to_contain_text("现在未开放")
    expect(card.locator(".note.protocol")).to_have_count(0)
    screenshot(public, "weather-warm-before-phone")
    board = new_page(DESKTOP)
    log_in(board, cast.shinan_dispatcher.username, PASSWORD)
    board.goto("/outreach/board/")
    protocol = board.get_by_test_id("board-protocol")
    expect(protocol).to_contain_text("正常")
    expect(protocol).to_contain_text("15 分钟内派单")
    row = board.locator(f"li[data-lead='{lead.tracking_code}']")
    expect(row).to_be_visible()
    expect(row).not_to_have_class("queue-item is-overdue")
    screenshot(board, "weather-board-before-desktop")

    admin = new_page(DESKTOP)
    log_in(admin, "admin", PASSWORD)
    import_warning(admin)

    public.goto(near_the_point)
    expect(card).to_contain_text("正在开放")
    expect(card.locator(".note.protocol")).to_contain_text("寒潮应急响应期间24小时开放")
    screenshot(public, "weather-warm-after-phone")
    public.goto("/warm/?lat=36.0660&lon=120.3170&coord=wgs84")  # open places only
    expect(card).to_be_visible()
    board.goto("/outreach/board/")
    expect(protocol).to_contain_text("极寒")
    expect(protocol).to_contain_text("5 分钟内派单")
    expect(row).to_have_class("queue-item is-overdue")
    expect(row).to_contain_text("等待派队超时")
    expect(board.locator(".banner").first).to_contain_text("市南区极寒")
    screenshot(board, "weather-board-after-desktop")


def test_a_bad_warning_file_is_refused_with_its_errors(cast, new_page):
    page = new_page(PHONE)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/weather/import/")
    bad = warning_file().replace("红色".encode(), "紫色".encode())
    page.set_input_files("#id_file", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                             "buffer": bad}])
    page.click("main button[type=submit]")
    assert "未知的预警级别" in page.locator(".wx-errors").inner_text()
    screenshot(page, "weather-import-errors-phone")


def test_a_district_administrator_overrides_the_level_with_a_reason(cast, new_page):
    season(cast)
    page = new_page(PHONE)
    log_in(page, cast.shinan_admin.username, PASSWORD)
    page.goto("/weather/override/")
    page.select_option("#id_level", "2")
    page.fill("#id_reason", "暴雪夜，栈桥一带露宿人员较多")
    screenshot(page, "weather-override-phone")
    page.click("main button[type=submit]")
    page.wait_for_url("**/weather/")
    banner = page.locator(".banner").first.inner_text()
    assert "市南区严寒" in banner and "人工调整" in banner


def test_the_city_administrator_tests_a_rules_draft_and_sees_the_campaign(cast, new_page):
    season(cast)
    page = new_page(DESKTOP)
    log_in(page, "admin", PASSWORD)
    page.goto("/weather/rules/")
    page.get_by_role("button", name="复制为新草稿").click()
    page.fill("#id_alert_min_c", "8")
    screenshot(page, "weather-rules-edit-desktop")
    page.get_by_role("button", name="保存并测试").click()
    page.select_option("#id_district", label="市南区")
    page.get_by_role("button", name="运行").click()
    assert int(page.get_by_test_id("activations").inner_text()) >= 1
    screenshot(page, "weather-rules-test-desktop")
    page.goto("/weather/campaign/")
    expect(page.get_by_text("2027-03-15").first).to_be_visible()
    screenshot(page, "weather-campaign-desktop")
    phone = new_page(PHONE)
    log_in(phone, "admin", PASSWORD)
    phone.goto("/weather/rules/")
    screenshot(phone, "weather-rules-phone")
