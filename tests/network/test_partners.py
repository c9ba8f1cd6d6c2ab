"""A partner city's deployment sends a family-search report here: signed, addressed to this
city, kept once however often it is sent."""

from __future__ import annotations

import json
import time

import pytest

from songnuan.network import partners
from songnuan.network.models import PartnerMessage
from tests.network.factories import (
    CHANGCHUN,
    HARBIN,
    SHARED,
    URL,
    family_search,
    post_signed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("partnership")]


def message(**changes) -> dict:
    body = family_search()
    body.update(changes)
    return body


def send(client, body: dict, **kwargs):
    return post_signed(client, body, **kwargs)


def test_a_signed_report_is_kept_with_a_receipt(client):
    response = send(client, message())
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert receipt["from_city"] == CHANGCHUN and receipt["from_city_name"] == "长春市"
    kept = PartnerMessage.objects.get()
    assert kept.kind == "family_search" and kept.payload["name"] == "王桂兰"
    assert kept.payload["last_seen_on"] == "2026-12-01"


def test_the_same_message_again_gets_the_first_receipt_and_nothing_new(client):
    first = send(client, message()).json()
    again = send(client, message(), at=time.time() + 5)
    assert again.status_code == 200 and again.json()["receipt"] == first["receipt"]
    assert PartnerMessage.objects.count() == 1


def test_an_id_reused_for_other_content_is_refused(client):
    send(client, message())
    changed = message()
    changed["report"] = {**changed["report"], "contact_phone": "13900000000"}
    response = send(client, changed)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "message_id"
    assert PartnerMessage.objects.get().payload["contact_phone"] == "13904310042"


def test_the_same_id_from_another_city_is_another_message(client):
    send(client, message())
    response = send(client, message(), city="210100", secret="another")
    assert response.status_code == 201 and PartnerMessage.objects.count() == 2


@pytest.mark.parametrize("how", ["wrong secret", "no partnership", "stale", "body changed"])
def test_what_is_not_signed_by_a_partner_is_refused_and_not_kept(client, how):
    body = json.dumps(message(), ensure_ascii=False).encode()
    if how == "wrong secret":
        response = send(client, {}, secret="猜的", raw=body)
    elif how == "no partnership":
        response = send(client, {}, city=HARBIN, raw=body)
    elif how == "stale":
        response = send(client, {}, at=time.time() - 3600, raw=body)
    else:
        headers = partners.signed_headers(CHANGCHUN, SHARED, body)
        response = client.post(URL, body.replace("王桂兰".encode(), "王贵兰".encode()),
                               content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response.json()["message"]
    assert not PartnerMessage.objects.exists()


def test_a_report_for_another_city_or_missing_a_field_is_refused(client):
    response = send(client, message(to_city=HARBIN))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to_city"
    incomplete = message()
    del incomplete["report"]["contact_phone"]
    assert send(client, incomplete).status_code == 422
    assert not PartnerMessage.objects.exists()
