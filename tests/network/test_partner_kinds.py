"""Every kind of message a partner city sends: each with its own fields, checked at the door,
signed, kept once, and refused field by field in the caller's language."""

from __future__ import annotations

import json
import time

import pytest

from songnuan.network.models import PartnerMessage
from tests.network.factories import (
    SHARED,
    URL,
    announcement,
    escort_handover,
    family_search,
    person_moved,
    post_signed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("partnership")]
KINDS = {"family_search": family_search, "escort_handover": escort_handover,
         "announcement": announcement, "person_moved": person_moved}


@pytest.fixture(params=KINDS)
def kind(request) -> str:
    return request.param


def content_of(body: dict) -> dict:
    return next(value for key, value in body.items() if isinstance(value, dict))


def test_each_kind_is_kept_with_a_receipt(client, kind):
    response = post_signed(client, KINDS[kind]())
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == kind
    kept = PartnerMessage.objects.get()
    assert kept.kind == kind and kept.payload["sent_at"].startswith("2026-12-05T20:15")


def test_the_same_message_again_gets_the_first_receipt(client, kind):
    first = post_signed(client, KINDS[kind]()).json()
    again = post_signed(client, KINDS[kind](), at=time.time() + 5)
    assert again.status_code == 200 and again.json()["receipt"] == first["receipt"]
    assert PartnerMessage.objects.count() == 1


def test_other_content_under_a_used_id_is_a_conflict(client, kind):
    post_signed(client, KINDS[kind]())
    changed = KINDS[kind]()
    content = content_of(changed)
    content["sex"] = "M" if content["sex"] == "F" else "F"
    response = post_signed(client, changed)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "message_id"
    assert PartnerMessage.objects.count() == 1


@pytest.mark.parametrize("how", ["wrong secret", "stale"])
def test_an_unsigned_or_stale_message_is_refused(client, kind, how):
    if how == "wrong secret":
        response = post_signed(client, KINDS[kind](), secret="猜的")
    else:
        response = post_signed(client, KINDS[kind](), at=time.time() - 3600)
    assert response.status_code == 401
    assert not PartnerMessage.objects.exists()


INVALID = {
    "family_search": ({"contact_phone": "1"}, "report.contact_phone", "至少"),
    "escort_handover": ({"id_number": "370212196303150013"}, "handover.id_number", "身份证"),
    "announcement": ({"found_on": "十二月三日"}, "announcement.found_on", "日期"),
    "person_moved": ({"name": "", "description": " "}, "sighting", "描述"),
}


def test_invalid_fields_are_refused_by_field_in_chinese(client, kind):
    changes, field, words = INVALID[kind]
    response = post_signed(client, KINDS[kind](**changes))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    assert words in errors[0]["message"], errors
    assert not PartnerMessage.objects.exists()


def test_a_message_without_its_kinds_content_is_refused_naming_the_field(client):
    body = escort_handover()
    del body["handover"]
    response = post_signed(client, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "handover"
    assert not PartnerMessage.objects.exists()


def test_an_unknown_kind_is_refused_listing_the_known_ones(client):
    body = family_search()
    body["kind"] = "weather_report"
    response = post_signed(client, body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "kind"
    for known in KINDS:
        assert known in error["message"]


def test_the_escorted_persons_id_number_is_kept_only_encrypted(client):
    post_signed(client, escort_handover())
    stored = json.dumps(PartnerMessage.objects.values_list("payload", flat=True).get())
    assert "370212196303150012" not in stored and "id_number_cipher" in stored


def test_each_kind_is_documented_with_an_example(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("FamilySearchReport", "EscortHandover", "FoundPersonAnnouncement",
                 "PersonMoved"):
        assert schemas[name]["example"], name
    kinds = schemas["PartnerMessageIn"]["properties"]["kind"]
    assert set(kinds["enum"]) == set(KINDS)


def test_a_message_signed_over_another_body_is_refused(client):
    body = json.dumps(person_moved(), ensure_ascii=False).encode()
    response = post_signed(client, {}, raw=body, secret=SHARED + "x")
    assert response.status_code == 401
    assert client.post(URL, body, content_type="application/json").status_code == 401
