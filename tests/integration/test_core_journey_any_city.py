"""The core journey in any city: a bureau sets its city up, and a public report there is
dispatched, the person escorted to a station and admitted, and a tracing case opened, every
record on that city's districts; a report from another province is refused in the city's own
name, and the cold-weather protocol's thresholds are the ones proposed for the city's winter."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from songnuan.accounts.roles import Role
from songnuan.geo import climate
from songnuan.geo import districts as geo_districts
from songnuan.leads.models import Lead, LeadStatus, Outcome
from songnuan.network.city import forget_city, served_city, setup_city
from songnuan.network.geography import district_for_point
from songnuan.network.models import SiteLevel
from songnuan.outreach.models import Encounter, EncounterOutcome, TaskStatus
from songnuan.people.models import Status
from songnuan.shelter.models import Arrival, ArrivalStatus, Stay
from songnuan.tracing.models import TracingCase
from songnuan.weather import city_rules
from songnuan.weather.evaluation import active_rules
from tests.factories import make_site, make_user
from tests.outreach.factories import make_squad
from tests.shelter.factories import lay_out_station

pytestmark = pytest.mark.django_db

DEFAULT_CITY = "370200"  # the city the test database is seeded with (the network's migration)
DEFAULT_CITY_NAMED = re.compile("青岛|Qingdao")
THRESHOLDS = ("alert_min_c", "severe_min_c", "extreme_min_c")


@dataclass(frozen=True)
class Journey:
    city: str  # GB/T 2260 code
    district: str  # where the station, the squad and the report are
    kind: str  # the district's kind: 区, 县, 市 (a county-level city)
    neighbour: str  # a city of a neighbouring province: its core is outside the city served
    winter: str  # the thresholds against the default city's: "same", "colder" or "floors"
    set_up: bool = True  # False: the database as migrated, serving the default city


JOURNEYS = [
    pytest.param(Journey(DEFAULT_CITY, "370212", "区", "320100", "same", set_up=False),
                 id="qingdao-as-seeded"),
    pytest.param(Journey(DEFAULT_CITY, "370212", "区", "320100", "same"), id="qingdao"),
    pytest.param(Journey("230100", "230102", "区", "220100", "colder"), id="harbin"),
    pytest.param(Journey("530100", "530126", "县", "520100", "floors"), id="kunming-county"),
    pytest.param(Journey("530100", "530181", "市", "510100", "floors"),
                 id="kunming-county-level-city"),
]

# The admission wizard's checks, biometrics left for later (tested in tests/shelter).
CHECKS = {"items_held": "手机", "dangerous_items": "", "temperature_c": "36.4", "injuries": "",
          "health_notes": "", "photo_not_taken": "later", "fingerprints_not_taken": "later"}


@pytest.fixture(autouse=True)
def back_to_the_default_city():
    """The database rolls back after each test; the process's cached city must follow."""
    yield
    forget_city()


def post_report(client, point: tuple[float, float], request_id: str):
    payload = {"client_request_id": request_id, "lat": point[0], "lon": point[1],
               "coord": "wgs84", "description": "桥洞下有一位老人，衣着单薄", "people_count": 1,
               "flags": ["elderly"]}
    return client.post("/api/v1/leads", json.dumps(payload), content_type="application/json")


def thresholds_of(rules) -> dict[str, float]:
    return {name: float(getattr(rules, name)) for name in THRESHOLDS}


def proposed_thresholds(code: str) -> dict[str, float]:
    """What setup proposes for a city, from its winter as estimated from the national data."""
    latitude = geo_districts.load_city(code).core_centre[0]
    return city_rules.thresholds(climate.winter(code, latitude))


@pytest.mark.parametrize("journey", JOURNEYS)
def test_a_report_in_the_city_ends_in_a_bed_and_a_tracing_case(client, api_for, journey):
    if journey.set_up:
        setup_city(journey.city)
    city = served_city()
    assert (city.code, city.is_set_up) == (journey.city, journey.set_up)

    # A point really inside the district, from the packaged outlines, and its registry row.
    outline = geo_districts.district_by_code(journey.district)
    inside = outline.centre
    assert outline.kind == journey.kind and outline.contains(*inside)
    district = district_for_point(*inside)
    assert district is not None and district.code == journey.district

    station = make_site(f"{district.name}救助管理分站", level=SiteLevel.SUB_STATION,
                        district_code=district.code, phone=city.hotline)
    lay_out_station(station)
    dispatcher = make_user(f"{journey.city}.dispatcher", role=Role.DISPATCHER,
                           district_code=district.code)
    patroller = make_user(f"{journey.city}.patrol", role=Role.PATROLLER,
                          district_code=district.code)
    station_staff = make_user(f"{journey.city}.station", role=Role.STATION_STAFF, site=station)
    tracing_officer = make_user(f"{journey.city}.tracing", role=Role.TRACING_OFFICER,
                                district_code=district.code)
    squad = make_squad(f"{district.name}一队", district_code=district.code, at=inside,
                       members=[patroller])

    # The public reports someone in the district; a report from another province is refused
    # in the name of the city served.
    reported = post_report(client, inside, f"journey-{journey.city}-in")
    assert reported.status_code == 201, reported.content
    lead = Lead.objects.get(tracking_code=reported.json()["tracking_code"])
    assert lead.district == district

    outside = geo_districts.load_city(journey.neighbour).core_centre
    assert district_for_point(*outside) is None
    refused = post_report(client, outside, f"journey-{journey.city}-out")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "lat"
    assert city.name in refused.json()["message"]
    if journey.city != DEFAULT_CITY:
        assert "青岛" not in refused.json()["message"]
    assert Lead.objects.count() == 1

    # The district's dispatcher sees it and sends the squad the board suggests.
    dispatching = api_for(dispatcher)
    board = dispatching.get("/api/v1/dispatch/board")
    assert board.status_code == 200
    assert lead.tracking_code in {row["tracking_code"] for row in board.json()["leads"]}
    assigned = dispatching.post(f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {})
    assert assigned.status_code == 201, assigned.content
    task = assigned.json()
    assert task["squad_id"] == squad.pk and task["district_id"] == district.pk
    assert not task["is_mutual_aid"]

    # The squad accepts, arrives and takes the man it meets to the station.
    phone = api_for(patroller)
    for step in ("accept", "arrive"):
        moved = phone.post(f"/api/v1/my/tasks/{task['id']}/{step}", {})
        assert moved.status_code == 200, moved.content
    met = phone.post(f"/api/v1/my/tasks/{task['id']}/encounter", {
        "people": [{"sex": "M", "age_estimate": 68, "outcome": "escorted"}],
        "site_id": station.pk})
    assert met.status_code == 201, met.content
    assert met.json()["task"]["status"] == TaskStatus.DONE
    encounter = Encounter.objects.get(pk=met.json()["id"])
    assert encounter.outcome == EncounterOutcome.ESCORTED and encounter.district == district
    arrival = Arrival.objects.get(site=station, status=ArrivalStatus.EXPECTED)
    person = arrival.person
    assert person.pk in met.json()["person_ids"] and person.district == district

    # The station admits him from its arrivals through the admission wizard.
    staff = client
    staff.force_login(station_staff)
    arrivals = staff.get(reverse("shelter:arrivals")).content.decode()
    assert f"?arrival={arrival.pk}" in arrivals
    admitted = staff.post(reverse("shelter:admit"), {
        "site": station.pk, "arrival": arrival.pk, "person": person.pk, "route": "escorted",
        **CHECKS, "step": "confirm"})
    assert admitted.status_code == 302, admitted.context and admitted.context["form"].errors
    stay = Stay.objects.get(person=person)
    assert stay.site == station and stay.arrival == arrival
    person.refresh_from_db()
    assert person.status == Status.IN_STATION and person.district == district
    lead.refresh_from_db()
    assert (lead.status, lead.outcome) == (LeadStatus.RESOLVED, Outcome.HELPED_TO_SITE)

    # Nobody knows his name: the admission opened a tracing case, which the district's
    # tracing officer finds.
    case = TracingCase.objects.get(person=person)
    assert case.stay == stay and case.site.district == district
    staff.force_login(tracing_officer)
    assert staff.get(reverse("tracing:case", args=[case.pk])).status_code == 200
    listed = staff.get(reverse("tracing:cases")).context["rows"]
    assert [row_case.pk for row_case, _late in listed] == [case.pk]

    # No page along the way speaks of the default city.
    if journey.city != DEFAULT_CITY:
        pages = {tracing_officer: [reverse("tracing:case", args=[case.pk])],
                 station_staff: [stay.get_absolute_url(), reverse("shelter:arrivals")],
                 patroller: [reverse("outreach:task_detail", args=[task["id"]])],
                 dispatcher: [reverse("outreach:board"),
                              reverse("leads:lead_detail", args=[lead.pk])],
                 None: ["/", reverse("leads:report"), reported.json()["status_url"]]}
        for user, urls in pages.items():
            if user is None:
                staff.logout()
            else:
                staff.force_login(user)
            for url in urls:
                page = staff.get(url)
                assert page.status_code == 200, url
                assert not DEFAULT_CITY_NAMED.search(page.content.decode()), url

    # The protocol's thresholds are those proposed for this city's winter.
    rules = active_rules()
    assert rules.city_code == journey.city
    assert thresholds_of(rules) == proposed_thresholds(journey.city)
    default = proposed_thresholds(DEFAULT_CITY)
    if journey.winter == "same":
        assert thresholds_of(rules) == default
    elif journey.winter == "colder":
        assert all(thresholds_of(rules)[name] < default[name] for name in THRESHOLDS)
    else:  # a mild winter: the cold-wave signal's own floors, warmer than the default city's
        assert rules.basis["north"] is False
        assert thresholds_of(rules) == city_rules.WARMEST
        assert all(thresholds_of(rules)[name] > default[name] for name in THRESHOLDS)
