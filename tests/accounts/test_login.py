"""Signing in: lock-out after repeated failures, audit of logins, and API tokens."""

from __future__ import annotations

from django.urls import reverse

from songnuan.accounts.models import AuditEvent, LoginFailure
from tests.factories import PASSWORD


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_good_login_is_audited_and_lands_on_the_home_page(cast, client):
    response = attempt(client, "shinan.dispatcher", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert AuditEvent.objects.filter(action="login", actor=cast.shinan_dispatcher).exists()


def test_a_failed_login_is_audited_with_the_name_tried(cast, client):
    response = attempt(client, "shinan.dispatcher", "wrong")
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", actor_name="shinan.dispatcher").exists()


def test_five_failures_from_one_place_slow_that_place_down_even_for_the_right_password(
        cast, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for _ in range(5):
        attempt(client, "shinan.dispatcher", "wrong")
    response = attempt(client, "shinan.dispatcher", PASSWORD)
    assert response.status_code == 200
    assert "此账号在本处登录失败次数过多，请等到" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_clears_the_failures(cast, client):
    for _ in range(3):
        attempt(client, "shinan.dispatcher", "wrong")
    assert attempt(client, "shinan.dispatcher", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="shinan.dispatcher").exists()


def test_the_wait_ends(cast, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_THROTTLE_SECONDS = 0
    for _ in range(2):
        attempt(client, "shinan.dispatcher", "wrong")
    assert attempt(client, "shinan.dispatcher", PASSWORD).status_code == 302


def test_a_disabled_account_cannot_log_in(cast, client):
    cast.shinan_viewer.is_active = False
    cast.shinan_viewer.save()
    assert attempt(client, "shinan.viewer", PASSWORD).status_code == 200


def test_the_api_issues_a_token_for_good_credentials(cast, client):
    response = client.post("/api/v1/auth/token", {"username": "laoshan.station",
                                                  "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 201
    token = response.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "laoshan.station"
    assert "accounts.view_sensitive" in me.json()["permissions"]


def test_the_api_refuses_bad_credentials_and_locks_like_the_page(cast, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    body = {"username": "laoshan.station", "password": "nope"}
    codes = [client.post("/api/v1/auth/token", body, content_type="application/json").status_code
             for _ in range(4)]
    assert codes == [401, 401, 429, 429]


def test_a_token_request_with_missing_fields_gets_field_errors(client, db):
    response = client.post("/api/v1/auth/token", {"username": "x"},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_a_bogus_token_is_refused(client, db):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
