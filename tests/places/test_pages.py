"""The gazetteer pages, the candidate list, the hotline form and the lead's Set the place form,
and the staff API, through the test client."""

from __future__ import annotations

import io
import re
import uuid
from urllib.parse import urlencode

import pytest

from songnuan.leads import services as leads
from songnuan.leads.models import Lead, Source
from songnuan.places.models import Place
from tests.factories import SHINAN, district

UNDERPASS = "台东步行街东口地下通道"


def unlocated(place: str = "地下通道", **fields) -> Lead:
    lead, _created = leads.submit_lead(leads.LeadInput(
        source=Source.HOTLINE, place=place, client_request_id=uuid.uuid4().hex, **fields))
    return lead


# ---------------------------------------------------------------------------------------------
# Gazetteer pages


def test_the_city_administrator_lists_and_searches_the_gazetteer(cast, gazetteer, client_for):
    client = client_for(cast.city_admin)
    page = client.get("/places/").content.decode()
    assert "五四广场" in page and "胶东国际机场" in page
    found = client.get("/places/", {"q": "wusi"}).content.decode()
    assert "五四广场" in found and "青岛站" not in found
    assert "台东步行街" in client.get("/places/", {"q": "tdbxj"}).content.decode()


def test_a_district_administrator_sees_only_their_districts_places(cast, gazetteer, client_for):
    page = client_for(cast.shinan_admin).get("/places/").content.decode()
    assert "五四广场" in page and "青岛北站" not in page


def test_a_viewer_has_no_gazetteer_pages(cast, client_for):
    assert client_for(cast.shinan_viewer).get("/places/").status_code == 403
    assert client_for(cast.shinan_dispatcher).get("/places/new/").status_code == 403


def test_a_district_administrator_adds_a_place_in_their_district(cast, client_for):
    response = client_for(cast.shinan_admin).post("/places/new/", {
        "name": "青岛站东广场", "aliases_text": "火车站东广场、东广场", "kind": "landmark",
        "lat": "36.0648", "lon": "120.3135", "coord": "wgs84", "is_active": "on"})
    assert response.status_code == 302
    place = Place.objects.get()
    assert place.aliases == ["火车站东广场", "东广场"] and place.district == district(SHINAN)
    assert place.search_initials[0] == "qdzdgc"


def test_a_place_outside_their_district_is_refused_and_the_form_keeps_the_input(cast, client_for):
    response = client_for(cast.shinan_admin).post("/places/new/", {
        "name": "青岛北站南广场", "aliases_text": "北站南广场", "kind": "transport_station",
        "lat": "36.1686", "lon": "120.3742", "coord": "wgs84", "is_active": "on"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "只能在本区内" in form.errors["lat"][0]
    html = response.content.decode()
    assert 'value="青岛北站南广场"' in html and 'value="北站南广场"' in html
    assert 'value="36.1686"' in html
    assert not Place.objects.exists()


def test_a_point_outside_the_city_is_a_field_error(cast, client_for):
    response = client_for(cast.city_admin).post("/places/new/", {
        "name": "天安门", "kind": "landmark", "lat": "39.9087", "lon": "116.3975",
        "coord": "wgs84", "is_active": "on"})
    assert "不在青岛市范围内" in response.context["form"].errors["lat"][0]


def test_a_district_administrator_cannot_edit_another_districts_place(cast, gazetteer,
                                                                      client_for):
    north_station = Place.objects.get(name="青岛北站")
    assert client_for(cast.shinan_admin).get(f"/places/{north_station.pk}/").status_code == 404
    assert client_for(cast.laoshan_admin).get(f"/places/{north_station.pk}/").status_code == 404
    square = Place.objects.get(name="五四广场")
    assert client_for(cast.shinan_admin).get(f"/places/{square.pk}/").status_code == 200


def test_the_import_page_lists_each_refusal_and_saves_nothing(cast, client_for):
    upload = io.BytesIO("name,kind,lat,lon,coord\n青岛站,transport_station,36.0644,120.3128,\n"
                        "青岛站,landmark,36.0644,120.3128,\n天安门,landmark,39.9,116.4,\n"
                        .encode())
    upload.name = "places.csv"
    response = client_for(cast.city_admin).post("/places/import/", {"file": upload})
    rows = [(error.row, error.field) for error in response.context["result"].errors]
    assert rows == [(3, "name"), (4, "lat")]
    assert "未保存任何数据" in response.content.decode()
    assert not Place.objects.exists()


# ---------------------------------------------------------------------------------------------
# Candidates as the place is typed


def test_the_candidate_list_offers_places_with_their_points(cast, gazetteer, client_for):
    response = client_for(cast.shinan_dispatcher).get("/places/resolve/",
                                                      {"place": "台东步行街东口地下通到"})
    html = response.content.decode()
    place = Place.objects.get(name=UNDERPASS)
    assert UNDERPASS in html and f'data-lat="{place.lat}"' in html
    assert 'data-source="gazetteer"' in html and "最佳匹配" in html


def test_the_candidate_list_says_when_nothing_matches(cast, gazetteer, client_for):
    html = client_for(cast.shinan_dispatcher).get("/places/resolve/", {"q": "火星基地"}).content
    assert "地名库中没有匹配的地点".encode() in html


# ---------------------------------------------------------------------------------------------
# The hotline form


def test_a_typed_place_alone_gives_the_hotline_lead_coordinates(cast, gazetteer, client_for):
    response = client_for(cast.shinan_dispatcher).post("/leads/hotline/", {
        "place": UNDERPASS, "coord": "gcj02", "people_count": 1, "description": ""})
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.location_source == "gazetteer" and lead.district.name == "市北区"


def test_a_chosen_candidate_gives_the_hotline_lead_its_point(cast, gazetteer, client_for):
    response = client_for(cast.shinan_dispatcher).post("/leads/hotline/", {
        "place": "地下通道东口北侧", "lat": "36.0625", "lon": "120.3852", "place_source": "hotspot",
        "coord": "gcj02", "people_count": 1, "description": ""})
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.lat, lead.lon) == (36.0625, 120.3852)  # WGS-84 as chosen: not converted
    assert lead.location_source == "hotspot" and lead.district == district(SHINAN)
    assert lead.place == "地下通道东口北侧"


def test_the_hotline_form_keeps_every_input_on_an_error(cast, gazetteer, client_for):
    response = client_for(cast.shinan_dispatcher).post("/leads/hotline/", {
        "caller_phone": "13812345678", "place": UNDERPASS, "lat": "36.0840", "lon": "120.3545",
        "place_source": "gazetteer", "district": district(SHINAN).pk, "coord": "gcj02",
        "people_count": "0", "flags": ["elderly"], "description": "穿得很少"})
    assert response.status_code == 200
    assert "people_count" in response.context["form"].errors
    html = response.content.decode()
    for kept in ('value="13812345678"', f'value="{UNDERPASS}"', 'name="lat" value="36.0840"',
                 'name="lon" value="120.3545"', 'name="place_source" value="gazetteer"',
                 "穿得很少", "已选定地点"):
        assert kept in html, kept
    assert re.search(r'value="elderly"[^>]*checked', html)
    assert not Lead.objects.exists()


# ---------------------------------------------------------------------------------------------
# The lead page's Set the place form


def test_the_lead_page_offers_the_candidates_for_its_typed_place(cast, gazetteer, client_for):
    lead = unlocated("地下通道")
    assert not lead.has_location
    html = client_for(cast.city_admin).get(f"/leads/{lead.pk}/").content.decode()
    assert "设定位置" in html and 'id="pin-map"' in html
    assert 'data-lat="' in html and UNDERPASS in html


def test_a_pin_on_the_lead_page_sets_its_place(cast, gazetteer, client_for):
    lead = unlocated()
    response = client_for(cast.city_admin).post(f"/leads/{lead.pk}/location/", {
        "lat": "36.0617", "lon": "120.3842", "place_source": "pin"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.district == district(SHINAN) and lead.location_source == "pin"


def test_a_pin_outside_the_city_is_refused_on_the_form(cast, gazetteer, client_for):
    lead = unlocated()
    response = client_for(cast.city_admin).post(f"/leads/{lead.pk}/location/", {
        "lat": "39.9087", "lon": "116.3975", "place_source": "pin"})
    assert response.status_code == 422
    assert "不在青岛市范围内" in response.context["location_form"].errors["lat"][0]
    lead.refresh_from_db()
    assert not lead.has_location


def test_without_a_choice_the_form_asks_for_one(cast, gazetteer, client_for):
    lead = unlocated()
    response = client_for(cast.city_admin).post(f"/leads/{lead.pk}/location/", {"place": "x"})
    assert response.status_code == 422
    assert "在地图上标注" in response.context["location_form"].errors["lat"][0]


def test_a_viewer_cannot_set_a_place(cast, gazetteer, client_for):
    lead = unlocated(district_id=district(SHINAN).pk)
    response = client_for(cast.shinan_viewer).post(f"/leads/{lead.pk}/location/", {
        "lat": "36.0617", "lon": "120.3842"})
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Staff API


def test_the_api_resolves_a_typed_place(cast, gazetteer, api_for):
    answer = api_for(cast.shinan_dispatcher).get(
        "/api/v1/places/resolve?" + urlencode({"q": "taidong buxingjie dongkou"})).json()
    assert answer["results"][0]["name"] == UNDERPASS
    assert answer["results"][0]["district"] == "市北区"
    assert answer["results"][0]["kind"] == "underpass"


def test_the_api_limits_candidates_to_a_district(cast, gazetteer, api_for):
    shinan = district(SHINAN).pk
    answer = api_for(cast.shinan_dispatcher).get(
        "/api/v1/places/resolve?" + urlencode({"q": "地下通道", "district_id": shinan})).json()
    assert answer["results"] and {r["district_id"] for r in answer["results"]} == {shinan}
    assert answer["confident"] is False


def test_a_patroller_may_not_resolve_through_the_api(cast, api_for):
    response = api_for(cast.shinan_patroller).get("/api/v1/places/resolve?q=zhanqiao")
    assert response.status_code == 403 and response.json()["message"]


def test_a_dispatcher_sets_a_leads_location_through_the_api(cast, gazetteer, api_for):
    lead = unlocated(district_id=district(SHINAN).pk)
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/leads/{lead.tracking_code}/location",
        {"lat": 36.0612, "lon": 120.3896, "coord": "gcj02"})
    assert response.status_code == 200
    body = response.json()
    assert body["lat"] == pytest.approx(36.0617, abs=0.001)
    assert body["district_id"] == district(SHINAN).pk


def test_a_location_outside_the_city_is_a_field_error_in_the_api(cast, gazetteer, api_for):
    lead = unlocated(district_id=district(SHINAN).pk)
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/leads/{lead.tracking_code}/location", {"lat": 39.9087, "lon": 116.3975})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] and body["errors"][0]["field"] == "lat"


def test_bad_api_input_is_a_field_error(cast, gazetteer, api_for):
    lead = unlocated(district_id=district(SHINAN).pk)
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/leads/{lead.tracking_code}/location", {"lat": 91, "lon": 120.3, "coord": "x"})
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"lat", "coord"}


def test_a_dispatcher_cannot_locate_another_districts_lead(cast, gazetteer, api_for):
    lead = unlocated("崂山区的桥洞")
    assert lead.district.code == "370212"
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/leads/{lead.tracking_code}/location", {"lat": 36.0617, "lon": 120.3842})
    assert response.status_code == 404
