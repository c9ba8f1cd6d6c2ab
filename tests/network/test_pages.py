"""Staff pages through HTTP: list filters, detail, edit with field errors, map data, board;
and the public pages, which need no login."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from songnuan.network.models import Site, SiteLevel, WarmingVisit
from tests.factories import make_site


def form_data(site: Site, **changes) -> dict:
    data = {
        "name": site.name, "level": site.level, "parent": site.parent_id or "",
        "host_type": site.host_type, "address": site.address, "lat": site.lat, "lon": site.lon,
        "coord": "wgs84", "district": "", "district_override_reason": "",
        "hours_text": "\n".join(site.hours), "is_24h": "on" if site.is_24h else "",
        "seats": site.seats, "beds": site.beds, "phone": site.phone, "status": site.status,
        "status_reason": site.status_reason, "services": site.services,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


def test_the_list_shows_only_sites_in_the_users_district(cast, client):
    client.force_login(cast.shinan_viewer)
    response = client.get("/network/sites/")
    names = [site.name for site in response.context["page"]]
    assert "琴岛驿家·八大关" in names and "琴岛驿家·沙子口" not in names


def test_the_list_filters_by_level_and_open_now(cast, client):
    # Open one minute a week, on the day before today: closed now, whenever the test runs.
    yesterday = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[
        (timezone.localtime().weekday() - 1) % 7]
    make_site("夜间点", level=SiteLevel.RELIEF_POINT, parent=cast.shinan_substation,
              is_24h=False, hours=[f"{yesterday} 03:00-03:01"])
    client.force_login(cast.city_admin)
    response = client.get("/network/sites/", {"level": "relief", "open_now": "on"})
    names = {site.name for site in response.context["page"]}
    assert names == {"琴岛驿家·八大关", "琴岛驿家·沙子口"}


def test_a_district_admin_edits_hours_and_the_change_is_saved(cast, client):
    client.force_login(cast.shinan_admin)
    point = cast.shinan_point
    response = client.post(f"/network/sites/{point.pk}/edit/",
                           form_data(point, is_24h="", hours_text="周一至周日 17:00-09:00"))
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.hours == ["Mon-Sun 17:00-09:00"] and not point.is_24h


def test_bad_hours_and_swapped_coordinates_are_shown_at_their_fields_in_chinese(cast, client):
    client.force_login(cast.shinan_admin)
    point = cast.shinan_point
    response = client.post(f"/network/sites/{point.pk}/edit/",
                           form_data(point, hours_text="每晚六点到八点", lat=point.lon,
                                     lon=point.lat))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "hours_text" in errors and "lat" in errors
    assert "经纬度" in errors["lat"][0]
    point.refresh_from_db()
    assert point.is_24h  # nothing saved


def test_a_parent_at_the_wrong_level_is_refused(cast, client):
    client.force_login(cast.city_admin)
    point = cast.shinan_point
    response = client.post(f"/network/sites/{point.pk}/edit/",
                           form_data(point, parent=cast.central.pk))
    assert response.status_code == 200 and "parent" in response.context["form"].errors


def test_a_relief_operator_may_change_hours_but_not_move_the_site(cast, client):
    client.force_login(cast.shinan_relief)
    point = cast.shinan_point
    response = client.post(f"/network/sites/{point.pk}/edit/",
                           form_data(point, seats=12, lat=36.3, name="搬走了"))
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.seats == 12 and point.name == "琴岛驿家·八大关"


def test_a_district_admin_adds_a_site_in_gcj02(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.post("/network/sites/new/", {
        "name": "琴岛驿家·金门路福彩站", "level": "relief", "parent": cast.shinan_substation.pk,
        "host_type": "lottery_kiosk", "lat": "36.0700", "lon": "120.3950", "coord": "gcj02",
        "hours_text": "Mon-Sun 08:30-21:30", "open_in_cold_protocol": "on", "seats": "4",
        "status": "open", "services": ["warm_room", "charging"],
    })
    assert response.status_code == 302, response.context["form"].errors
    site = Site.objects.get(name="琴岛驿家·金门路福彩站")
    assert site.lon < 120.3950 - 0.004  # stored as WGS-84


def test_the_map_data_has_sites_and_parent_links_in_scope(cast, client):
    client.force_login(cast.shinan_admin)
    features = client.get("/network/map.geojson").json()["features"]
    names = {f["properties"].get("name") for f in features if f["properties"]["kind"] == "site"}
    assert "琴岛驿家·八大关" in names and "琴岛驿家·沙子口" not in names
    assert any(f["properties"]["kind"] == "link" for f in features)
    page = client.get("/network/map/")
    assert "离线地图" in page.content.decode()


def test_the_board_shows_full_and_closed_tonight(cast, client):
    point = cast.shinan_point
    point.seats = 1
    point.save()
    WarmingVisit.objects.create(site=point, arrived_at=point.updated_at)
    make_site("白天点", level=SiteLevel.RELIEF_POINT, parent=cast.shinan_substation,
              is_24h=False, hours=["Mon-Fri 09:00-17:00"])
    client.force_login(cast.city_admin)
    response = client.get("/network/board/")
    assert [site.name for site in response.context["full"]] == ["琴岛驿家·八大关"]
    assert "白天点" in [site.name for site in response.context["closed_tonight"]]


def test_the_staff_pages_need_a_login(cast, client):
    for url in ("/network/sites/", "/network/map/", "/network/board/"):
        assert client.get(url).status_code == 302


class TestPublicPages:
    def test_the_warm_page_lists_nearest_open_sites_without_login(self, cast, client):
        response = client.get("/warm/", {"lat": 36.0660, "lon": 120.3825})
        body = response.content.decode()
        assert response.status_code == 200
        names = [card["site"].name for card in response.context["cards"]]
        assert names[:2] == ["市南区救助管理分站", "琴岛驿家·八大关"]
        assert f'tel:{settings.RESCUE_HOTLINE}' in body and "0532-80000000" in body
        # No map or library: only the locate button's own small script.
        assert "geo:" in body and body.count("<script") == 1
        assert '<script src="/static/network/warm.js" defer>' in body

    def test_a_district_can_stand_in_for_the_location(self, cast, client):
        response = client.get("/warm/", {"district": cast.laoshan_point.district_id})
        assert response.context["cards"][0]["site"].district.code == "370212"

    def test_a_typed_place_is_matched_against_districts_and_sites(self, cast, client):
        response = client.get("/warm/", {"place": "沙子口"})
        assert response.context["origin"][3] == "琴岛驿家·沙子口"
        assert "琴岛驿家·沙子口" in [card["site"].name for card in response.context["cards"]]
        unknown = client.get("/warm/", {"place": "火星"})
        assert unknown.context["error"] and not unknown.context["cards"]

    def test_a_far_away_position_is_explained(self, cast, client):
        response = client.get("/warm/", {"lat": 39.9, "lon": 116.4})
        assert "青岛" in response.context["error"]

    def test_the_site_page_shows_directions_and_a_call_button(self, cast, client):
        response = client.get(f"/warm/sites/{cast.shinan_point.pk}/")
        body = response.content.decode()
        assert "tel:0532-80000000" in body and "uri.amap.com" in body and "baidumap://" in body

    def test_a_suspended_site_is_not_public(self, cast, client):
        point = cast.shinan_point
        point.status, point.status_reason = "suspended", "检修"
        point.save()
        assert client.get(f"/warm/sites/{point.pk}/").status_code == 404


def test_moving_a_site_to_another_district_rederives_its_district(cast, client):
    client.force_login(cast.city_admin)
    point = cast.shinan_point
    form = client.get(f"/network/sites/{point.pk}/edit/").context["form"]
    assert form["district"].value() is None  # derived, so not pinned in the form
    laoshan = cast.laoshan_point.district
    response = client.post(f"/network/sites/{point.pk}/edit/",
                           form_data(point, lat=laoshan.centre_lat, lon=laoshan.centre_lon))
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.district == laoshan


def test_a_relief_operator_sees_the_parent_station_named_but_not_linked(cast, client):
    client.force_login(cast.shinan_relief)
    page = client.get(f"/network/sites/{cast.shinan_point.pk}/").content.decode()
    station = cast.shinan_substation
    assert station.name in page
    assert f'href="/network/sites/{station.pk}/"' not in page
    assert client.get(f"/network/sites/{station.pk}/").status_code == 404


def test_a_district_viewer_follows_the_link_to_the_parent_station(cast, client):
    client.force_login(cast.shinan_viewer)
    page = client.get(f"/network/sites/{cast.shinan_point.pk}/").content.decode()
    assert f'href="/network/sites/{cast.shinan_substation.pk}/"' in page
