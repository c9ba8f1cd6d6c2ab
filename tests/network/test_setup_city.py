"""`songnuan setup-city`: a bureau anywhere in China serves its own city, and the core journey
(a public report, its dispatch) runs on that city's districts; other places are refused."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from songnuan.accounts.roles import Role
from songnuan.geo import districts as geo_districts
from songnuan.hotline.services import normalize_caller
from songnuan.leads.models import Lead, LeadStatus
from songnuan.network.city import forget_city, served_city, setup_city
from songnuan.network.models import City, District, Site
from songnuan.outreach import dispatch
from songnuan.refusals import Conflict, Refused
from songnuan.weather.importing import Districts
from tests.factories import make_user
from tests.outreach.factories import make_squad

pytestmark = pytest.mark.django_db

# WGS-84, to a few hundred metres.
HARBIN_ZHONGYANG_STREET = (45.7733, 126.6167)  # 中央大街, 道里区
SHILIN_TOWN = (24.7713, 103.2906)  # 石林彝族自治县 county seat, 昆明市
ANNING_CENTRE = (24.9190, 102.4780)  # 安宁市, a county-level city of 昆明市
SHACHE_TOWN = (38.4140, 77.2450)  # 莎车县, 喀什地区
QINGDAO_STATION_SQUARE = (36.0648, 120.3135)


@pytest.fixture(autouse=True)
def back_to_the_default_city():
    """The database rolls back after each test; the process's cached city must follow."""
    yield
    forget_city()


def post_lead(client, lat: float, lon: float, request_id: str):
    payload = {"client_request_id": request_id, "lat": lat, "lon": lon, "coord": "wgs84",
               "description": "一位老人躺在路边", "people_count": 1, "flags": ["elderly"]}
    return client.post("/api/v1/leads", json.dumps(payload), content_type="application/json")


def test_setting_up_harbin_fills_the_registry_with_its_districts_and_counties():
    call_command("setup_city", "230100", "--hotline", "0451-12345")
    codes = set(District.objects.values_list("code", flat=True))
    assert len(codes) == 18 and all(code.startswith("2301") for code in codes)
    assert District.objects.get(code="230102").name == "道里区"
    assert District.objects.get(code="230125").name == "宾县"  # a county
    assert District.objects.get(code="230184").name == "五常市"  # a county-level city
    city = served_city()
    assert (city.code, city.name, city.name_en, city.province) == (
        "230100", "哈尔滨市", "Harbin", "黑龙江省")
    assert city.hotline == "0451-12345" and city.station_name == "哈尔滨市救助管理站"
    assert city.bbox.contains(*HARBIN_ZHONGYANG_STREET)
    assert not city.bbox.contains(*QINGDAO_STATION_SQUARE)
    assert geo_districts.district_at(*HARBIN_ZHONGYANG_STREET).name == "道里区"


def test_it_is_named_by_code_or_by_name_and_running_it_again_changes_nothing():
    call_command("setup_city", "哈尔滨市", "--hotline", "0451-12345")
    first = list(District.objects.values_list("pk", "code", "name", "centre_lat"))
    call_command("setup_city", "哈尔滨")
    assert list(District.objects.values_list("pk", "code", "name", "centre_lat")) == first
    assert City.objects.count() == 1
    assert City.objects.get().hotline == "0451-12345"  # kept, as none was given again


def test_a_report_in_daoli_is_dispatched_and_one_outside_harbin_refused(client):
    setup_city("230100")
    response = post_lead(client, *HARBIN_ZHONGYANG_STREET, "harbin-0000001")
    assert response.status_code == 201
    lead = Lead.objects.get(tracking_code=response.json()["tracking_code"])
    assert lead.district.name == "道里区"
    squad = make_squad("道里一队", district_code="230102", at=(45.7700, 126.6100))
    dispatcher = make_user("daoli.dispatcher", role=Role.DISPATCHER, district_code="230102")
    task = dispatch.assign_lead(lead, squad, by=dispatcher)
    lead.refresh_from_db()
    assert task.squad == squad and lead.status == LeadStatus.ASSIGNED

    refused = post_lead(client, *QINGDAO_STATION_SQUARE, "harbin-0000002")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "lat"
    assert "哈尔滨市" in refused.json()["message"]
    assert Lead.objects.count() == 1


@pytest.mark.parametrize(("query", "point", "code", "kind"), [
    ("昆明市", SHILIN_TOWN, "530126", "县"),
    ("530100", ANNING_CENTRE, "530181", "市"),
    ("喀什地区", SHACHE_TOWN, "653125", "县"),
])
def test_a_city_with_counties_routes_reports_to_them(client, query, point, code, kind):
    setup_city(query)
    assert geo_districts.district_by_code(code).kind == kind
    response = post_lead(client, *point, f"county-{code}")
    assert response.status_code == 201
    assert Lead.objects.get().district.code == code
    assert post_lead(client, *HARBIN_ZHONGYANG_STREET, "county-outside").status_code == 422


def test_a_name_shared_by_districts_of_two_cities_is_refused_with_both():
    with pytest.raises(CommandError) as refused:
        call_command("setup_city", "朝阳区")
    message = str(refused.value)
    assert "110105 北京市朝阳区" in message and "220104 长春市朝阳区" in message
    assert not City.objects.exists()
    assert District.objects.filter(code__startswith="3702").count() == 10


@pytest.mark.parametrize(("query", "candidate"), [
    ("999999", ""),
    ("230102", "230100 黑龙江省哈尔滨市"),  # a district's code: its city is suggested
    ("哈尔宾", "230100 黑龙江省哈尔滨市"),  # a slip of the pen
])
def test_an_unknown_code_or_name_is_refused_with_what_was_meant(query, candidate):
    with pytest.raises(CommandError) as refused:
        call_command("setup_city", query)
    assert candidate in str(refused.value)
    assert not City.objects.exists()


def test_moving_a_deployment_that_holds_data_needs_force_and_then_loses_nothing(cast):
    sites_before = set(Site.objects.values_list("pk", "district__code"))
    with pytest.raises(Conflict, match="--force"):
        setup_city("230100")
    assert not City.objects.exists()
    assert not District.objects.filter(code__startswith="2301").exists()

    result = setup_city("230100", force=True)
    assert set(Site.objects.values_list("pk", "district__code")) == sites_before
    kept = set(District.objects.filter(code__startswith="3702").values_list("name", flat=True))
    assert {"市南区", "崂山区", "李沧区"} <= kept and set(result.kept) == kept
    assert "平度市" in result.removed  # nothing referred to it
    assert District.objects.filter(code__startswith="2301").count() == 18
    assert served_city().name == "哈尔滨市"


def test_a_district_kept_from_the_city_before_keeps_its_outline_for_the_maps(cast):
    setup_city("230100", force=True)
    assert geo_districts.district_by_code("370202").name == "市南区"
    assert geo_districts.district_at(*QINGDAO_STATION_SQUARE) is None


@pytest.mark.parametrize("whole_city", ["230100", "哈尔滨市", "哈尔滨", "Harbin", "all"])
def test_weather_files_name_the_whole_city_by_its_own_code_or_name(whole_city):
    setup_city("230100")
    assert len(Districts().resolve(whole_city)) == 18
    assert Districts().resolve("370200") is None  # the default city's code means nothing here
    assert Districts().resolve("道里区") == (District.objects.get(code="230102").pk,)


def test_the_hotline_form_shows_badly_written_coordinates_a_point_of_the_city_served(client):
    setup_city("230100")
    client.force_login(make_user("daoli.dispatcher", role=Role.DISPATCHER,
                                 district_code="230102"))
    sent = {"caller_phone": "13812345678", "place": "中央大街", "coordinates": "45.77 北纬",
            "coord": "wgs84", "people_count": 1, "description": ""}
    response = client.post("/leads/hotline/", sent)
    form = response.context["form"]
    assert form["coordinates"].value() == "45.77 北纬" and not Lead.objects.exists()
    [error] = form.errors["coordinates"]
    example = error.removeprefix("坐标格式：")
    lat, lon = (float(part) for part in example.split(","))
    assert geo_districts.district_at(lat, lon).code.startswith("2301")


@pytest.mark.parametrize(("hotline", "example"), [
    ("0451-12345", "（0451…）。"), ("", "固定电话。")])
def test_a_callers_number_badly_written_is_shown_the_city_served_own_area_code(hotline, example):
    setup_city("230100", hotline=hotline)
    with pytest.raises(Refused) as refused:
        normalize_caller("电话 1234")
    assert str(refused.value.message).endswith(example) and "0532" not in refused.value.message


def test_a_district_renamed_by_a_later_code_table_keeps_everything_that_refers_to_it(cast):
    from tests.factories import make_site

    jimo = District.objects.get(code="370215")
    District.objects.filter(pk=jimo.pk).update(code="370282", name="即墨市")  # an older edition
    site = make_site("即墨区救助站", district_code="370282")
    result = setup_city("370200")
    renamed = District.objects.get(pk=jimo.pk)
    assert (renamed.code, renamed.name) == ("370215", "即墨区")
    site.refresh_from_db()
    assert site.district_id == jimo.pk
    assert any("即墨市" in line and "即墨区" in line for line in result.followed)
    assert not result.kept and not result.removed


def test_a_district_merged_into_a_neighbour_hands_its_records_over(cast):
    from tests.factories import make_site

    huangdao = District.objects.get(code="370211")
    jiaonan = District.objects.create(code="370284", name="胶南市", centre_lat=35.87,
                                      centre_lon=119.97)
    site = make_site("胶南救助站", district_code=jiaonan.code)
    result = setup_city("370200")
    site.refresh_from_db()
    assert site.district_id == huangdao.pk
    assert not District.objects.filter(code="370284").exists()
    assert any("胶南市" in line for line in result.followed)
