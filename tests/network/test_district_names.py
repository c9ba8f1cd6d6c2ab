"""District names follow the language being spoken on pages; APIs keep the Chinese name as data."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from songnuan.accounts.services import issue_token
from songnuan.network.models import District, district_names
from songnuan.words import listed
from tests.factories import SHINAN, district
from tests.leads.factories import report
from tests.outreach.factories import make_squad

pytestmark = pytest.mark.django_db
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_district_is_named_in_the_language_being_spoken():
    shinan = district(SHINAN)
    with translation.override("zh-hans"):
        assert str(shinan) == "市南区"
    with translation.override("en"):
        assert str(shinan) == "Shinan"
        assert district_names([shinan.pk]) == {shinan.pk: "Shinan"}


def test_a_district_without_an_english_name_keeps_its_own():
    unnamed = District.objects.create(code="370299", name="新设区", name_en="",
                                      centre_lat=36.1, centre_lon=120.4)
    with translation.override("en"):
        assert str(unnamed) == "新设区"


def test_a_list_of_districts_is_written_as_the_language_writes_lists():
    pks = District.objects.filter(code__in=["370202", "370203"]).values_list("pk", flat=True)
    with translation.override("zh-hans"):
        assert listed(district_names(pks).values()) == "市南区、市北区"
    with translation.override("en"):
        assert listed(district_names(pks).values()) == "Shinan, Shibei"


def test_a_sites_services_are_listed_as_each_language_lists_them(cast):
    site = cast.shinan_substation
    site.services = ["warm_room", "beds"]
    site.save()
    client = Client()
    client.force_login(cast.shinan_admin)
    url = reverse("network:site_detail", args=[site.pk])
    assert "取暖室、过夜床位" in client.get(url).content.decode()
    assert "Warm room, Overnight beds" in client.get(url, **ENGLISH).content.decode()


def test_a_loop_in_a_template_separates_its_items_as_the_language_does():
    loop = Template("{% load words %}{% for x in items %}{{ x }}{% if not forloop.last %}"
                    "{% list_separator %}{% endif %}{% endfor %}")
    with translation.override("zh-hans"):
        assert loop.render(Context({"items": ["甲", "乙"]})) == "甲、乙"
    with translation.override("en"):
        assert loop.render(Context({"items": ["a", "b"]})) == "a, b"


def test_the_lead_list_names_the_district_in_english_and_in_chinese(cast):
    report(place="青岛站东广场")
    client = Client()
    client.force_login(cast.shinan_dispatcher)
    english = client.get("/leads/", **ENGLISH).content.decode()
    chinese = client.get("/leads/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Shinan" in english and "市南区" not in english
    assert "市南区" in chinese


def test_the_board_names_districts_in_english_for_an_english_dispatcher(cast):
    make_squad("市南一队")
    lead = report()
    client = Client()
    client.force_login(cast.shinan_dispatcher)
    board = client.get("/outreach/board/data.json", **ENGLISH).json()
    row = next(item for item in board["leads"] if item["id"] == lead.pk)
    assert row["district"] == "Shinan"
    assert [squad["district"] for squad in board["squads"]] == ["Shinan"]


def test_the_api_keeps_the_chinese_name_as_data_whatever_the_language(cast):
    make_squad("市南一队")
    token = issue_token(cast.shinan_dispatcher, "test")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    squads = client.get("/api/v1/dispatch/squads", **ENGLISH)
    assert squads.status_code == 200
    assert [squad["district"] for squad in squads.json()] == ["市南区"]
