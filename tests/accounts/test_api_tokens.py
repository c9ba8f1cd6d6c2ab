"""API tokens: expiry, read-only scope, the page that lists and revokes them, and the API's 401
for a token that no longer works."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from songnuan.accounts.models import ApiToken, AuditEvent, TokenScope
from tests.factories import PASSWORD, make_token

TOKENS = reverse("accounts:token_list")


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_live_token_reads_and_notes_when_it_was_used(cast, client):
    key, token = make_token(cast.shinan_dispatcher)
    assert client.get("/api/v1/me", headers=bearer(key)).json()["username"] == "shinan.dispatcher"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_expired_token_answers_401(cast, client):
    key, token = make_token(cast.shinan_dispatcher)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/me", headers=bearer(key))
    assert response.status_code == 401
    assert response.json() == {"message": "请先登录或提供有效的令牌。", "errors": []}


def test_a_read_only_token_reads_but_is_refused_a_post_with_403(cast, client):
    key, _ = make_token(cast.city_admin, scope=TokenScope.READ)
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    refused = client.post("/api/v1/sites", {}, content_type="application/json",
                          headers=bearer(key))
    assert refused.status_code == 403
    assert refused.json() == {"message": "此令牌只能读取：请使用读写令牌。", "errors": []}
    writer, _ = make_token(cast.city_admin, scope=TokenScope.READ_WRITE)
    # The same request with a read-and-write token gets as far as checking the body.
    assert client.post("/api/v1/sites", {}, content_type="application/json",
                       headers=bearer(writer)).status_code == 422


def test_a_token_lasts_ninety_days_by_default_and_never_more_than_a_year(cast):
    _, default = make_token(cast.shinan_dispatcher)
    _, long = make_token(cast.shinan_dispatcher, days=5000)
    assert (default.expires_at - timezone.now()).days == 89
    assert (long.expires_at - timezone.now()).days == 364


def test_the_page_makes_a_token_shows_it_once_and_keeps_only_its_hash(cast, client_for):
    client = client_for(cast.shinan_dispatcher)
    page = client.post(TOKENS, {"name": "夜间巡查同步", "scope": "read", "days": "30"})
    key = re.search(r'id="token-key"[^>]*>([^<]+)<', page.content.decode()).group(1)
    token = ApiToken.objects.get(user=cast.shinan_dispatcher)
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert token.scope == TokenScope.READ and token.name == "夜间巡查同步"
    assert (token.expires_at - timezone.now()).days == 29
    listing = client.get(TOKENS).content.decode()
    assert "夜间巡查同步" in listing and key not in listing
    assert AuditEvent.objects.filter(action="create", object_type="accounts.apitoken").exists()


def test_the_page_refuses_a_token_longer_than_a_year_with_a_message(cast, client_for):
    client = client_for(cast.shinan_dispatcher)
    page = client.post(TOKENS, {"name": "脚本", "scope": "read", "days": "400"})
    assert page.status_code == 200
    assert "365" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page_makes_the_api_answer_401(cast, client_for, client):
    key, token = make_token(cast.shinan_dispatcher)
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    page = client_for(cast.shinan_dispatcher).post(reverse("accounts:token_revoke",
                                                           args=[token.pk]), follow=True)
    assert "已吊销" in page.content.decode()
    client.logout()
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401
    assert AuditEvent.objects.filter(action="update", object_type="accounts.apitoken",
                                     object_id=str(token.pk)).exists()


def test_a_district_administrator_sees_and_revokes_their_districts_tokens_only(
        cast, client_for):
    _, own_district = make_token(cast.shinan_patroller, name="市南巡查")
    _, other_district = make_token(cast.laoshan_patroller, name="崂山巡查")
    client = client_for(cast.shinan_admin)
    listing = client.get(TOKENS).content.decode()
    assert "市南巡查" in listing and "崂山巡查" not in listing
    revoke = reverse("accounts:token_revoke", args=[other_district.pk])
    assert client.post(revoke).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[own_district.pk])).status_code \
        == 302
    own_district.refresh_from_db()
    assert own_district.revoked_at is not None


def test_a_patroller_sees_only_their_own_tokens(cast, client_for):
    make_token(cast.shinan_dispatcher, name="调度脚本")
    _, theirs = make_token(cast.shinan_patroller, name="巡查脚本")
    client = client_for(cast.shinan_patroller)
    listing = client.get(TOKENS).content.decode()
    assert "巡查脚本" in listing and "调度脚本" not in listing
    dispatcher_token = ApiToken.objects.get(name="调度脚本")
    assert client.post(reverse("accounts:token_revoke",
                               args=[dispatcher_token.pk])).status_code == 404


def test_the_api_issues_a_read_only_token_for_a_set_number_of_days(cast, client):
    response = client.post("/api/v1/auth/token",
                           {"username": "shinan.dispatcher", "password": PASSWORD,
                            "name": "报表", "scope": "read", "days": 7},
                           content_type="application/json")
    assert response.status_code == 201
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(response.json()["token"]))
    assert token.scope == TokenScope.READ and (token.expires_at - timezone.now()).days == 6


def test_the_api_refuses_a_token_longer_than_a_year(cast, client):
    response = client.post("/api/v1/auth/token",
                           {"username": "shinan.dispatcher", "password": PASSWORD, "days": 366},
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "days"
