"""A fresh install: the city administrator signs in, names the city by a district's name that
two cities share, chooses 长春市 among the candidates, and the board draws Changchun's districts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from songnuan.accounts.roles import Role
from songnuan.network.city import forget_city
from songnuan.network.models import City
from tests.e2e.conftest import DESKTOP, board_outlines, log_in, screenshot
from tests.factories import PASSWORD, make_user


@pytest.fixture(autouse=True)
def back_to_the_default_city():
    forget_city()  # the process remembers that an earlier test's database held data
    yield
    forget_city()


def test_the_first_administrator_chooses_changchun_among_the_candidates(new_page):
    admin = make_user("first.admin", role=Role.CITY_ADMIN, last_name="林", first_name="雪")
    page = new_page(DESKTOP)
    log_in(page, admin.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/setup/city/$"))
    expect(page.locator("h1")).to_have_text("选择本系统服务的城市")
    page.fill("#id_city", "朝阳区")
    page.fill("#id_hotline", "0431-12345")
    page.get_by_role("button", name="设置为本系统服务的城市").click()
    expect(page.locator(".errorlist")).to_contain_text("“朝阳区”对应不止一个地方")
    candidates = page.locator(".city-candidates button")
    expect(candidates).to_have_count(2)
    expect(page.locator("#id_hotline")).to_have_value("0431-12345")
    screenshot(page, "first-run-candidates-desktop")
    page.get_by_role("button", name="吉林省长春市 (220100)").click()
    page.wait_for_url(lambda url: "/setup/city/" not in url)
    expect(page.locator("body")).to_contain_text("本系统现服务长春市")
    screenshot(page, "first-run-done-desktop")
    assert City.objects.get().code == "220100"

    page.goto("/outreach/board/")
    page.wait_for_function("document.getElementById('board-map').leafletMap !== undefined")
    drawn = board_outlines(page)
    assert len(drawn) == 11 and {"南关区", "朝阳区", "农安县", "榆树市"} <= set(drawn)
    assert "市南区" not in drawn
    screenshot(page, "first-run-changchun-board-desktop")
