"""Following a report by typing its tracking code at /track/."""

from __future__ import annotations

from django.urls import reverse

from songnuan.leads.models import Lead
from tests.leads.factories import report


def test_the_track_page_shows_an_empty_form(db, client):
    page = client.get("/track/")
    assert page.status_code == 200
    assert not page.context["form"].is_bound


def test_a_good_code_goes_to_the_reports_status_page(db, client):
    lead = report()
    response = client.get("/track/", {"code": lead.tracking_code})
    assert response.status_code == 302
    assert response.url == reverse("leads:public_status", args=[lead.tracking_code])


def test_a_code_typed_in_lower_case_with_spaces_and_a_dash_is_forgiven(db, client):
    lead = report()
    code = lead.tracking_code
    typed = f" {code[:4].lower()}-{code[4:].lower()} "
    response = client.get("/track/", {"code": typed})
    assert response.url == reverse("leads:public_status", args=[code])


def test_a_malformed_code_says_what_a_code_looks_like_and_keeps_what_was_typed(db, client):
    page = client.get("/track/", {"code": "AB0O1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "查询码由 8 位字母和数字组成" in html
    assert 'value="AB0O1"' in html


def test_an_unknown_code_says_so_and_keeps_what_was_typed(db, client):
    report()
    unknown = "ZZZZZZZZ"
    assert not Lead.objects.filter(tracking_code=unknown).exists()
    page = client.get("/track/", {"code": unknown})
    html = page.content.decode()
    assert page.status_code == 200
    assert "没有找到这个查询码对应的报告" in html and f'value="{unknown}"' in html


def test_an_empty_code_asks_for_one(db, client):
    html = client.get("/track/", {"code": ""}).content.decode()
    assert "请输入您拿到的查询码" in html
