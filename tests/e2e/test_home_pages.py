"""Every role logs in and lands on its own home page, in Chinese, and can switch to English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD

ROLES = [
    ("city_admin", "市级管理员", "全市"),
    ("shinan_admin", "区级管理员", "市南区"),
    ("shinan_dispatcher", "调度员", "市南区"),
    ("laoshan_station", "站内工作人员", "崂山区救助管理分站"),
    ("shinan_relief", "救助点工作人员", "琴岛驿家·八大关"),
    ("shinan_tracing", "寻亲专员", "市南区"),
    ("police_liaison", "公安联络员", "仅限分配给您的事项"),
    ("shinan_viewer", "只读查看", "市南区"),
]


@pytest.mark.parametrize(("actor", "role_label", "scope_label"), ROLES)
def test_each_role_sees_its_home_page_in_chinese(cast, new_page, actor, role_label, scope_label):
    user = getattr(cast, actor)
    page = new_page(PHONE)
    log_in(page, user.username, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".hello .tag").inner_text() == role_label
    assert scope_label in page.locator(".hello").inner_text()
    expect(page.get_by_role("heading", name="接下来要做的事")).to_be_visible()
    screenshot(page, f"home-{actor}-phone")


def test_the_city_administrator_sees_the_admin_cards_and_menu(cast, new_page):
    page = new_page(DESKTOP)
    log_in(page, "admin", PASSWORD)
    expect(page.get_by_text("在用工作人员账号")).to_be_visible()
    page.click(".menu summary")
    expect(page.get_by_role("link", name="审计日志")).to_be_visible()
    expect(page.locator(".menu-section h2")).to_have_text(
        ["线索与调度", "救助网络", "人员与站内", "寻亲", "管理"])
    screenshot(page, "home-city_admin-desktop")


def test_a_patrollers_home_page_is_their_tasks(cast, new_page):
    page = new_page(PHONE)
    log_in(page, cast.laoshan_patroller.username, PASSWORD)
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    screenshot(page, "home-laoshan_patroller-phone")


def test_a_patroller_has_no_administration_in_the_menu(cast, new_page):
    page = new_page(PHONE)
    log_in(page, cast.shinan_patroller.username, PASSWORD)
    page.click(".menu summary")
    expect(page.get_by_role("link", name="审计日志")).to_have_count(0)
    expect(page.get_by_role("link", name="工作人员账号")).to_have_count(0)
    expect(page.get_by_role("link", name="我的任务")).to_be_visible()
    screenshot(page, "menu-patroller-phone")


def test_switching_to_english_translates_the_page(cast, new_page):
    page = new_page(DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    assert page.locator(".hello .tag").inner_text() == "Dispatcher"
    page.get_by_role("button", name="中文").click()
    page.wait_for_selector("html[lang=zh-hans]")


def test_english_chosen_on_the_desk_computer_follows_the_dispatcher_to_their_phone(
        cast, new_page):
    desk = new_page(DESKTOP)
    log_in(desk, cast.shinan_dispatcher.username, PASSWORD)
    desk.get_by_role("button", name="English").click()
    desk.wait_for_selector("html[lang=en]")

    phone = new_page(PHONE)  # a new device, its browser set to Chinese
    log_in(phone, cast.shinan_dispatcher.username, PASSWORD)
    phone.wait_for_selector("html[lang=en]")
    expect(phone.get_by_role("heading", name="What to do next")).to_be_visible()
    phone.get_by_role("button", name="Log out").click()
    phone.wait_for_selector("html[lang=zh-hans]")  # signed out, the device's own language


def test_a_wrong_password_is_refused_in_chinese(cast, new_page):
    page = new_page(PHONE)
    page.goto("/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "wrong-password")
    page.click("main button[type=submit]")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
