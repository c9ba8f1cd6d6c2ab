"""A waiting lead no squad can reach within the on-scene limit: the board names the open sites
nearest the person, with their phones, to ask to look in meanwhile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.leads import services as leads
from songnuan.network.models import SiteLevel, SiteStatus
from songnuan.outreach import board, dispatch, help_nearby
from songnuan.outreach.models import LookIn
from songnuan.refusals import Conflict
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


# ------------------------------------------------------------------ asked to look in

def test_a_site_asked_to_look_in_is_kept_in_the_leads_history_once_within_the_hour(cast, points):
    lead = report(*ZHANQIAO)
    police_room = points["police_room"]

    first = help_nearby.ask_to_look_in(lead, police_room, by=cast.shinan_dispatcher)
    again = help_nearby.ask_to_look_in(lead, police_room, by=cast.shinan_dispatcher)

    assert again.pk == first.pk and LookIn.objects.count() == 1
    notes = list(lead.history.values_list("note", flat=True))
    assert sum("栈桥社区警务室救助点" in note and "0532-82861110" in note for note in notes) == 1
    helpers = _item(board.board_data(cast.shinan_dispatcher), lead)["help_nearby"]
    assert [site["asked_at"] is not None for site in helpers] == [True, False]


def test_a_closed_site_or_a_closed_lead_cannot_be_asked(cast, points):
    lead = report(*ZHANQIAO)
    with pytest.raises(Conflict):
        help_nearby.ask_to_look_in(lead, points["closed"], by=cast.shinan_dispatcher)
    leads.mark_invalid(lead, reason="重复来电", by=cast.shinan_dispatcher)
    with pytest.raises(Conflict):
        help_nearby.ask_to_look_in(lead, points["police_room"], by=cast.shinan_dispatcher)
    assert not LookIn.objects.exists()


def test_the_board_keeps_that_a_site_was_asked_and_refuses_a_bad_site_in_words(
        cast, client_for, points):
    lead = report(*ZHANQIAO)
    client = client_for(cast.shinan_dispatcher)
    action = reverse("outreach:ask_to_look_in", args=[lead.pk])
    assert action in client.get(reverse("outreach:board")).content.decode()

    for bad, said in (("", "Choose the site that was asked."),
                      ("abc", "Choose the site that was asked."),
                      ("99999999999999999999", "Choose the site that was asked."),
                      (str(points["closed"].pk), "已关闭的救助点 is not open now.")):
        answer = client.post(action, {"site": bad}, HTTP_HX_REQUEST="true")
        assert answer.status_code == 200 and said in answer.content.decode()
    assert not LookIn.objects.exists()

    answer = client.post(action, {"site": points["police_room"].pk}, follow=True)
    page = answer.content.decode()
    item = page.split(f'data-lead="{lead.tracking_code}"')[1].split('class="queue-item')[0]
    assert "asked at" in item and item.count("Asked them to look") == 1  # the other site
    assert LookIn.objects.get().asked_by == cast.shinan_dispatcher


def test_the_api_keeps_it_once_per_key(cast, api_for, points):
    lead = report(*ZHANQIAO)
    client = api_for(cast.shinan_dispatcher)
    url = f"/api/v1/dispatch/leads/{lead.tracking_code}/look-in"
    body = {"site_id": points["police_room"].pk, "client_request_id": "look-in-0001"}

    first = client.post(url, body)
    again = client.post(url, body)

    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert first.json()["site"] == "栈桥社区警务室救助点" and LookIn.objects.count() == 1
    closed = client.post(url, {"site_id": points["closed"].pk})
    assert closed.status_code == 409 and closed.json()["errors"][0]["field"] == "site"
    unknown = client.post(url, {"site_id": 10**6})
    assert unknown.status_code == 404
