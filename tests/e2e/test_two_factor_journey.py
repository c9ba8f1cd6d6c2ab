"""A district administrator's first sign-in with two-factor required, on a phone: the password,
then setting up an authenticator app from the key on the page, the recovery codes, and the next
sign-in with a code from the app."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from songnuan.accounts.models import TwoFactorDevice
from songnuan.accounts.roles import Role
from tests.e2e.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD, ensure_districts, make_user


@pytest.fixture
def district_admin(settings):
    settings.OTP_REQUIRED = True
    ensure_districts()
    return make_user("shinan.admin", role=Role.DISTRICT_ADMIN, district_code="370202",
                     last_name="王", first_name="芳")


def test_an_administrator_sets_up_two_factor_and_signs_in_with_a_code(new_page, district_admin):
    page = new_page(PHONE)
    log_in(page, "shinan.admin", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    expect(page.locator("h1")).to_have_text("设置两步验证")
    expect(page.locator(".qr svg")).to_be_visible()
    # Nowhere to go before the code: the menu holds only the way home.
    expect(page.locator("details.menu nav a")).to_have_count(1)
    screenshot(page, "two-factor-setup-phone")

    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("您的恢复码")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.click("text=我已保存，继续")
    expect(page.locator("details.menu nav a", has_text="工作人员账号")).to_have_count(1)

    page.click("header button:has-text('退出登录')")
    log_in(page, "shinan.admin", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    expect(page.locator("h1")).to_have_text("输入验证码")
    step = TwoFactorDevice.objects.get(user=district_admin).last_used_step + 1
    page.fill("#id_code", pyotp.TOTP(secret).generate_otp(step))
    page.click("main button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/two-factor/"))
    expect(page.locator("details.menu nav a", has_text="工作人员账号")).to_have_count(1)
