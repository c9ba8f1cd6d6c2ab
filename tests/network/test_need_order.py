"""Where can I get warm: each place says what it offers, and the page (and the API on request)
puts a warm place with room above a guidance point that is nearer."""

from __future__ import annotations

import pytest

from songnuan.network import offers
from songnuan.network.models import Service, SiteLevel
from tests.factories import make_site

# 青岛站 (Qingdao railway station), 市南区: the traveller stands on the south square.
STATION_SQUARE = (36.0638, 120.3130)
METRES_PER_DEG_LAT = 111_195


def north_of(metres: float) -> tuple[float, float]:
    return STATION_SQUARE[0] + metres / METRES_PER_DEG_LAT, STATION_SQUARE[1]


@pytest.fixture
def square(cast):
    """A guidance point 280 m away and the district station with beds 460 m away."""
    guidance = make_site("求助引导点·测试广场", level=SiteLevel.GUIDANCE_POINT,
                         parent=cast.shinan_substation, services=[Service.GUIDANCE],
                         **dict(zip(("lat", "lon"), north_of(280), strict=True)))
    station = make_site("测试救助分站", level=SiteLevel.SUB_STATION, parent=cast.central,
                        services=[Service.WARM_ROOM, Service.HOT_FOOD, Service.BEDS], beds=30,
                        seats=10, **dict(zip(("lat", "lon"), north_of(460), strict=True)))
    return guidance, station


def test_a_station_offers_a_warm_room_beds_and_food_and_a_guidance_point_only_directions(
        square):
    guidance, station = square
    assert offers.offer_of(guidance, 0).directions_only
    offer = offers.offer_of(station, beds_used=28)
    assert offer.warm_room and offer.hot_food and offer.bed_tonight and offer.free_beds == 2
    assert not offers.offer_of(station, beds_used=30).bed_tonight


def test_walking_time_is_on_the_road_distance_at_four_and_a_half_kmh():
    # 1 km straight is about 1.3 km by road: 1300 m / 75 m per minute = 17.3 → 18 minutes.
    assert offers.walking_minutes(1000) == 18
    assert offers.walking_minutes(10) == 1


def test_the_warm_page_lists_the_warm_room_above_the_nearer_guidance_point(square, client):
    guidance, station = square
    page = client.get("/warm/", {"lat": STATION_SQUARE[0], "lon": STATION_SQUARE[1],
                                 "coord": "wgs84"})
    names = [card["site"].name for card in page.context["cards"]]
    assert names.index(station.name) < names.index(guidance.name)
    html = page.content.decode()
    assert "取暖室" in html and "今晚有床位（空 30 张）" in html and "仅指路：没有取暖室" in html
    assert "步行约 8 分钟" in html  # 460 m × 1.3 = 598 m at 75 m/min


class TestTheApi:
    URL = "/api/v1/sites/nearest"

    def test_the_default_order_stays_by_distance(self, square, client):
        guidance, station = square
        body = client.get(self.URL, {"lat": STATION_SQUARE[0], "lon": STATION_SQUARE[1],
                                     "limit": 2}).json()
        assert [row["id"] for row in body["results"]] == [guidance.pk, station.pk]
        distances = [row["distance_m"] for row in body["results"]]
        assert distances == sorted(distances)

    def test_rank_need_puts_the_warm_room_first_even_when_farther(self, square, client):
        guidance, station = square
        body = client.get(self.URL, {"lat": STATION_SQUARE[0], "lon": STATION_SQUARE[1],
                                     "limit": 10, "rank": "need"}).json()
        rows = {row["id"]: row for row in body["results"]}
        order = [row["id"] for row in body["results"]]
        assert order[0] == station.pk and order.index(station.pk) < order.index(guidance.pk)
        first, second = rows[station.pk], rows[guidance.pk]
        assert [row["need_rank"] for row in body["results"]] == sorted(
            row["need_rank"] for row in body["results"])
        assert first["offers"] == {"warm_room": True, "bed_tonight": True, "free_beds": 30,
                                   "hot_food": True, "directions_only": False}
        assert first["need_rank"] == 0 and second["need_rank"] == 2
        assert second["offers"]["directions_only"] is True
        assert first["road_distance_m"] == round(first["distance_m"] * 1.3)
        assert first["walk_min"] == 8

    def test_an_unknown_rank_is_a_field_error(self, square, client):
        response = client.get(self.URL, {"lat": STATION_SQUARE[0], "lon": STATION_SQUARE[1],
                                         "rank": "nicest"})
        assert response.status_code in (400, 422)
        assert any(error["field"].endswith("rank") for error in response.json()["errors"])
