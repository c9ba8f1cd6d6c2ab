"""Intake merges a report only into a lead about the same people; dispatchers split wrong merges;
every reporter hears the outcome of their own person."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from songnuan.leads import feedback, services
from songnuan.leads.models import (
    Lead,
    LeadStatus,
    LeadStatusChange,
    NearbyLead,
    Outcome,
    Source,
)
from songnuan.network.geography import district_for_point
from songnuan.notify.models import Outbox
from songnuan.refusals import Refused
from tests.leads.factories import SHINAN_STATION_SQUARE, report

# 台东步行街 (市北区): people shelter in its doorways; reports come in minutes apart.
TAIDONG = (36.0858, 120.3557)
METRE_LAT = 1 / 111_320


def at_taidong(description: str, *, north_m: float = 0, **fields) -> Lead:
    return report(lat=TAIDONG[0] + north_m * METRE_LAT, lon=TAIDONG[1], description=description,
                  **fields)


def three_reporters_of_one_old_man() -> list[Lead]:
    return [
        at_taidong("一个老大爷躺在店门口，穿蓝色棉袄", reporter_phone="13700000001"),
        at_taidong("大爷蓝棉袄，躺地上，好像很冷", north_m=90, reporter_phone="13700000002"),
        at_taidong("", north_m=40, flags=["elderly", "lying_down"], people_count=2,
                   reporter_phone="13700000003"),
    ]


def sms_to(phone: str) -> list[str]:
    return list(Outbox.objects.filter(phone=phone, purpose="lead_feedback").order_by("id")
                .values_list("text", flat=True))


def test_two_different_people_at_one_street_become_two_leads_linked_as_nearby(db):
    man = at_taidong("一个老大爷躺在店门口，穿蓝色棉袄")
    woman = at_taidong("有个年轻女的坐在台阶上，红羽绒服", north_m=35)
    assert woman.status == LeadStatus.TRIAGED and woman.duplicate_of is None
    link = NearbyLead.objects.get()
    assert (link.lead, link.other) == (woman, man) and 30 < link.distance_m < 40
    assert link.probability < 0.1
    assert services.nearby_leads([man.pk, woman.pk]) == {man.pk: [woman.pk],
                                                        woman.pk: [man.pk]}


def test_one_person_reported_three_times_is_one_lead_with_two_merged_reports(db):
    first, second, third = three_reporters_of_one_old_man()
    assert [second.duplicate_of, third.duplicate_of] == [first, first]
    assert second.status == third.status == LeadStatus.DUPLICATE
    assert second.merge_probability >= 0.5
    codes = {reason["code"] for reason in second.merge_reasons}
    assert {"place", "time", "colour_agree", "sex_agree"} <= codes
    assert not NearbyLead.objects.exists()
    merged = services.merged_reports([first.pk])[first.pk]
    assert [row["tracking_code"] for row in merged] == [second.tracking_code,
                                                        third.tracking_code]
    assert merged[1]["people_count"] == 2 and merged[0]["lat"] == pytest.approx(second.lat)


def test_a_report_merges_into_an_incident_through_any_of_its_reports(db):
    root = at_taidong("有人躺在门口")
    detailed = at_taidong("穿红色羽绒服的阿姨，躺着，带着被子", north_m=60)
    assert detailed.duplicate_of == root
    again = at_taidong("红色羽绒服的阿姨，有被子", north_m=150)
    assert again.duplicate_of == root
    assert "colour_agree" in {reason["code"] for reason in again.merge_reasons}


def test_a_woman_is_never_merged_into_an_incident_about_a_man(db):
    root = at_taidong("一个老头坐在长椅上")
    at_taidong("", north_m=20)  # merged: nothing said against it
    woman = at_taidong("一个老太太坐在长椅上", north_m=10)
    assert woman.duplicate_of is None
    assert NearbyLead.objects.filter(lead=woman, other=root).exists()


def test_the_candidates_are_read_in_one_query_however_many_there_are(db):
    def statements(description: str, north_m: float) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            at_taidong(description, north_m=north_m)
        executed = [query["sql"] or "" for query in queries.captured_queries]
        return [sql for sql in executed if "LEFT JOIN" in sql and "report.lat" in sql]

    assert len(statements("一个老人", 0)) == 1
    for index, who in enumerate(["年轻女的", "小孩", "两个男的", "大妈", "小伙子"]):
        at_taidong(f"一个{who}", north_m=20 * (index + 1))
    assert len(statements("穿黑衣服的中年男人", 50)) == 1


def test_a_report_near_a_merged_report_of_a_closed_incident_is_a_new_lead(db, cast):
    root = at_taidong("一个老大爷")
    merged = at_taidong("老大爷", north_m=30)
    services.set_status(root, LeadStatus.RESOLVED, by=cast.centre_dispatcher,
                        outcome=Outcome.HELPED_TO_SITE)
    again = at_taidong("老大爷", north_m=30)
    assert merged.duplicate_of == root and again.duplicate_of is None


def test_a_report_of_someone_who_just_refused_help_joins_that_incident(db, cast):
    root = at_taidong("一个老大爷躺在店门口，穿蓝色棉袄")
    services.set_status(root, LeadStatus.RESOLVED, by=cast.centre_dispatcher,
                        outcome=Outcome.REFUSED_HELP)
    again = at_taidong("老大爷，蓝棉袄，躺着", north_m=30, reporter_phone="13700000009")
    assert again.duplicate_of == root and again.status == LeadStatus.DUPLICATE
    assert not Lead.objects.open().filter(pk=again.pk).exclude(
        status=LeadStatus.DUPLICATE).exists()  # no second squad drives out
    assert feedback.public_stage(again) == "refused"


@pytest.mark.parametrize("outcome", [Outcome.NOT_FOUND, Outcome.HOSPITAL, Outcome.INVALID])
def test_after_any_other_outcome_a_report_at_the_place_is_a_new_lead(db, cast, outcome):
    root = at_taidong("一个老大爷躺在店门口，穿蓝色棉袄")
    services.set_status(root, LeadStatus.RESOLVED, by=cast.centre_dispatcher, outcome=outcome)
    again = at_taidong("老大爷，蓝棉袄，躺着", north_m=30)
    assert again.duplicate_of is None and again.status == LeadStatus.TRIAGED


# --- the public API ---------------------------------------------------------------------------


def post(client, request_id: str, description: str, north_m: float = 0, **fields):
    payload = {"client_request_id": request_id, "lat": TAIDONG[0] + north_m * METRE_LAT,
               "lon": TAIDONG[1], "coord": "wgs84", "description": description,
               "people_count": 1, "flags": [], **fields}
    response = client.post("/api/v1/leads", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201
    return Lead.objects.get(tracking_code=response.json()["tracking_code"])


def test_the_api_keeps_two_people_at_taidong_apart_and_links_them(db, client):
    first = post(client, "taidong-0000001", "一个老大爷躺在店门口，穿蓝色棉袄")
    second = post(client, "taidong-0000002", "桥洞下有个年轻女的，红羽绒服", north_m=40)
    assert first.status == second.status == LeadStatus.TRIAGED
    assert services.nearby_leads([first.pk]) == {first.pk: [second.pk]}


def test_the_api_merges_one_person_reported_by_three(db, client):
    first = post(client, "taidong-0000011", "一个老大爷躺在店门口，穿蓝色棉袄")
    post(client, "taidong-0000012", "老人，蓝色棉衣，躺着", north_m=70)
    post(client, "taidong-0000013", "", north_m=25, flags=["elderly"])
    assert Lead.objects.open().get() == first
    assert first.duplicates.count() == 2


# --- splitting --------------------------------------------------------------------------------


@pytest.fixture
def merged_pair(db):
    root = report(description="一个老人躺在通道口", reporter_phone="13900000001")
    other = report(lat=SHINAN_STATION_SQUARE[0] + 0.0004, description="老人在通道口",
                   reporter_phone="13900000002")
    assert other.duplicate_of == root
    return root, other


def test_a_dispatcher_splits_a_merged_report_into_its_own_lead(cast, client_for, merged_pair):
    root, other = merged_pair
    client = client_for(cast.shinan_dispatcher)
    response = client.post(f"/leads/{other.pk}/split/", {"note": "队员确认是另一位老人"})
    assert response.status_code == 302 and response["Location"] == f"/leads/{root.pk}/"
    other.refresh_from_db()
    assert other.status == LeadStatus.TRIAGED and other.duplicate_of is None
    assert other.merge_probability is None and other.merge_reasons == []
    assert other.priority == sum(reason["points"] for reason in other.priority_reasons)
    assert "另一位老人" in LeadStatusChange.objects.filter(lead=other).last().note
    assert other.tracking_code in LeadStatusChange.objects.filter(lead=root).last().note
    assert services.nearby_leads([root.pk]) == {root.pk: [other.pk]}
    assert list(Lead.objects.open().order_by("id")) == [root, other]


def test_only_a_merged_report_can_be_split(cast, merged_pair):
    root, _other = merged_pair
    with pytest.raises(Refused):
        services.split_duplicate(root, by=cast.shinan_dispatcher)


def test_a_viewer_cannot_split_and_a_get_changes_nothing(cast, client_for, merged_pair):
    _root, other = merged_pair
    assert client_for(cast.shinan_viewer).post(f"/leads/{other.pk}/split/").status_code == 403
    assert client_for(cast.shinan_dispatcher).get(f"/leads/{other.pk}/split/").status_code == 405
    assert client_for(cast.laoshan_dispatcher).post(
        f"/leads/{other.pk}/split/").status_code == 404
    other.refresh_from_db()
    assert other.status == LeadStatus.DUPLICATE


def test_the_lead_page_shows_the_merged_reports_with_their_reasons(cast, client_for,
                                                                  merged_pair):
    root, other = merged_pair
    page = client_for(cast.shinan_dispatcher).get(f"/leads/{root.pk}/").content.decode()
    assert "已合并报告 1 条" in page and other.tracking_code in page
    assert "老人在通道口" in page and "相距" in page and "同一人概率" in page
    assert f'action="/leads/{other.pk}/split/"' in page
    viewer_page = client_for(cast.shinan_viewer).get(f"/leads/{root.pk}/").content.decode()
    assert f'action="/leads/{other.pk}/split/"' not in viewer_page


def test_the_lead_page_shows_nearby_leads(cast, client_for):
    man = report(description="一个老大爷躺着")
    woman = report(lat=SHINAN_STATION_SQUARE[0] + 0.0003, description="一个大妈坐着")
    page = client_for(cast.shinan_dispatcher).get(f"/leads/{man.pk}/").content.decode()
    assert "附近线索" in page and woman.tracking_code in page


# --- what reporters are told ------------------------------------------------------------------


def test_a_merged_reporter_hears_the_root_outcome_only_while_merged(cast, merged_pair):
    root, other = merged_pair
    services.set_status(root, LeadStatus.ASSIGNED, by=cast.shinan_dispatcher)
    assert "救助队正在赶往现场" in sms_to("13900000002")[-1]
    services.split_duplicate(other, by=cast.shinan_dispatcher)
    told = len(sms_to("13900000002"))
    assert "已收到" in sms_to("13900000002")[-1]  # their own lead: back to received
    services.set_status(root, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                        outcome=Outcome.HELPED_TO_SITE)
    assert len(sms_to("13900000002")) == told
    assert "已护送至救助站" in sms_to("13900000001")[-1]
    other.refresh_from_db()
    services.set_status(other, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                        outcome=Outcome.NOT_FOUND)
    assert "现场未找到" in sms_to("13900000002")[-1]
    root.refresh_from_db()
    other.refresh_from_db()
    assert root.outcome == Outcome.HELPED_TO_SITE and other.outcome == Outcome.NOT_FOUND


def test_a_split_reporter_status_page_shows_their_own_lead(cast, client, merged_pair):
    root, other = merged_pair
    services.set_status(root, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                        outcome=Outcome.HELPED_TO_SITE)
    other.refresh_from_db()
    assert client.get(f"/api/v1/leads/{other.tracking_code}").json()["status"] == "helped"
    # A merged report of a resolved incident is split after the squad met someone else.
    services.split_duplicate(other, by=cast.shinan_dispatcher, note="队员见到的是另一位老人")
    data = client.get(f"/api/v1/leads/{other.tracking_code}").json()
    assert data["status"] == "received" and data["linked_to_earlier_report"] is False


def test_triaging_a_merged_report_through_the_status_form_splits_it(cast, merged_pair):
    root, other = merged_pair
    services.set_status(other, LeadStatus.TRIAGED, by=cast.shinan_dispatcher, note="另一人")
    other.refresh_from_db()
    assert other.status == LeadStatus.TRIAGED and other.duplicate_of is None
    assert services.nearby_leads([other.pk]) == {other.pk: [root.pk]}
    assert other.tracking_code in LeadStatusChange.objects.filter(lead=root).last().note


def by_phone(description: str, **fields) -> Lead:
    """A hotline call whose caller could say only the district (市北区, where 台东 is)."""
    return report(lat=None, lon=None, source=Source.HOTLINE, place="说不清具体位置",
                  district_id=district_for_point(*TAIDONG).pk, description=description, **fields)


def test_two_callers_who_cannot_say_where_describing_one_man_make_one_lead(db):
    first = by_phone("一个老大爷躺在地上，穿蓝色棉袄，拄拐杖")
    second = by_phone("老大爷，蓝棉袄，有拐杖，躺着")
    assert first.lat is None and first.status == LeadStatus.TRIAGED
    assert second.duplicate_of == first and second.status == LeadStatus.DUPLICATE
    codes = {reason["code"] for reason in second.merge_reasons}
    assert {"no_place", "sex_agree", "colour_agree"} <= codes


def test_a_caller_without_a_place_about_someone_else_in_the_district_is_a_new_lead(db):
    man = at_taidong("一个老大爷躺在店门口，穿蓝色棉袄")
    woman = by_phone("一个年轻女的坐着，穿红羽绒服")
    vague = by_phone("好像有人在外面")
    assert woman.duplicate_of is None and woman.status == LeadStatus.TRIAGED
    assert vague.duplicate_of is None, "saying nothing about the person is not enough"
    assert not NearbyLead.objects.filter(lead__in=[woman, vague], other=man).exists()


def test_a_located_report_of_a_caller_s_man_merges_and_gives_the_lead_its_place(db):
    call = by_phone("一个老大爷躺在地上，穿蓝色棉袄，拄拐杖")
    located = at_taidong("老大爷穿蓝棉袄，躺着，有拐杖")
    assert located.duplicate_of == call
    call.refresh_from_db()
    assert (call.lat, call.lon) == (located.lat, located.lon)
    assert call.location_source == "report" and call.district == located.district
    placed = LeadStatusChange.objects.filter(lead=call).latest("id")
    assert "同一人的另一条报告" in placed.note


def test_a_report_elsewhere_in_the_district_does_not_merge_into_a_located_lead(db):
    at_taidong("一个老大爷躺在店门口，穿蓝色棉袄")
    far = report(lat=TAIDONG[0] + 1200 * METRE_LAT, lon=TAIDONG[1],
                 description="一个老大爷躺在店门口，穿蓝色棉袄")
    assert far.duplicate_of is None
