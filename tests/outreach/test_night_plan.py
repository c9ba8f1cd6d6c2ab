"""Tonight's plan on the board and through dispatch: every waiting lead ranked, leads known only
by district, mutual aid, and districts short of squads."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from songnuan.duty.models import Alert, Topic
from songnuan.leads import services as lead_services
from songnuan.leads.models import Source
from songnuan.outreach import alerts, dispatch, night_plan
from songnuan.outreach.board import board_data, capacity_alerts
from songnuan.outreach.models import DutyStatus, Shift, Squad, Task
from songnuan.outreach.routing import DEFAULT_SPEED_KMH, road_distance_m
from songnuan.refusals import Refused
from tests.duty.factories import on_duty_around_now
from tests.factories import LAOSHAN, SHINAN, district
from tests.leads.factories import report
from tests.outreach.factories import make_squad

pytestmark = pytest.mark.django_db

STATION = (36.0643, 120.3125)  # 青岛站
LAOSHAN_POINT = (36.1006, 120.4670)  # 崂山区政府一带
MAY_FOURTH_SQUARE = (36.0617, 120.3844)  # 五四广场, 市南区


def _grid(n: int, origin=(36.0660, 120.3300), step=0.004):
    """n places about 400 m apart in 市南区, far enough not to be one incident."""
    return [(origin[0] + step * (k // 6), origin[1] + step * (k % 6)) for k in range(n)]


def _item(data: dict, lead) -> dict:
    return next(item for item in data["leads"] if item["id"] == lead.pk)


def test_every_waiting_lead_gets_squads_ranked_by_eta_not_only_the_first_thirty(cast):
    make_squad("市南一队", at=STATION)
    make_squad("市南二队", at=(36.0700, 120.3600))
    leads = [report(lat, lon) for lat, lon in _grid(36)]
    data = board_data(cast.centre_dispatcher)
    items = [_item(data, lead) for lead in leads]
    assert all(item["suggestions"] for item in items)
    for item in items:
        etas = [option["eta_min"] for option in item["suggestions"]]
        assert etas == sorted(etas)
    # Each squad is sent one lead now; the rest wait for the next plan, not in a queue.
    sent_now = [item for item in items if item["assign_now"]]
    assert len(sent_now) == 2
    assert {item["suggestion"]["squad"] for item in sent_now} == {"市南一队", "市南二队"}
    assert data["plan"]["solver"] in ("routing", "greedy")


def test_on_a_red_night_the_one_lying_on_the_ground_is_sent_first_though_further(cast, settings):
    settings.WEATHER_FALLBACK_TEMPERATURE_C = -12
    settings.WEATHER_FALLBACK_LEVEL = 3
    make_squad("市南一队", at=STATION)
    standing = report(36.0680, 120.3140, description="中年男子，站着")  # 0.4 km
    lying = report(36.0620, 120.3520, flags=["lying_down"], description="老人躺在地上")  # 3.6 km
    assert lying.district_id == standing.district_id  # both the squad's own: no mutual aid
    data = board_data(cast.centre_dispatcher)
    assert _item(data, lying)["assign_now"]
    assert not _item(data, standing)["assign_now"]


def test_a_lead_known_only_by_district_is_sent_and_the_squad_sets_the_place(cast, client_for):
    squad = make_squad("市南一队", at=STATION)
    lead = report(None, None, source=Source.HOTLINE, place="一座桥下面，说不清哪座",
                  district_id=district(SHINAN).pk, received_by=cast.shinan_dispatcher)
    item = _item(board_data(cast.shinan_dispatcher), lead)
    assert item["needs_location"] and item["suggestions"][0]["squad_id"] == squad.pk
    client_for(cast.shinan_dispatcher).post(reverse("outreach:assign_lead", args=[lead.pk]))
    task = Task.objects.get(lead=lead)
    assert task.lat is None and task.squad == squad
    with pytest.raises(Refused):
        dispatch.set_task_place(task, 35.0, 119.0, by=None)  # in the Yellow Sea
    dispatch.set_task_place(task, 36.0700, 120.3200, by=None)
    lead.refresh_from_db()
    assert (lead.lat, lead.lon, lead.location_source) == (36.0700, 120.3200, "patrol")


def test_the_place_a_squad_sets_links_the_lead_to_the_open_leads_around_it(cast):
    """On the scene of a lead known only by district, the squad may be looking at someone
    already reported with a position: the two are linked, so it can tell the dispatcher."""
    squad = make_squad("市南一队", at=STATION)
    placed = report(36.0701, 120.3201, description="老大爷，穿蓝色棉袄，躺着")
    lead = report(None, None, source=Source.HOTLINE, place="马路边上",
                  district_id=district(SHINAN).pk, received_by=cast.shinan_dispatcher)
    assert lead_services.nearby_leads([lead.pk]) == {}
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)
    dispatch.set_task_place(task, 36.0700, 120.3200, by=None)
    assert lead_services.nearby_leads([lead.pk]) == {lead.pk: [placed.pk]}
    dispatch.set_task_place(task, 36.0700, 120.3200, by=None)  # set again: no second link
    assert lead_services.nearby_leads([lead.pk]) == {lead.pk: [placed.pk]}


def test_a_lead_with_neither_place_nor_district_cannot_be_sent(cast, client_for):
    make_squad("市南一队", at=STATION)
    lead = report(None, None, source=Source.HOTLINE, place="不知道在哪",
                  received_by=cast.shinan_dispatcher)
    response = client_for(cast.centre_dispatcher).post(
        reverse("outreach:assign_lead", args=[lead.pk]), follow=True)
    assert not Task.objects.filter(lead=lead).exists()
    page = response.content.decode()
    assert "还没有位置" in page or "has no location yet" in page


def test_mutual_aid_sends_a_neighbouring_squad_and_tells_its_district(cast, client_for):
    shinan_squad = make_squad("市南一队", at=MAY_FOURTH_SQUARE)  # about 25 minutes away
    on_duty_around_now(cast.shinan_admin, district=district(SHINAN))
    lead = report(*LAOSHAN_POINT)
    item = _item(board_data(cast.laoshan_dispatcher), lead)
    assert item["suggestion"]["squad_id"] == shinan_squad.pk
    assert item["suggestion"]["mutual_aid"] and "Shinan" in item["suggestion"]["reason"]
    client_for(cast.laoshan_dispatcher).post(reverse("outreach:assign_lead", args=[lead.pk]),
                                             {"squad": shinan_squad.pk})
    task = Task.objects.get(lead=lead)
    assert task.is_mutual_aid and task.squad == shinan_squad and task.eta_min
    told = Alert.objects.get(topic=Topic.MUTUAL_AID)
    assert told.recipient == cast.shinan_admin and "Laoshan" in told.text


def test_the_home_district_is_told_of_mutual_aid_in_its_leaders_language(cast, client_for):
    shinan_squad = make_squad("市南一队", at=MAY_FOURTH_SQUARE)
    cast.shinan_admin.language = "zh-hans"  # the dispatcher's screen is in English
    cast.shinan_admin.save()
    on_duty_around_now(cast.shinan_admin, district=district(SHINAN))
    lead = report(*LAOSHAN_POINT, place="张村河")
    client_for(cast.laoshan_dispatcher).post(reverse("outreach:assign_lead", args=[lead.pk]),
                                             {"squad": shinan_squad.pk})
    told = Alert.objects.get(topic=Topic.MUTUAL_AID)
    assert told.text == "市南一队已跨区支援崂山区（张村河）。"


def test_a_district_dispatcher_cannot_take_another_districts_squad_that_is_not_needed(
        cast, client_for):
    shinan_squad = make_squad("市南一队", at=STATION)
    make_squad("崂山一队", district_code=LAOSHAN, at=LAOSHAN_POINT)
    lead = report(*LAOSHAN_POINT)
    client_for(cast.laoshan_dispatcher).post(reverse("outreach:assign_lead", args=[lead.pk]),
                                             {"squad": shinan_squad.pk})
    assert not Task.objects.filter(lead=lead).exists()


def test_a_district_short_of_squads_is_told_with_the_reserves_it_can_call_on(cast, client_for):
    make_squad("市南一队", at=STATION)
    reserve = make_squad("市南备勤队", at=STATION, on_shift=False)
    Squad.objects.filter(pk=reserve.pk).update(duty_status=DutyStatus.RESERVE)
    Shift.objects.filter(squad=reserve).delete()  # in reserve: no shift tonight
    on_duty_around_now(cast.shinan_admin, district=district(SHINAN))
    for lat, lon in _grid(8):
        report(lat, lon, flags=["lying_down", "elderly"])
    [alert] = board_data(cast.shinan_dispatcher)["capacity_alerts"]
    assert alert["district"] == "Shinan" and alert["squads_missing"] >= 2
    assert alert["reserves"] == [{"id": reserve.pk, "name": "市南备勤队"}]
    assert alerts.alert_squads_short() == 1
    assert alerts.alert_squads_short() == 0  # told once an hour, not every minute
    told = Alert.objects.get(topic=Topic.SQUADS_SHORT)
    assert told.recipient == cast.shinan_admin and "市南备勤队" in told.text
    client_for(cast.shinan_dispatcher).post(reverse("outreach:call_on_reserve",
                                                    args=[reserve.pk]))
    reserve.refresh_from_db()
    # On duty at once, but sent only once its crew has gathered.
    assert reserve.duty_status == DutyStatus.ON_DUTY and not dispatch.is_on_shift(reserve)
    assert dispatch.is_on_shift(reserve, timezone.now() + datetime.timedelta(minutes=31))
    # Until then the alert shows it gathering, and counts it against the squads missing.
    [alert] = board_data(cast.shinan_dispatcher)["capacity_alerts"]
    assert [squad["name"] for squad in alert["gathering"]] == ["市南备勤队"]
    assert alert["still_missing"] == alert["squads_missing"] - 1 and alert["reserves"] == []


def test_calling_on_a_squad_that_is_not_in_reserve_is_refused(cast, client_for):
    squad = make_squad("市南一队", at=STATION)
    response = client_for(cast.shinan_dispatcher).post(
        reverse("outreach:call_on_reserve", args=[squad.pk]), follow=True)
    page = response.content.decode()
    assert "不在备勤" in page or "not in reserve" in page


def test_a_district_no_squad_can_reach_under_the_protocol_is_short_before_anyone_is_reported(
        cast, client_for):
    from songnuan.weather.levels import ProtocolLevel
    from songnuan.weather.overrides import set_override
    from tests.leads.factories import make_hotspot

    make_squad("市南一队", at=STATION)
    pingdu = make_hotspot("平度汽车站", 36.7770, 119.9590)
    shinan_spot = make_hotspot()
    assert board_data(cast.centre_dispatcher)["capacity_alerts"] == []  # no protocol yet
    later = timezone.now() + datetime.timedelta(hours=6)
    for spot in (pingdu, shinan_spot):
        set_override(spot.district, ProtocolLevel.EXTREME_COLD, "红色寒潮预警", later,
                     by=cast.city_admin)
    night_plan.forget()  # a plan serves for ten seconds whatever changed
    [alert] = board_data(cast.centre_dispatcher)["capacity_alerts"]
    assert alert["district_id"] == pingdu.district_id and alert["squads_missing"] == 1
    assert alert["waiting"] == 0 and "Pingdu" in alert["message"] and "45" in alert["message"]
    # The leader weighing whether to move a squad there sees the nearest and how far it is.
    assert alert["nearest"]["name"] == "市南一队" and alert["nearest"]["district"] == "Shinan"
    centre = (pingdu.district.centre_lat, pingdu.district.centre_lon)
    minutes = round(road_distance_m(*STATION, *centre) / 1000 / DEFAULT_SPEED_KMH * 60)
    assert alert["nearest"]["drive_min"] == minutes
    page = client_for(cast.centre_dispatcher).get("/outreach/board/").content.decode()
    assert f"Nearest squad on shift: 市南一队 (Shinan), {minutes} min away" in page
    # The only squad of Shinan is named but not offered: Shinan would be left bare.
    assert alert["nearest"]["last_of_its_district"] and not alert["nearest"]["may_send"]
    assert "the last squad of its district: not sent" in page and "Send it to" not in page
    make_squad("市南二队", at=STATION)
    night_plan.forget()
    [alert] = board_data(cast.centre_dispatcher)["capacity_alerts"]
    assert alert["nearest"]["wait_place"] == "平度汽车站" and alert["nearest"]["may_send"]
    page = client_for(cast.centre_dispatcher).get("/outreach/board/").content.decode()
    assert "Send it to wait at 平度汽车站" in page and 'name="for_the_night" value="on"' in page
    make_squad("平度一队", district_code=pingdu.district.code, at=(36.7770, 119.9590))
    night_plan.forget()
    assert board_data(cast.centre_dispatcher)["capacity_alerts"] == []


def test_a_squad_sent_for_the_night_to_a_district_with_none_covers_it_through_its_tasks(
        cast, client_for):
    from songnuan.weather.levels import ProtocolLevel
    from songnuan.weather.overrides import set_override
    from tests.leads.factories import make_hotspot

    lent, other = make_squad("市南一队", at=STATION), make_squad("市南二队", at=STATION)
    pingdu, shinan_spot = make_hotspot("平度汽车站", 36.7770, 119.9590), make_hotspot()
    for spot in (pingdu, shinan_spot):
        set_override(spot.district, ProtocolLevel.EXTREME_COLD, "红色寒潮预警",
                     timezone.now() + datetime.timedelta(hours=6), by=cast.city_admin)
    night_plan.forget()
    [alert] = board_data(cast.centre_dispatcher)["capacity_alerts"]
    nearest = alert["nearest"]

    client_for(cast.centre_dispatcher).post(
        reverse("outreach:send_to_standby", args=[nearest["id"]]),
        {"lat": nearest["wait_lat"], "lon": nearest["wait_lon"], "place": nearest["wait_place"],
         "for_the_night": "on"})  # as the alert's button sends it

    assert nearest["id"] == lent.pk
    assert Squad.objects.get(pk=lent.pk).standby_place == "平度汽车站"
    night_plan.forget()
    assert board_data(cast.centre_dispatcher)["capacity_alerts"] == []
    # Its first task there does not end the lending: 平度市 stays covered.
    dispatch.assign_lead(report(36.7772, 119.9593, place="平度汽车站"), lent,
                         by=cast.centre_dispatcher)
    night_plan.forget()
    assert board_data(cast.centre_dispatcher)["capacity_alerts"] == []
    # Another district beyond reach: the squad there for the night is not the one named, and
    # Shinan's last squad is named but not offered.
    laixi = make_hotspot("莱西汽车站", 36.8887, 120.5169)
    set_override(laixi.district, ProtocolLevel.EXTREME_COLD, "红色寒潮预警",
                 timezone.now() + datetime.timedelta(hours=6), by=cast.city_admin)
    night_plan.forget()
    [alert] = board_data(cast.centre_dispatcher)["capacity_alerts"]
    assert alert["district_id"] == laixi.district_id and alert["nearest"]["id"] == other.pk
    assert alert["nearest"]["last_of_its_district"] and not alert["nearest"]["may_send"]


def test_the_alerts_for_districts_no_squad_can_reach_cost_the_same_queries_for_one_or_three(
        cast):
    from songnuan.weather.levels import ProtocolLevel
    from songnuan.weather.overrides import set_override
    from tests.leads.factories import make_hotspot

    make_squad("市南一队", at=STATION)
    make_squad("市南二队", at=STATION)
    counties = [make_hotspot("平度汽车站", 36.7770, 119.9590),
                make_hotspot("莱西汽车站", 36.8887, 120.5169),
                make_hotspot("胶州汽车站", 36.2850, 120.0330)]

    def queries_for_the_alerts(spots) -> tuple[int, list[dict]]:
        for spot in spots:
            set_override(spot.district, ProtocolLevel.EXTREME_COLD, "红色寒潮预警",
                         timezone.now() + datetime.timedelta(hours=6), by=cast.city_admin)
        night_plan.forget()
        now = timezone.now()
        tonight = night_plan.current_plan(now)
        capacity_alerts(cast.centre_dispatcher, tonight, now)  # the user's permissions cached
        with CaptureQueriesContext(connection) as queries:
            found = capacity_alerts(cast.centre_dispatcher, tonight, now)
        return len(queries), found

    one, [alert] = queries_for_the_alerts(counties[:1])
    three, found = queries_for_the_alerts(counties[1:])
    assert alert["nearest"]["wait_place"] == "平度汽车站" and alert["nearest"]["may_send"]
    assert {item["nearest"]["wait_place"] for item in found} == {
        "平度汽车站", "莱西汽车站", "胶州汽车站"}
    assert three == one
