"""The public front door: `/` for the public, each signed-in user's home for staff, and one
public navigation shared by every public page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.leads.factories import report

PUBLIC_LINKS = ("/warm/", "/report/", "/xunqin/", "/track/")


def test_an_anonymous_visitor_gets_the_public_front_door_not_the_login(db, client, settings):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    for href in PUBLIC_LINKS:
        assert f'href="{href}"' in html
    assert f"tel:{settings.RESCUE_HOTLINE}" in html
    assert 'action="/track/"' in html and 'name="code"' in html
    assert 'href="/login/"' in html  # staff sign in from a small link
    assert "现在去取暖" in html and "寻找家人" in html


def test_a_signed_in_user_still_gets_their_home(cast, client_for):
    page = client_for(cast.shinan_dispatcher).get("/")
    assert page.status_code == 200
    assert page.context["next_steps"] and "panels" in page.context


@pytest.mark.parametrize("url", ["/", "/warm/", "/report/", "/xunqin/", "/xunqin/report/",
                                 "/track/", "/no-such-page/"])
def test_every_public_page_links_to_the_others(db, client, url):
    html = client.get(url).content.decode()
    for href in PUBLIC_LINKS:
        assert f'href="{href}"' in html, (url, href)


def test_the_status_page_shares_the_public_navigation(db, client):
    lead = report()
    html = client.get(reverse("leads:public_status", args=[lead.tracking_code])).content.decode()
    assert 'class="pub-nav"' in html and 'href="/track/" aria-current="page"' in html


@pytest.mark.parametrize("url", ["/report/", "/xunqin/report/"])
def test_public_file_inputs_wear_a_translated_button(db, client, url):
    html = client.get(url).content.decode()
    assert 'class="file-pick"' in html and 'type="file"' in html
    assert "选择照片" in html and "尚未选择" in html
