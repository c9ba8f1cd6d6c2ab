"""Anti-abuse limits: per address and per phone, shared by every server process, with a clear
message; retries of an acknowledged report are not counted."""

from __future__ import annotations

import json
import uuid

from songnuan.leads import ratelimit
from songnuan.leads.models import Lead, RateCounter
from tests.leads.factories import SHINAN_STATION_SQUARE


def send(client, request_id=None, phone=None, lat_offset=0.0, **headers):
    data = {"client_request_id": request_id or uuid.uuid4().hex,
            "lat": SHINAN_STATION_SQUARE[0] + lat_offset, "lon": SHINAN_STATION_SQUARE[1]}
    if phone:
        data["reporter_phone"] = phone
    return client.post("/api/v1/leads", json.dumps(data), content_type="application/json",
                       headers=headers)


def test_one_address_is_stopped_after_its_limit_with_a_clear_message(db, client, settings):
    settings.LEADS_IP_LIMIT = 3
    codes = [send(client, lat_offset=0.01 * i).status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    refused = send(client)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert settings.RESCUE_HOTLINE in refused.json()["message"]
    assert Lead.objects.count() == 3


def test_one_phone_is_stopped_whatever_address_it_uses(db, client, settings):
    settings.LEADS_IP_LIMIT = 0
    settings.LEADS_PHONE_LIMIT = 2
    codes = [send(client, phone="13700000001", lat_offset=0.01 * i).status_code
             for i in range(3)]
    assert codes == [201, 201, 429]
    assert send(client, phone="13700000002").status_code == 201


def test_retrying_an_acknowledged_report_is_not_counted(db, client, settings):
    settings.LEADS_IP_LIMIT = 1
    assert send(client, request_id="retry-000000001").status_code == 201
    for _ in range(5):
        assert send(client, request_id="retry-000000001").status_code == 200


def test_the_count_lives_in_the_database_for_every_worker(db):
    key = ratelimit.hashed("ip", "192.0.2.1")
    for _ in range(3):
        ratelimit.hit(key, 5, 600, now=1_000_000)
    assert RateCounter.objects.get(key=key).count == 3
    assert not ratelimit.hit(key, 3, 600, now=1_000_100).allowed
    assert ratelimit.hit(key, 3, 600, now=1_000_800).allowed  # a new window
    assert "192.0.2.1" not in key


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(db, client, settings):
    settings.LEADS_IP_LIMIT = 1
    assert send(client, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 201
    assert send(client, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 429  # ignored
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert send(client, **{"X-Forwarded-For": "10.0.0.1, 198.51.100.3"}).status_code == 201
    # The client's own left-hand entries are not believed: 198.51.100.3 again.
    assert send(client, **{"X-Forwarded-For": "10.0.0.9, 198.51.100.3"}).status_code == 429


def test_the_report_page_shows_the_limit_message(db, client, settings):
    settings.LEADS_IP_LIMIT = 1
    form = {"coord": "wgs84", "people_count": 1, "place": "青岛站", "description": ""}
    client.post("/report/", {**form, "client_request_id": "pagelimit-00001"})
    response = client.post("/report/", {**form, "client_request_id": "pagelimit-00002"})
    assert response.status_code == 429
    assert settings.RESCUE_HOTLINE in response.content.decode()


def test_an_address_and_a_phone_are_counted_together_and_in_order(db):
    address, phone = ratelimit.hashed("ip", "192.0.2.7"), ratelimit.hashed("phone", "13700000007")
    limits = [ratelimit.Limit(phone, 1, 3600), ratelimit.Limit(address, 5, 600),
              ratelimit.Limit("off", 0, 600)]
    first = ratelimit.hit_all(limits, now=1_000_000)
    assert [verdict.allowed for verdict in first] == [True, True, True]
    second = ratelimit.hit_all(limits, now=1_000_010)
    assert [(verdict.allowed, verdict.count) for verdict in second] == [
        (False, 2), (True, 2), (True, 0)]
    assert second[0].retry_after_s == 3600 - (1_000_010 % 3600)
    assert not RateCounter.objects.filter(key="off").exists()


def test_a_report_refused_for_its_phone_does_not_count_against_its_address(db, client,
                                                                          settings):
    settings.LEADS_IP_LIMIT, settings.LEADS_PHONE_LIMIT = 5, 1
    assert send(client, phone="13700000003").status_code == 201
    assert send(client, phone="13700000003", lat_offset=0.01).status_code == 429
    address = ratelimit.hashed("ip", "127.0.0.1")
    assert RateCounter.objects.get(key=address).count == 1
