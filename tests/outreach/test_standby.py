"""Where free squads wait between tasks: the covering rule, the board's suggestion, telling a
squad through the board, the API and what the patroller's phone shows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.outreach import dispatch, night_plan, squads
from songnuan.outreach.board import board_data
from songnuan.outreach.models import DutyStatus, Squad
from songnuan.outreach.planning import SquadState
from songnuan.outreach.standby import Demand, standby_points
from songnuan.refusals import Refused
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.overrides import set_override
from tests.leads.factories import make_hotspot, report
from tests.outreach.factories import assigned_task, make_squad

STATION = (36.0643, 120.3125)  # 青岛站, 市南区
LAOSHAN_POINT = (36.1006, 120.4670)  # 崂山区政府一带, some 45 minutes' drive from the station
PINGDU = (36.7770, 119.9590)  # 平度汽车站, hours away


def _free(key: int, at: tuple[float, float]) -> SquadState:
    return SquadState(key, f"{key}队", 1, 0.0, *at, load=0, capacity=3)


def test_of_two_squads_at_one_place_one_goes_where_nobody_covers():
    demand = [Demand(*STATION, 3.0, name="青岛站"), Demand(*LAOSHAN_POINT, 3.0, name="崂山")]
    moves = standby_points(demand, [_free(1, STATION), _free(2, STATION)])
    assert list(moves) == [2] and moves[2].name == "崂山"


def test_a_squad_that_stays_for_the_night_covers_its_place_and_is_not_moved():
    demand = [Demand(*STATION, 3.0, name="青岛站"), Demand(*LAOSHAN_POINT, 3.0, name="崂山")]
    # Alone at the station, the free squad stays: the station is the likelier of equals.
    assert standby_points(demand, [_free(1, STATION)]) == {}
    # With another staying there for the night, it goes where nobody covers.
    moves = standby_points(demand, [_free(1, STATION)], staying=[_free(2, STATION)])
    assert list(moves) == [1] and moves[1].name == "崂山"


def test_a_squad_already_covering_the_most_stays_where_it_is():
    demand = [Demand(*STATION, 3.0), Demand(*LAOSHAN_POINT, 1.0)]
    assert standby_points(demand, [_free(1, STATION)]) == {}
    assert standby_points(demand, [_free(1, LAOSHAN_POINT)]) == {1: demand[0]}


def test_a_long_drive_for_little_is_not_worth_it():
    demand = [Demand(*STATION, 10.0), Demand(*PINGDU, 0.1)]
    assert standby_points(demand, [_free(1, STATION), _free(2, STATION)]) == {}
    # Were 平度 as likely as the station, the drive would be worth it.
    demand = [Demand(*STATION, 10.0), Demand(*PINGDU, 10.0)]
    assert list(standby_points(demand, [_free(1, STATION), _free(2, STATION)])) == [2]


def test_a_squad_waits_in_its_own_district_or_one_with_no_squad():
    laoshan = [Demand(*STATION, 1.0, district_id=1), Demand(*LAOSHAN_POINT, 5.0, district_id=2)]
    squads = [_free(1, STATION), _free(2, STATION)]
    # 崂山 has a squad on shift of its own (busy now): it is sent there first, not ours.
    assert standby_points(laoshan, squads, manned=frozenset({1, 2})) == {}
    # With none of its own, one of ours waits there and the other stays.
    [point] = standby_points(laoshan, squads, manned=frozenset({1})).values()
    assert point == laoshan[1]


def test_no_demand_or_no_free_squad_moves_nobody():
    assert standby_points([], [_free(1, STATION)]) == {}
    assert standby_points([Demand(*STATION, 1.0)], []) == {}


# ------------------------------------------------------------------ through the system

def _red(*districts, by) -> None:
    later = timezone.now() + datetime.timedelta(hours=6)
    for place in districts:
        set_override(place, ProtocolLevel.EXTREME_COLD, "红色寒潮预警", later, by=by)
    night_plan.forget()  # a plan serves for ten seconds whatever changed


@pytest.fixture
def two_at_the_station(cast):
    """Two free squads at 青岛站; high-risk hotspots at the station and at 崂山, red over both."""
    first, second = make_squad("市南一队", at=STATION), make_squad("市南二队", at=STATION)
    station = make_hotspot("青岛站东广场地下通道", *STATION)
    laoshan = make_hotspot("张村河桥洞", *LAOSHAN_POINT)
    _red(station.district, laoshan.district, by=cast.city_admin)
    return first, second


@pytest.mark.django_db
def test_the_board_suggests_where_a_free_squad_should_wait(cast, two_at_the_station):
    [move] = board_data(cast.centre_dispatcher)["standby"]
    assert move["squad"] == "市南二队" and move["place"] == "张村河桥洞"
    assert 30 <= move["drive_min"] <= 60


@pytest.mark.django_db
def test_without_the_cold_weather_protocol_nobody_is_moved(cast):
    make_squad("市南一队", at=STATION)
    make_squad("市南二队", at=STATION)
    make_hotspot("张村河桥洞", *LAOSHAN_POINT)
    night_plan.forget()
    assert board_data(cast.centre_dispatcher)["standby"] == []


@pytest.mark.django_db
def test_a_busy_squad_is_not_moved(cast, two_at_the_station):
    first, second = two_at_the_station
    assigned_task(second, cast.centre_dispatcher)
    night_plan.forget()
    assert [m["squad"] for m in board_data(cast.centre_dispatcher)["standby"]] == []


@pytest.mark.django_db
def test_a_squad_told_where_to_wait_is_not_told_again_on_its_way(cast, two_at_the_station):
    first, second = two_at_the_station
    squads.send_to_standby(second, *LAOSHAN_POINT, "张村河桥洞", by=cast.centre_dispatcher)
    second.refresh_from_db()
    assert second.standby == LAOSHAN_POINT and second.standby_place == "张村河桥洞"
    assert second.standby_since is not None
    # Still at the station (it has just left): counted where it was told to wait.
    night_plan.forget()
    assert board_data(cast.centre_dispatcher)["standby"] == []
    [row] = [s for s in board_data(cast.centre_dispatcher)["squads"] if s["id"] == second.pk]
    assert row["standby_place"] == "张村河桥洞"


@pytest.mark.django_db
def test_only_a_squad_on_duty_is_told_and_only_to_a_place_in_the_city(cast):
    squad = make_squad("市南一队", at=STATION)
    with pytest.raises(Refused) as refused:
        squads.send_to_standby(squad, 31.23, 121.47, "外滩", by=cast.centre_dispatcher)
    assert refused.value.field == "lat"
    for place in ("站" * 121, "   "):
        with pytest.raises(Refused) as refused:
            squads.send_to_standby(squad, *STATION, place, by=cast.centre_dispatcher)
        assert refused.value.field == "place"
    dispatch.set_duty_status(squad, DutyStatus.ON_BREAK)
    with pytest.raises(Refused):
        squads.send_to_standby(squad, *STATION, "青岛站", by=cast.centre_dispatcher)
    assert Squad.objects.get(pk=squad.pk).standby is None


@pytest.mark.django_db
def test_a_task_ends_the_wait(cast, two_at_the_station):
    first, second = two_at_the_station
    squads.send_to_standby(second, *LAOSHAN_POINT, "张村河桥洞", by=cast.centre_dispatcher)
    assigned_task(second, cast.centre_dispatcher)
    assert Squad.objects.get(pk=second.pk).standby is None


@pytest.mark.django_db
def test_a_squad_sent_somewhere_for_the_night_goes_back_there_after_each_task(
        cast, client_for, two_at_the_station):
    first, second = two_at_the_station
    squads.send_to_standby(second, *LAOSHAN_POINT, "张村河桥洞", by=cast.centre_dispatcher,
                           for_the_night=True)
    assigned_task(second, cast.centre_dispatcher)
    second.refresh_from_db()
    assert second.standby == LAOSHAN_POINT and second.standby_for_the_night
    second.members.create(user=cast.shinan_patroller, agency="civil_affairs")
    phone = client_for(cast.shinan_patroller).get(reverse("outreach:my_tasks")).content.decode()
    assert "For the night, wait at 张村河桥洞 between tasks" in phone
    board = client_for(cast.centre_dispatcher).get(reverse("outreach:board")).content.decode()
    assert "waits at 张村河桥洞 for the night" in board
    dispatch.set_duty_status(second, DutyStatus.ON_BREAK)  # its night is over
    second.refresh_from_db()
    assert second.standby is None and not second.standby_for_the_night


@pytest.mark.django_db
def test_a_squad_sent_somewhere_for_the_night_is_not_suggested_elsewhere(
        cast, two_at_the_station):
    first, second = two_at_the_station
    squads.send_to_standby(second, *STATION, "青岛站", by=cast.centre_dispatcher,
                           for_the_night=True)
    night_plan.forget()
    moves = board_data(cast.centre_dispatcher)["standby"]
    assert [move["squad"] for move in moves] == ["市南一队"]


@pytest.mark.django_db
def test_a_squad_going_off_duty_forgets_where_to_wait(cast):
    squad = make_squad("市南一队", at=STATION)
    squads.send_to_standby(squad, *STATION, "青岛站", by=cast.centre_dispatcher)
    dispatch.set_duty_status(squad, DutyStatus.OUT_OF_SERVICE)
    squad.refresh_from_db()
    assert squad.standby is None and squad.standby_place == "" and squad.standby_since is None


@pytest.mark.django_db
def test_the_dispatcher_sends_a_squad_from_the_board(cast, client_for, two_at_the_station):
    first, second = two_at_the_station
    client = client_for(cast.centre_dispatcher)
    page = client.get(reverse("outreach:board")).content.decode()
    assert "张村河桥洞" in page and reverse("outreach:send_to_standby", args=[second.pk]) in page
    answer = client.post(reverse("outreach:send_to_standby", args=[second.pk]),
                         {"lat": LAOSHAN_POINT[0], "lon": LAOSHAN_POINT[1],
                          "place": "张村河桥洞"}, follow=True)
    assert "told to wait at 张村河桥洞" in answer.content.decode()
    assert Squad.objects.get(pk=second.pk).standby == LAOSHAN_POINT


@pytest.mark.django_db
def test_a_point_off_the_map_is_refused_on_the_board_and_nothing_changes(
        cast, client_for, two_at_the_station):
    first, second = two_at_the_station
    client = client_for(cast.centre_dispatcher)
    url = reverse("outreach:send_to_standby", args=[second.pk])
    answer = client.post(url, {"lat": "北纬36", "lon": "120.4", "place": "张村河桥洞"},
                         follow=True)
    assert "Enter a number" in answer.content.decode()
    answer = client.post(url, {"lat": 31.23, "lon": 121.47, "place": "外滩"}, follow=True)
    assert "not in the city" in answer.content.decode()
    assert Squad.objects.get(pk=second.pk).standby is None


@pytest.mark.django_db
def test_a_district_dispatcher_cannot_move_another_districts_squad(cast, client_for):
    laoshan = make_squad("崂山一队", district_code="370212", at=LAOSHAN_POINT)
    answer = client_for(cast.shinan_dispatcher).post(
        reverse("outreach:send_to_standby", args=[laoshan.pk]),
        {"lat": STATION[0], "lon": STATION[1], "place": "青岛站"})
    assert answer.status_code == 404
    assert Squad.objects.get(pk=laoshan.pk).standby is None


@pytest.mark.django_db
def test_the_api_tells_a_squad_once_per_key(cast, api_for, two_at_the_station):
    first, second = two_at_the_station
    api = api_for(cast.centre_dispatcher)
    [move] = api.get("/api/v1/dispatch/board").json()["standby"]
    body = {"lat": move["lat"], "lon": move["lon"], "place": move["place"],
            "client_request_id": "standby-1"}
    url = f"/api/v1/dispatch/squads/{move['squad_id']}/standby"
    answer = api.post(url, body)
    assert answer.status_code == 200, answer.content
    told = answer.json()
    assert told["standby_place"] == "张村河桥洞" and told["standby_lat"] == LAOSHAN_POINT[0]
    assert told["standby_for_the_night"] is False
    again = api.post(url, body)
    assert again.status_code == 200 and again.json()["standby_since"] == told["standby_since"]
    wrong = api.post(url, body | {"lat": 31.23, "lon": 121.47, "client_request_id": "standby-2"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "lat"
    night = api.post(url, body | {"for_the_night": True, "client_request_id": "standby-3"})
    assert night.status_code == 200 and night.json()["standby_for_the_night"] is True


@pytest.mark.django_db
def test_the_patrollers_phone_says_where_to_wait_between_tasks(cast, client_for):
    squad = make_squad("市南一队", at=STATION, members=[cast.shinan_patroller])
    page = client_for(cast.shinan_patroller).get(reverse("outreach:my_tasks")).content.decode()
    assert "wait at" not in page
    squads.send_to_standby(squad, *LAOSHAN_POINT, "张村河桥洞", by=cast.centre_dispatcher)
    page = client_for(cast.shinan_patroller).get(reverse("outreach:my_tasks")).content.decode()
    assert "Until your next task, wait at 张村河桥洞" in page
    assert "amap" in page.lower()  # a link to drive there in the phone's map app


@pytest.mark.django_db
def test_a_lead_reported_near_a_waiting_squad_goes_to_it(cast, two_at_the_station):
    first, second = two_at_the_station
    squads.send_to_standby(second, *LAOSHAN_POINT, "张村河桥洞", by=cast.centre_dispatcher)
    dispatch.report_position(second, *LAOSHAN_POINT)  # it got there
    lead = report(LAOSHAN_POINT[0] + 0.001, LAOSHAN_POINT[1])
    night_plan.forget()
    item = next(i for i in board_data(cast.centre_dispatcher)["leads"] if i["id"] == lead.pk)
    assert item["suggestion"]["squad"] == "市南二队" and item["suggestion"]["eta_min"] <= 5
