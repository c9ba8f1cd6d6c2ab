"""A waiting lead no squad can reach within the on-scene limit: the board names the open sites
nearest the person, with their phones, to ask to look in meanwhile."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.leads import services as leads
from songnuan.leads.models import LeadStatus, Outcome
from songnuan.network.models import SiteLevel, SiteStatus
from songnuan.notify import push
from songnuan.notify.models import PushMessage
from songnuan.outreach import board, dispatch, help_nearby
from songnuan.outreach.models import LookIn, LookInAnswer, TaskStatus
from songnuan.refusals import Conflict, Refused
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


def test_the_board_says_how_many_others_a_site_has_yet_to_answer_for(cast, client_for, points):
    first, second = report(*ZHANQIAO), report(36.0625, 120.3206)
    police_room = points["police_room"]
    asked = help_nearby.ask_to_look_in(first, police_room, by=cast.shinan_dispatcher)

    data = board.board_data(cast.shinan_dispatcher)
    assert _item(data, first)["help_nearby"][0]["unanswered"] == 0  # its own is not another
    assert _item(data, second)["help_nearby"][0]["unanswered"] == 1
    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    item = page.split(f'data-lead="{second.tracking_code}"')[1].split('class="queue-item')[0]
    assert "1 other request not answered yet" in item

    help_nearby.answer_look_in(asked, LookInAnswer.NOT_THERE, by=cast.shinan_relief)
    assert _item(board.board_data(cast.shinan_dispatcher), second)["help_nearby"][0][
        "unanswered"] == 0


def test_a_request_unanswered_for_over_an_hour_is_not_counted_as_one_about_someone_else(
        cast, points):
    lead = report(*ZHANQIAO)
    asked = help_nearby.ask_to_look_in(lead, points["police_room"], by=cast.shinan_dispatcher)
    LookIn.objects.filter(pk=asked.pk).update(
        asked_at=timezone.now() - help_nearby.ASKED_LATELY - timedelta(minutes=10))

    police_room = _item(board.board_data(cast.shinan_dispatcher), lead)["help_nearby"][0]
    assert police_room["asked_at"] is None  # the dispatcher may phone again
    assert police_room["unanswered"] == 0


def _phone_signed_up(user) -> None:
    push.subscribe(user, f"https://push.invalid/{user.username}", "p256dh-key", "auth-secret")


def test_the_sites_staff_get_the_request_on_their_phones_once(chinese_bureau, cast, points):
    _phone_signed_up(cast.shinan_relief)
    lead = report(*ZHANQIAO, place="栈桥公交站", flags=["elderly"], description="老人躺在长椅上")
    help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)
    help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)  # again

    pushed = PushMessage.objects.filter(purpose=help_nearby.PUSH_PURPOSE)
    assert [message.user for message in pushed] == [cast.shinan_relief]  # not the dispatcher
    message = pushed.get()
    assert message.title == "请前往查看：栈桥公交站"
    assert message.body == "1人，躺在地上，老年人，老人躺在长椅上"  # lying: described
    assert message.url == reverse("outreach:look_ins") and not message.fallback_phone


def test_a_point_with_no_phone_signed_up_is_reached_through_the_sub_station_over_it(
        chinese_bureau, cast, points):
    lead = report(*ZHANQIAO, place="栈桥公交站", description="老人躺在长椅上")
    help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)

    pushed = PushMessage.objects.filter(purpose=help_nearby.PUSH_PURPOSE)
    assert [message.user for message in pushed] == [cast.shinan_station]
    assert pushed.get().title == "请前往查看：栈桥公交站"


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


# ------------------------------------------------------------------ the site's answer

def test_a_site_that_brought_the_person_in_resolves_the_lead_and_calls_back_a_squad_on_its_way(
        cast, points):
    lead = report(*ZHANQIAO, people_count=1)
    far = make_squad("崂山一队", district_code="370212", at=(36.10, 120.47))
    task = dispatch.assign_lead(lead, far, by=cast.shinan_dispatcher)
    asked = help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)

    help_nearby.answer_look_in(asked, LookInAnswer.BROUGHT_IN, "老人已在驿家休息",
                               by=cast.shinan_relief)

    lead.refresh_from_db()
    task.refresh_from_db()
    assert (lead.status, lead.outcome) == (LeadStatus.RESOLVED, Outcome.HELPED_TO_SITE)
    assert task.status == TaskStatus.CANCELLED
    assert lead.history.filter(note__contains="琴岛驿家·八大关").filter(
        note__contains="老人已在驿家休息", outcome=Outcome.HELPED_TO_SITE).exists()
    with pytest.raises(Conflict):  # answered once: a second answer is refused, not stacked
        help_nearby.answer_look_in(asked, LookInAnswer.NOT_THERE, by=cast.shinan_station)


def test_a_report_merged_after_the_site_was_asked_brings_in_the_lead_it_joined(cast, points):
    lead, root = report(*ZHANQIAO), report(36.0625, 120.3206)
    asked = help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)
    leads.link_duplicate(lead, root, by=cast.shinan_dispatcher)

    waiting, _answered = help_nearby.requests_to(LookIn.objects.all(), timezone.now())
    assert [row.pk for row in waiting] == [asked.pk]  # the person is still out, on the root
    assert help_nearby.waiting_count(cast.shinan_relief) == 1

    help_nearby.answer_look_in(asked, LookInAnswer.BROUGHT_IN, by=cast.shinan_relief)

    root.refresh_from_db()
    assert (root.status, root.outcome) == (LeadStatus.RESOLVED, Outcome.HELPED_TO_SITE)


def test_a_site_that_found_nobody_leaves_the_lead_waiting_and_the_board_shows_its_answer(
        cast, points):
    lead = report(*ZHANQIAO)
    asked = help_nearby.ask_to_look_in(lead, points["police_room"], by=cast.shinan_dispatcher)

    help_nearby.answer_look_in(asked, LookInAnswer.NOT_THERE, "  桥下没人  ",
                               by=cast.shinan_dispatcher)

    lead.refresh_from_db()
    assert lead.is_open and lead.status != LeadStatus.RESOLVED
    helper = _item(board.board_data(cast.shinan_dispatcher), lead)["help_nearby"][0]
    assert (helper["answer"], helper["answer_note"]) == ("not_there", "桥下没人")
    assert helper["answered_at"] is not None and helper["answer_label"] == "Nobody there"
    with pytest.raises(Refused):
        help_nearby.answer_look_in(LookIn.objects.create(lead=lead, site=points["third"]),
                                   "gone_home", by=cast.shinan_dispatcher)


def test_the_site_answers_on_its_own_page_and_a_refused_answer_keeps_what_was_typed(
        cast, client_for, points):
    lead = report(*ZHANQIAO, description="穿灰色棉袄的老人躺在地上")
    asked = help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)
    client = client_for(cast.shinan_relief)

    page = client.get(reverse("outreach:look_ins")).content.decode()
    assert "穿灰色棉袄的老人躺在地上" in page and lead.tracking_code in page
    assert 'id="push-offer"' in page  # the site's own phone may sign up for requests
    assert re.search(r'id="push-offer"[^>]*data-csrf="\w{20,}"', page)  # for the sign-up
    assert reverse("outreach:answer_look_in", args=[asked.pk]) in page

    url = reverse("outreach:answer_look_in", args=[asked.pk])
    refused = client.post(url, {"note": "去了两趟，都没看到"})
    assert refused.status_code == 422
    assert "Choose what you found." in refused.content.decode()
    assert "去了两趟，都没看到</textarea>" in refused.content.decode()

    answered = client.post(url, {"answer": "stays_out", "note": "留了棉被和热水"}, follow=True)
    assert f"Answer sent to the dispatcher for {lead.tracking_code}." in answered.content.decode()
    asked.refresh_from_db()
    assert (asked.answer, asked.answered_by) == ("stays_out", cast.shinan_relief)

    again = client.post(url, {"answer": "not_there", "note": "再去看了一次"})
    assert again.status_code == 422 and "Already answered at" in again.content.decode()
    assert "再去看了一次" in again.content.decode()
    assert 'id="push-offer"' not in client_for(cast.shinan_dispatcher).get(
        reverse("outreach:look_ins")).content.decode()


def test_a_request_whose_asker_is_gone_still_shows_on_the_page_and_through_the_api(
        cast, client_for, api_for, points):
    lead = report(*ZHANQIAO, description="穿灰色棉袄的老人躺在地上")
    help_nearby.ask_to_look_in(lead, cast.shinan_point, by=None)  # an account since removed

    page = client_for(cast.shinan_relief).get(reverse("outreach:look_ins"))
    assert page.status_code == 200 and lead.tracking_code in page.content.decode()
    listed = api_for(cast.shinan_relief).get("/api/v1/look-ins").json()
    assert [(row["lead"], row["asked_by"]) for row in listed["waiting"]] == [
        (lead.tracking_code, "")]


def test_only_the_site_asked_and_the_dispatchers_over_it_see_a_request(
        cast, client_for, points):
    lead = report(*ZHANQIAO)
    asked = help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)
    url = reverse("outreach:answer_look_in", args=[asked.pk])

    other_site = client_for(cast.laoshan_relief)
    assert lead.tracking_code not in other_site.get(reverse("outreach:look_ins")).content.decode()
    assert other_site.post(url, {"answer": "not_there"}).status_code == 404
    assert client_for(cast.shinan_viewer).get(reverse("outreach:look_ins")).status_code == 403
    patroller = client_for(cast.shinan_patroller)  # changes their tasks, not a site's answers
    assert patroller.get(reverse("outreach:look_ins")).status_code == 403
    assert patroller.post(url, {"answer": "not_there"}).status_code == 403
    assert reverse("outreach:look_ins") not in patroller.get(reverse("home")).content.decode()
    assert reverse("outreach:look_ins") in client_for(cast.shinan_dispatcher).get(
        reverse("home")).content.decode()
    above = client_for(cast.shinan_station).get(reverse("outreach:look_ins")).content.decode()
    assert lead.tracking_code in above  # the sub-station over the relief point
    assert lead.tracking_code in client_for(cast.shinan_dispatcher).get(
        reverse("outreach:look_ins")).content.decode()
    asked.refresh_from_db()
    assert asked.answered_at is None


def test_a_sites_own_client_lists_its_requests_and_answers_once_per_key(cast, api_for, points):
    lead = report(*ZHANQIAO, description="穿灰色棉袄的老人躺在地上")
    asked = help_nearby.ask_to_look_in(lead, cast.shinan_point, by=cast.shinan_dispatcher)
    client = api_for(cast.shinan_relief)

    listed = client.get("/api/v1/look-ins").json()
    assert [row["lead"] for row in listed["waiting"]] == [lead.tracking_code] and not listed["done"]
    row = listed["waiting"][0]
    assert (row["site"], row["description"], row["still_out"]) == (
        "琴岛驿家·八大关", "穿灰色棉袄的老人躺在地上", True)
    assert row["answer"] == "" and row["distance_m"] is not None

    url = f"/api/v1/look-ins/{asked.pk}/answer"
    unknown = client.post(url, {"answer": "gone_home", "note": "去了两趟"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "answer"
    body = {"answer": "brought_in", "note": "老人已在驿家休息", "client_request_id": "answer-0001"}
    first, again = client.post(url, body), client.post(url, body)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert (first.json()["answer"], first.json()["still_out"]) == ("brought_in", False)
    lead.refresh_from_db()
    assert (lead.status, lead.outcome) == (LeadStatus.RESOLVED, Outcome.HELPED_TO_SITE)

    other = client.post(url, {"answer": "not_there", "client_request_id": "answer-0002"})
    assert other.status_code == 409 and "Already answered at" in other.json()["message"]
    assert client.get("/api/v1/look-ins").json()["done"][0]["answer"] == "brought_in"


def test_only_a_sites_staff_and_the_dispatchers_over_it_answer_through_the_api(
        cast, api_for, points):
    asked = help_nearby.ask_to_look_in(report(*ZHANQIAO), cast.shinan_point,
                                       by=cast.shinan_dispatcher)
    url = f"/api/v1/look-ins/{asked.pk}/answer"

    assert api_for(cast.laoshan_relief).post(url, {"answer": "not_there"}).status_code == 404
    assert api_for(cast.shinan_patroller).get("/api/v1/look-ins").status_code == 403
    assert api_for(cast.shinan_patroller).post(url, {"answer": "not_there"}).status_code == 403
    assert api_for(cast.laoshan_relief).get("/api/v1/look-ins").json()["waiting"] == []
    by_phone = api_for(cast.shinan_dispatcher).post(url, {"answer": "stays_out"})
    assert by_phone.status_code == 200 and by_phone.json()["answer"] == "stays_out"
