"""The board, the phone pages and patrol plans through HTTP: scoping, refusals, idempotency."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.leads.models import LeadStatus
from songnuan.outreach import patrols
from songnuan.outreach.models import Encounter, PatrolPlan, Task, TaskStatus
from songnuan.people.models import Person
from songnuan.supplies import services
from tests.leads.factories import make_hotspot, report
from tests.outreach.factories import assigned_task, make_squad
from tests.supplies.factories import stocked

pytestmark = pytest.mark.django_db
JSON = {"Accept": "application/json"}


def test_the_board_data_lists_open_leads_with_a_suggestion_and_the_squads(cast, client_for):
    squad = make_squad("市南一队")
    lead = report()
    data = client_for(cast.shinan_dispatcher).get(reverse("outreach:board_data")).json()
    row = next(item for item in data["leads"] if item["id"] == lead.pk)
    assert row["suggestion"]["squad_id"] == squad.pk
    assert "min to the scene" in row["suggestion"]["reason"]
    assert [s["name"] for s in data["squads"]] == ["市南一队"]


def test_a_dispatcher_of_another_district_sees_neither_the_lead_nor_the_squad(cast, client_for):
    make_squad()
    report()
    data = client_for(cast.laoshan_dispatcher).get(reverse("outreach:board_data")).json()
    assert data["leads"] == [] and data["squads"] == []


def test_the_board_shows_the_protocol_level_and_the_thresholds_in_force(cast, client_for,
                                                                        settings):
    settings.OUTREACH_ASSIGN_WITHIN_MIN, settings.OUTREACH_ARRIVE_WITHIN_MIN = 15, 40
    settings.WEATHER_FALLBACK_LEVEL = 0
    normal = client_for(cast.shinan_dispatcher).get(reverse("outreach:board_data")).json()
    assert [(p["district"], p["level"], p["assign_within_min"], p["arrive_within_min"])
            for p in normal["protocol"]] == [("Shinan", 0, 15, 40)]
    settings.WEATHER_FALLBACK_LEVEL = 3
    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    assert "Extreme cold" in page and "Assign within 5 min" in page
def test_the_board_map_outlines_only_the_districts_the_dispatcher_works_in(cast, client_for):
    shinan = client_for(cast.shinan_dispatcher).get(reverse("outreach:board"))
    city = client_for(cast.centre_dispatcher).get(reverse("outreach:board"))
    assert len(shinan.context["map_data"]["outlines"]) == 1
    assert len(city.context["map_data"]["outlines"]) == 10


def test_a_patroller_cannot_open_the_board(cast, client_for):
    response = client_for(cast.shinan_patroller).get(reverse("outreach:board"))
    assert response.status_code == 403


def test_one_click_assigns_the_suggested_squad_and_the_board_says_why(cast, client_for):
    squad = make_squad("市南一队")
    lead = report()
    client = client_for(cast.shinan_dispatcher)
    response = client.post(reverse("outreach:assign_lead", args=[lead.pk]), follow=True)
    assert response.status_code == 200
    task = Task.objects.get(lead=lead)
    assert task.squad == squad and "min to the scene" in task.reason
    page = client.get(reverse("outreach:board")).content.decode()
    assert "市南一队" in page


def test_assigning_a_taken_lead_through_the_board_says_so(cast, client_for):
    first, second = make_squad("一队"), make_squad("二队")
    task = assigned_task(first, cast.shinan_dispatcher)
    response = client_for(cast.centre_dispatcher).post(
        reverse("outreach:assign_lead", args=[task.lead.pk]), {"squad": second.pk},
        follow=True)
    assert "一队" in response.content.decode()
    assert Task.objects.filter(lead=task.lead).count() == 1


def test_the_patroller_sees_only_their_squads_tasks(cast, client_for):
    mine = make_squad("我的队", members=[cast.shinan_patroller])
    other = make_squad("别的队")
    my_task = assigned_task(mine, cast.shinan_dispatcher)
    their_task = assigned_task(other, cast.shinan_dispatcher, lat=36.07, lon=120.33)
    client = client_for(cast.shinan_patroller)
    page = client.get(reverse("outreach:my_tasks")).content.decode()
    assert reverse("outreach:task_detail", args=[my_task.pk]) in page
    assert reverse("outreach:task_detail", args=[their_task.pk]) not in page
    assert client.get(reverse("outreach:task_detail", args=[their_task.pk])).status_code == 404


def test_queued_steps_and_a_retried_encounter_land_once(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    client = client_for(cast.shinan_patroller)
    for _ in range(2):
        assert client.post(reverse("outreach:task_step", args=[task.pk, "arrive"]),
                           headers=JSON).json()["ok"]
    coat = stocked(squad, "coat", 5).item
    body = {"client_request_id": uuid.uuid4().hex, "outcome": "refused", "p0-sex": "M",
            "p0-age": "58", "p0-name": "老李", f"p0-item-{coat.pk}": "1",
            "contact_card": "1"}
    for _ in range(3):
        response = client.post(reverse("outreach:task_encounter", args=[task.pk]), body,
                               headers=JSON)
        assert response.status_code == 200, response.content
    assert Encounter.objects.count() == 1
    assert services.stock_of(squad, coat).quantity == 4
    task.refresh_from_db()
    task.lead.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.lead.status == LeadStatus.RESOLVED


def test_an_encounter_without_an_outcome_gets_a_reason_not_a_500(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    response = client_for(cast.shinan_patroller).post(
        reverse("outreach:task_encounter", args=[task.pk]),
        {"client_request_id": "x1", "p0-sex": "M"}, headers=JSON)
    assert response.status_code == 422
    assert response.json()["field"] == "outcome"


def test_the_encounter_form_offers_the_squads_stock_with_steppers(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    coat = stocked(squad, "coat", 3).item
    stocked(squad, "quilt", 0)
    task = assigned_task(squad, cast.shinan_dispatcher)
    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert f'name="p0-item-{coat.pk}"' in page and f'name="p1-item-{coat.pk}"' in page
    assert "加厚棉被" not in page  # nothing left of it: no stepper
    assert page.count('class="person"') == 5


def test_two_people_from_the_phone_form_with_their_own_outcomes(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    coat = stocked(squad, "coat", 3).item
    food = stocked(squad, "food", 1).item
    task = assigned_task(squad, cast.shinan_dispatcher)
    response = client_for(cast.shinan_patroller).post(
        reverse("outreach:task_encounter", args=[task.pk]), {
            "client_request_id": uuid.uuid4().hex, "outcome": "escorted",
            "site": cast.shinan_substation.pk,
            "p0-sex": "M", "p0-age": "70", "p0-name": "老孙",
            "p1-sex": "F", "p1-age": "45", "p1-name": "周大姐", "p1-outcome": "refused",
            f"p1-item-{coat.pk}": "1", f"p1-item-{food.pk}": "2",
            "p2-sex": "M"},  # an untouched slot: sex has a default, nothing else
        headers=JSON)
    assert response.status_code == 200, response.content
    assert "short" in response.json()["warning"] and "八宝粥" in response.json()["warning"]
    encounter = Encounter.objects.get()
    assert sorted(encounter.people.values_list("person__self_name", "outcome")) == [
        ("周大姐", "refused"), ("老孙", "escorted")]
    assert Person.objects.count() == 2
    assert services.stock_of(squad, coat).quantity == 2
    assert services.stock_of(squad, food).quantity == 0


def test_a_stepper_with_letters_in_it_is_refused_not_ignored(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    coat = stocked(squad, "coat", 3).item
    task = assigned_task(squad, cast.shinan_dispatcher)
    response = client_for(cast.shinan_patroller).post(
        reverse("outreach:task_encounter", args=[task.pk]), {
            "client_request_id": "bad-qty", "outcome": "refused", "p0-age": "50",
            f"p0-item-{coat.pk}": "two"}, headers=JSON)
    assert response.status_code == 422
    assert response.json()["field"] == "supplies"
    assert not Encounter.objects.exists()


def test_the_phone_reports_the_squads_position_through_the_api(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    page = client_for(cast.shinan_patroller).get(reverse("outreach:my_tasks")).content.decode()
    assert 'data-position-url="/api/v1/my/position"' in page
    client_for(cast.shinan_patroller).post("/api/v1/my/position", {"lat": 36.07, "lon": 120.35},
                                           content_type="application/json")
    squad.refresh_from_db()
    assert (squad.last_lat, squad.last_lon) == (36.07, 120.35)


def test_a_plan_for_tonight_routes_every_hotspot_and_flags_missed_stops(cast, client_for):
    night = patrols.night_of(timezone.now())
    start, end = patrols.night_bounds(night)
    squad = make_squad("夜巡队")
    squad.shifts.all().delete()
    squad.shifts.create(starts_at=start + datetime.timedelta(hours=2),
                        ends_at=start + datetime.timedelta(hours=8))
    for number, (lat, lon) in enumerate([(36.0648, 120.3135), (36.060, 120.330),
                                         (36.060, 120.350), (36.062, 120.380)]):
        make_hotspot(name=f"桥洞{number}", lat=lat, lon=lon)
    client = client_for(cast.shinan_dispatcher)
    response = client.post(reverse("outreach:plan_list"), {
        "district": squad.district_id, "night": night.isoformat()})
    plan = PatrolPlan.objects.get()
    assert response.status_code == 302
    stops = list(plan.stops.all())
    assert plan.dropped == []
    assert len({stop.hotspot_id for stop in stops}) == 4
    assert all(start + datetime.timedelta(hours=2) <= stop.planned_at
               <= start + datetime.timedelta(hours=8) for stop in stops)
    late = timezone.now() + datetime.timedelta(days=1)
    assert all(stop.is_missed(late) for stop in stops)
    patrols.check_off(stops[0])
    assert not stops[0].is_missed(late)
    page = client.get(reverse("outreach:plan_detail", args=[plan.pk])).content.decode()
    assert "桥洞0" in page


def test_planning_a_night_without_squads_is_refused(cast, client_for):
    response = client_for(cast.shinan_dispatcher).post(reverse("outreach:plan_list"), {
        "district": cast.shinan_point.district_id, "night": "2026-12-01"})
    assert response.status_code == 422
    assert not PatrolPlan.objects.exists()


def test_service_levels_show_time_to_assign_and_outcomes(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    assigned_task(squad, cast.shinan_dispatcher)
    response = client_for(cast.shinan_admin).get(reverse("outreach:service_levels"))
    assert response.status_code == 200
    assert response.context["rows"][0].tasks == 1
