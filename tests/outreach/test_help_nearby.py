"""A waiting lead no squad can reach within the on-scene limit: the board names the open sites
nearest the person, with their phones, to ask to look in meanwhile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.network.models import SiteLevel, SiteStatus
from songnuan.outreach import board, dispatch
from tests.factories import make_site
from tests.leads.factories import report
from tests.outreach.factories import make_squad

pytestmark = pytest.mark.django_db

ZHANQIAO = (36.0605, 120.3206)  # 栈桥, 市南区


def _north_of_zhanqiao(metres: float) -> dict:
    return {"lat": ZHANQIAO[0] + metres / 111_195, "lon": ZHANQIAO[1]}


def _item(data: dict, lead) -> dict:
    return next(item for item in data["leads"] if item["id"] == lead.pk)


@pytest.fixture
def points():
    """Around 栈桥: two open points with a phone, and nearer ones that cannot help."""
    return {
        "police_room": make_site("栈桥社区警务室救助点", level=SiteLevel.RELIEF_POINT,
                                 phone="0532-82861110", **_north_of_zhanqiao(450)),
        "elderly_care": make_site("太平路养老服务中心", level=SiteLevel.RELIEF_POINT,
                                  phone="0532-82870000", **_north_of_zhanqiao(1_000)),
        "third": make_site("中山路引导点", level=SiteLevel.GUIDANCE_POINT,
                           phone="0532-82880000", **_north_of_zhanqiao(1_500)),
        "closed": make_site("已关闭的救助点", level=SiteLevel.RELIEF_POINT,
                            status=SiteStatus.CLOSED, **_north_of_zhanqiao(150)),
        "no_phone": make_site("无电话的引导点", level=SiteLevel.GUIDANCE_POINT, phone="",
                              **_north_of_zhanqiao(250)),
    }


def test_with_no_squad_able_to_be_there_the_two_nearest_open_points_with_a_phone_are_named(
        cast, points):
    lead = report(*ZHANQIAO)  # no squad on shift anywhere

    helpers = _item(board.board_data(cast.shinan_dispatcher), lead)["help_nearby"]

    assert [(site["name"], site["phone"], site["level"]) for site in helpers] == [
        ("栈桥社区警务室救助点", "0532-82861110", "relief"),
        ("太平路养老服务中心", "0532-82870000", "relief")]
    assert 440 <= helpers[0]["distance_m"] <= 460
    assert helpers[0]["level_label"] == "Temporary relief point"


def test_a_lead_a_squad_reaches_in_time_or_already_sent_needs_no_one_else(cast, points):
    squad = make_squad("市南一队", at=ZHANQIAO)
    waiting, sent = report(*ZHANQIAO), report(36.0625, 120.3206)
    assert _item(board.board_data(cast.shinan_dispatcher), waiting)["help_nearby"] == []

    dispatch.assign_lead(sent, squad, by=cast.shinan_dispatcher)
    assert _item(board.board_data(cast.shinan_dispatcher), sent)["help_nearby"] == []


def test_no_point_within_five_kilometres_is_no_help(cast):
    make_site("远处的救助点", level=SiteLevel.RELIEF_POINT, **_north_of_zhanqiao(6_000))
    lead = report(*ZHANQIAO)
    assert _item(board.board_data(cast.shinan_dispatcher), lead)["help_nearby"] == []


def test_the_board_and_its_api_name_them_with_a_number_to_call(cast, client_for, api_for, points):
    lead = report(*ZHANQIAO)

    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    item = page.split(f'data-lead="{lead.tracking_code}"')[1].split('class="queue-item')[0]
    assert "No squad can be there in time: ask the nearest open point to look in." in item
    assert 'href="tel:0532-82861110"' in item and "栈桥社区警务室救助点" in item
    answer = api_for(cast.shinan_dispatcher).get("/api/v1/dispatch/board").json()
    assert [site["phone"] for site in _item(answer, lead)["help_nearby"]] == [
        "0532-82861110", "0532-82870000"]
