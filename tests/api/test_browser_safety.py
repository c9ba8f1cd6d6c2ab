"""The staff API as a browser session meets it: CSRF on every change made with the session
cookie (a bearer token needs none), bodies only as JSON, and text the database cannot store
refused before anything is written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from songnuan.accounts.services import issue_token
from songnuan.leads.models import Lead
from songnuan.network.models import Site
from tests.leads.factories import SHINAN_STATION_SQUARE

PATCH = {"phone": "0532-88886666"}


@pytest.fixture
def browser(cast):
    """A browser signed in as the 市南区 administrator, which checks CSRF as a real one does."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.shinan_admin)
    browser.get("/")  # the page hands out the CSRF cookie
    return browser


def patch_site(client: Client, site: Site, **headers):
    return client.patch(f"/api/v1/sites/{site.pk}", json.dumps(PATCH),
                        content_type="application/json", headers=headers)


def test_a_session_call_that_changes_something_without_the_csrf_token_is_refused(
        cast, browser):
    response = patch_site(browser, cast.shinan_substation)
    assert response.status_code == 403
    body = response.json()
    assert body["message"] and body["errors"][0]["field"] == "X-CSRFToken"
    cast.shinan_substation.refresh_from_db()
    assert cast.shinan_substation.phone != PATCH["phone"]


def test_a_session_call_with_the_csrf_token_is_taken(cast, browser):
    token = browser.cookies["csrftoken"].value
    response = patch_site(browser, cast.shinan_substation, **{"X-CSRFToken": token})
    assert response.status_code == 200, response.content
    cast.shinan_substation.refresh_from_db()
    assert cast.shinan_substation.phone == PATCH["phone"]


def test_a_session_may_read_without_the_csrf_token(cast, browser):
    assert browser.get(f"/api/v1/sites/{cast.shinan_substation.pk}").status_code == 200


def test_a_bearer_call_needs_no_csrf_token(cast):
    client = Client(enforce_csrf_checks=True,
                    headers={"Authorization": f"Bearer {issue_token(cast.shinan_admin)}"})
    response = patch_site(client, cast.shinan_substation)
    assert response.status_code == 200, response.content


def test_the_csrf_refusal_is_in_chinese_by_default(cast, browser):
    response = patch_site(browser, cast.shinan_substation, **{"Accept-Language": "zh-hans"})
    assert any("\u4e00" <= char <= "\u9fff" for char in response.json()["message"])


def test_a_text_plain_body_is_refused_with_415_and_nothing_stored(db, client):
    lat, lon = SHINAN_STATION_SQUARE
    payload = {"client_request_id": "req-text-plain-1", "lat": lat, "lon": lon,
               "description": "有人睡在桥洞", "people_count": 1}
    response = client.post("/api/v1/leads", json.dumps(payload), content_type="text/plain")
    assert response.status_code == 415
    body = response.json()
    assert body["message"] and body["errors"][0]["field"] == "Content-Type"
    assert not Lead.objects.exists()


def test_a_form_body_is_refused_with_415_on_a_staff_operation(cast):
    client = Client(headers={"Authorization": f"Bearer {issue_token(cast.shinan_admin)}"})
    response = client.post("/api/v1/sites", {"name": "表单站点", "level": "relief"})
    assert response.status_code == 415
    assert not Site.objects.filter(name="表单站点").exists()


class TestUnstorableText:
    def test_a_nul_in_a_public_reports_text_is_a_field_error_and_nothing_is_stored(
            self, db, client):
        lat, lon = SHINAN_STATION_SQUARE
        payload = {"client_request_id": "req-nul-000001", "lat": lat, "lon": lon,
                   "description": "有人\u0000睡在桥洞", "people_count": 1}
        response = client.post("/api/v1/leads", json.dumps(payload),
                               content_type="application/json")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "description"
        assert not Lead.objects.exists()

    def test_a_lone_surrogate_in_json_is_refused(self, db, client):
        raw = ('{"client_request_id": "req-sur-000001", "lat": 36.06, "lon": 120.38, '
               '"description": "\\ud800", "people_count": 1}')
        response = client.post("/api/v1/leads", raw, content_type="application/json")
        assert response.status_code == 422
        assert not Lead.objects.exists()

    def test_a_nul_in_a_tracking_code_is_a_400_not_a_500(self, db, client):
        response = client.get("/api/v1/leads/AB%00CDEF")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "path"

    def test_a_nul_in_the_track_pages_code_is_a_400(self, db, client):
        response = client.get("/track/", {"code": "AB\x00CDEF"})
        assert response.status_code == 400
        assert "NUL" in response.content.decode()

    def test_a_nul_in_a_query_parameter_of_the_api_is_a_400(self, cast, client):
        client.force_login(cast.shinan_admin)
        response = client.get("/api/v1/sites", {"district": "370202\x00"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "district"

    def test_a_nul_in_a_staff_form_is_a_400_and_nothing_is_saved(self, cast, client):
        client.force_login(cast.shinan_admin)
        response = client.post("/network/sites/new/", {
            "name": "琴岛驿家·空字符", "level": "relief", "parent": cast.shinan_substation.pk,
            "host_type": "lottery_kiosk", "lat": "36.0700", "lon": "120.3950",
            "coord": "wgs84", "address": "香港中路\x00一号", "hours_text": "Mon-Sun 08:30-21:30",
            "seats": "4", "status": "open"})
        assert response.status_code == 400
        assert not Site.objects.filter(name="琴岛驿家·空字符").exists()

    def test_a_nul_in_a_pages_json_body_is_a_400(self, cast, client):
        client.force_login(cast.shinan_patroller)
        response = client.post("/notify/push/unsubscribe/", '{"endpoint": "https://push\\u0000"}',
                               content_type="application/json")
        assert response.status_code == 400
