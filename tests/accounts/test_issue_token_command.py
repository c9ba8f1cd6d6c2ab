"""`songnuan issue_token`: a token for a script, with the page's scope and expiry."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from songnuan.accounts.models import ApiToken, TokenScope


def issue(*args) -> str:
    out = io.StringIO()
    call_command("issue_token", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_read_only_token_that_reads_and_expires_when_asked(cast, client):
    key = issue("shinan.dispatcher", "--name", "夜报", "--read-only", "--days", "7")
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    assert token.scope == TokenScope.READ and token.name == "夜报"
    assert (token.expires_at - timezone.now()).days == 6
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json()["username"] == "shinan.dispatcher"


def test_it_refuses_an_unknown_user_and_more_than_a_year(cast):
    with pytest.raises(CommandError):
        issue("nobody")
    with pytest.raises(CommandError):
        issue("shinan.dispatcher", "--days", "400")
    assert not ApiToken.objects.exists()
