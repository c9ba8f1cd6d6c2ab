"""A free squad told where to wait: the dispatcher sends it from the board, and the patroller's
phone says where to go until the next task."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from songnuan.outreach.models import Squad
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.overrides import set_override
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.leads.factories import make_hotspot
from tests.outreach.factories import make_squad

STATION = (36.0643, 120.3125)
LAOSHAN_POINT = (36.1006, 120.4670)


@pytest.mark.parametrize(("device", "suffix"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_dispatcher_sends_a_free_squad_to_wait_and_the_phone_says_where(
        cast, new_page, device, suffix):
    make_squad("市南一队", at=STATION)
    second = make_squad("市南二队", at=STATION, members=[cast.shinan_patroller])
    later = timezone.now() + datetime.timedelta(hours=6)
    for spot in (make_hotspot("青岛站东广场地下通道", *STATION),
                 make_hotspot("张村河桥洞", *LAOSHAN_POINT)):
        set_override(spot.district, ProtocolLevel.EXTREME_COLD, "红色寒潮预警", later,
                     by=cast.city_admin)

    board = new_page(device)
    log_in(board, "centre.dispatcher", PASSWORD)
    board.goto("/outreach/board/")
    suggestion = board.locator(f".standby-moves li[data-squad='{second.pk}']")
    expect(suggestion).to_contain_text("市南二队")
    expect(suggestion).to_contain_text("张村河桥洞")
    screenshot(board, f"standby-board-{suffix}")
    suggestion.get_by_role("button", name="通知前往").click()
    expect(board.locator("#board-queue .messages")).to_contain_text(
        "已通知市南二队到张村河桥洞待命")
    expect(board.locator(".standby-moves")).to_have_count(0)
    expect(board.locator("[data-standby]")).to_have_text("在张村河桥洞待命")
    assert Squad.objects.get(pk=second.pk).standby_place == "张村河桥洞"

    phone = new_page(PHONE)
    log_in(phone, "shinan.patrol", PASSWORD)
    phone.goto("/outreach/my/")
    expect(phone.locator(".standby")).to_contain_text("接到下一个任务前，到张村河桥洞待命")
    expect(phone.locator(".standby a[data-map]").first).to_be_visible()
    screenshot(phone, f"standby-phone-{suffix}")
