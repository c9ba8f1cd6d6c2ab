"""The public API's contract: 201 then 200 for the same request id, field errors, never a 500."""

from __future__ import annotations

import json

import pytest

from songnuan.leads.models import Lead, LeadStatus
from tests.leads.factories import SHINAN_STATION_SQUARE

LAT, LON = SHINAN_STATION_SQUARE


def body(**overrides) -> dict:
    payload = {"client_request_id": "req-0000000001", "lat": LAT, "lon": LON, "coord": "wgs84",
               "description": "一位老人躺在通道口", "people_count": 1,
               "flags": ["lying_down", "elderly"], "reporter_phone": "13812345678"}
    payload.update(overrides)
    return payload


def post(client, payload, **headers):
    return client.post("/api/v1/leads", json.dumps(payload), content_type="application/json",
                       headers=headers)


def test_a_report_is_acknowledged_with_a_tracking_code(db, client):
    response = post(client, body())
    assert response.status_code == 201
    data = response.json()
    assert len(data["tracking_code"]) == 8 and data["status"] == "received"
    lead = Lead.objects.get()
    assert lead.tracking_code == data["tracking_code"]
    assert lead.district.code == "370202"
    assert lead.status == LeadStatus.TRIAGED


def test_the_same_request_id_returns_the_same_lead_and_stores_no_second(db, client):
    first = post(client, body())
    again = post(client, body(description="重发"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Lead.objects.count() == 1


def test_the_public_status_shows_only_what_a_reporter_may_see(db, client):
    code = post(client, body()).json()["tracking_code"]
    response = client.get(f"/api/v1/leads/{code.lower()}")
    assert response.status_code == 200
    data = response.json()
    assert data["tracking_code"] == code and data["status"] == "received"
    assert "reporter_phone" not in data and "lat" not in data and "priority" not in data


def test_an_unknown_tracking_code_is_a_404(db, client):
    assert client.get("/api/v1/leads/ZZZZZZZZ").status_code == 404


@pytest.mark.parametrize(("overrides", "field"), [
    ({"reporter_phone": "02112345678"}, "reporter_phone"),
    ({"reporter_phone": "1381234567"}, "reporter_phone"),
    ({"lat": 95}, "lat"),
    ({"coord": "mars"}, "coord"),
    ({"flags": ["sleeping_bag"]}, "flags.0"),
    ({"people_count": 0}, "people_count"),
    ({"description": "冷" * 1001}, "description"),
    ({"client_request_id": "x"}, "client_request_id"),
])
def test_bad_fields_get_a_field_error_and_nothing_is_stored(db, client, overrides, field):
    response = post(client, body(**overrides))
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Lead.objects.exists()


def test_a_missing_location_is_refused_at_the_location(db, client):
    response = post(client, body(lat=None, lon=None))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "location"
    assert not Lead.objects.exists()


@pytest.mark.parametrize(("tiles", "mentions_the_map"), [("/tiles/{z}/{x}/{y}", True),
                                                         ("", False)])
def test_a_missing_location_offers_the_map_only_where_there_is_one(db, client, settings,
                                                                    tiles, mentions_the_map):
    settings.MAP_TILE_URL = tiles
    response = post(client, body(lat=None, lon=None))
    message = response.json()["errors"][0]["message"]
    assert message.startswith("请告诉我们地点")
    assert ("地图" in message) is mentions_the_map


def test_a_report_in_english_leaves_the_staff_a_history_in_the_bureau_language(db, client):
    response = post(client, body(), **{"Accept-Language": "en"})
    lead = Lead.objects.get(tracking_code=response.json()["tracking_code"])
    assert [step.note for step in lead.history.all()] == ["", "接报时自动研判优先级"]


def test_a_place_outside_qingdao_is_refused(db, client):
    response = post(client, body(lat=39.9042, lon=116.4074))  # Beijing
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lat"


def test_swapped_coordinates_are_named_as_such(db, client):
    response = post(client, body(lat=LON, lon=LAT))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lat"


def test_malformed_json_is_a_client_error(db, client):
    response = client.post("/api/v1/leads", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert not Lead.objects.exists()


def test_an_oversized_body_is_refused_without_a_500(db, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, body(description="冷" * 20_000))
    assert response.status_code in (400, 413, 422)
    assert not Lead.objects.exists()


@pytest.mark.parametrize("coord", ["gcj02", "bd09"])
def test_chinese_map_coordinates_are_converted_to_wgs84(db, client, coord):
    from songnuan.geo.coords import from_wgs84

    lat, lon = from_wgs84(LAT, LON, coord)
    post(client, body(lat=lat, lon=lon, coord=coord))
    lead = Lead.objects.get()
    assert abs(lead.lat - LAT) < 1e-6 and abs(lead.lon - LON) < 1e-6
    assert lead.coord_system == coord


def test_phone_numbers_are_normalised(db, client):
    post(client, body(reporter_phone="+86 138-1234-5678"))
    assert Lead.objects.get().reporter_phone == "13812345678"


def test_staff_see_the_queue_with_explanations(cast, api_for):
    from tests.leads.factories import report

    report(flags=["lying_down"])
    response = api_for(cast.shinan_dispatcher).get("/api/v1/staff/leads")
    assert response.status_code == 200
    [lead] = response.json()
    assert any(reason["text"].startswith("+3") for reason in lead["priority_reasons"])
    assert lead["in_danger"] is True
    assert api_for(cast.laoshan_dispatcher).get("/api/v1/staff/leads").json() == []


def test_staff_move_a_lead_through_the_api(cast, api_for):
    from tests.leads.factories import report

    lead = report()
    api = api_for(cast.shinan_dispatcher)
    response = api.post(f"/api/v1/staff/leads/{lead.tracking_code}/status",
                        {"status": "assigned", "note": "一队"})
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    response = api.post(f"/api/v1/staff/leads/{lead.tracking_code}/status",
                        {"status": "resolved"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "outcome"


def test_a_step_the_lead_cannot_take_now_is_a_conflict_and_bad_input_is_a_422(cast, api_for):
    from tests.leads.factories import report

    lead = report()
    api = api_for(cast.shinan_dispatcher)
    url = f"/api/v1/staff/leads/{lead.tracking_code}"
    assert api.post(f"{url}/invalid", {"reason": "  "}).status_code == 422
    assert api.post(f"{url}/invalid", {"reason": "现场无人"}).status_code == 200
    refused = api.post(f"{url}/status", {"status": "assigned", "note": "一队"})
    assert refused.status_code == 409
    assert refused.json()["errors"] == [{"field": "status", "type": "conflict",
                                         "message": refused.json()["message"]}]
    moved = api.post(f"/api/v1/leads/{lead.tracking_code}/location",
                     {"lat": LAT, "lon": LON, "source": "pin"})
    assert moved.status_code == 409 and moved.json()["errors"][0]["field"] == "lat"
    lead.refresh_from_db()
    assert lead.status == LeadStatus.RESOLVED


def test_a_public_report_is_in_the_dispatchers_queue_at_once_ranked_by_priority(cast, client,
                                                                              api_for):
    far = body(client_request_id="queue-000000001", flags=[], reporter_phone=None,
               lon=LON + 0.005, description="有人坐在通道口")
    urgent = body(client_request_id="queue-000000002")
    again = body(client_request_id="queue-000000003", lat=LAT + 0.0003, flags=["elderly"])
    codes = [post(client, report).json()["tracking_code"] for report in (far, urgent, again)]

    queue = api_for(cast.shinan_dispatcher).get("/api/v1/staff/leads").json()
    assert [lead["tracking_code"] for lead in queue] == [codes[1], codes[0]]
    first = queue[0]
    assert first["priority"] == sum(reason["points"] for reason in first["priority_reasons"])
    assert {"+3 躺在地上", "+2 老年人"} <= {reason["text"] for reason in first["priority_reasons"]}
    assert first["duplicates"] == [codes[2]]
    assert queue[0]["priority"] > queue[1]["priority"]
