"""A family in a partner city searches for someone who may be here: the report arrives in the
inbox, a tracing officer reads it on a phone and takes it into tracing; at a desk the officer
reads an escorted return coming in from the same city."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from songnuan.network.city import forget_city
from songnuan.network.models import PartnerMessage, PartnerMessageStatus
from songnuan.tracing.models import MissingReport
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.network.factories import (
    PARTNER_SECRETS,
    announcement,
    escort_handover,
    family_search,
    person_moved,
    post_signed,
)


@pytest.fixture(autouse=True)
def partnership(settings):
    settings.PARTNER_CITY_SECRETS = PARTNER_SECRETS
    settings.PARTNER_CITY_URLS = ("220100:https://songnuan.changchun.example,"
                                  "210100:https://songnuan.shenyang.example")
    yield
    forget_city()


def test_an_officer_takes_a_partner_citys_report_into_tracing(cast, new_page):
    sender = Client()
    for body in (escort_handover(), announcement(), person_moved(), family_search()):
        assert post_signed(sender, body).status_code == 201
    # As a report kept before tracing acted on the inbox: it waits for an officer.
    MissingReport.objects.all().delete()
    PartnerMessage.objects.filter(kind="family_search").update(status=PartnerMessageStatus.NEW)

    phone = new_page(PHONE)
    log_in(phone, cast.shinan_tracing.username, PASSWORD)
    phone.goto("/tracing/partners/")
    expect(phone.locator("h1")).to_have_text("协作城市来件")
    screenshot(phone, "partner-inbox-phone")
    phone.get_by_role("link", name="寻亲登记").click()
    expect(phone.locator("h1")).to_have_text("寻亲登记 · 长春市")
    screenshot(phone, "partner-family-search-phone")
    phone.get_by_role("button", name="转入寻亲，登记为寻人登记").click()
    expect(phone.get_by_test_id("status")).to_have_text("已转入寻亲")
    report = MissingReport.objects.get()
    expect(phone.get_by_role("link", name=report.reference)).to_be_visible()
    assert report.partner_city == "220100" and report.name == "王桂兰"
    screenshot(phone, "partner-family-search-taken-phone")
    phone.get_by_role("link", name=report.reference).click()
    expect(phone.locator("h1")).to_contain_text("王桂兰")
    expect(phone.get_by_role("button", name="发往该市")).to_be_visible()
    # Not back to the city it came from.
    expect(phone.locator("select[name=to_city] option")).to_have_text(["沈阳市"])
    screenshot(phone, "partner-report-phone")

    desk = new_page(DESKTOP)
    log_in(desk, cast.shinan_tracing.username, PASSWORD)
    desk.goto("/tracing/partners/")
    screenshot(desk, "partner-inbox-desktop")
    desk.get_by_role("link", name="跨市护送返乡").click()
    expect(desk.locator(".partner-content")).to_contain_text("2026-12-08 14:30")
    screenshot(desk, "partner-escort-desktop")
