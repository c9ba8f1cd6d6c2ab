"""A bureau in Harbin sets Songnuan up for its city: a citizen reports from a phone in 道里区 and
the city's dispatcher sees the report on the board, over Harbin's districts."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from songnuan.accounts.roles import Role
from songnuan.leads.models import Lead
from songnuan.network.city import forget_city
from tests.e2e.conftest import DESKTOP, PHONE, board_outlines, log_in, screenshot
from tests.factories import PASSWORD, make_user

ZHONGYANG_STREET = (45.7733, 126.6167)  # 中央大街, 道里区 (WGS-84)


@pytest.fixture(autouse=True)
def harbin():
    call_command("setup_city", "230100", "--hotline", "0451-12345")
    yield
    forget_city()


def test_a_phone_report_in_daoli_reaches_the_harbin_board(new_page):
    dispatcher = make_user("harbin.dispatcher", role=Role.DISPATCHER, last_name="韩",
                           first_name="雪")
    lat, lon = ZHONGYANG_STREET
    phone = new_page(PHONE, geolocation={"latitude": lat, "longitude": lon},
                     permissions=["geolocation"])
    phone.goto("/report/")
    expect(phone.locator("body")).to_contain_text("0451-12345")
    phone.get_by_role("button", name="使用我的位置").click()
    phone.wait_for_selector("#loc-status.ok")
    phone.get_by_text("老年人").click()
    phone.fill("textarea[name=description]", "中央大街路口有位老人蜷坐在雪地里")
    screenshot(phone, "any-city-harbin-report-phone")
    phone.get_by_role("button", name="提交报告").click()
    phone.wait_for_selector("#tracking-code")
    code = phone.locator("#tracking-code").inner_text().strip()
    lead = Lead.objects.get(tracking_code=code)
    assert lead.district.name == "道里区"
    screenshot(phone, "any-city-harbin-report-received-phone")

    board = new_page(DESKTOP)
    log_in(board, dispatcher.username, PASSWORD)
    board.goto("/outreach/board/")
    expect(board.locator(f".queue-item[data-lead='{code}']")).to_be_visible()
    expect(board.locator(f".queue-item[data-lead='{code}']")).to_contain_text("道里区")
    board.wait_for_function("document.getElementById('board-map').leafletMap !== undefined")
    drawn = board_outlines(board)
    assert len(drawn) == 18 and {"道里区", "南岗区", "宾县", "五常市"} <= set(drawn)
    assert "市南区" not in drawn
    screenshot(board, "any-city-harbin-board-desktop")
    board.evaluate("""() => { const map = document.getElementById('board-map').leafletMap;
        map.setView([45.4, 127.9], 7, {animate: false}); }""")
    screenshot(board, "any-city-harbin-board-whole-city-desktop")
