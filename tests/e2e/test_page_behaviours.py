"""What the pages' inline handlers used to do, now from static files under the
Content-Security-Policy: filters that apply on change, the warm-places locate button."""

from __future__ import annotations

from django.urls import reverse

from tests.e2e.conftest import PHONE, log_in
from tests.factories import PASSWORD


def test_a_filter_applies_as_soon_as_it_changes(cast, new_page):
    page = new_page()
    log_in(page, cast.shinan_tracing.username, PASSWORD)
    page.goto(reverse("tracing:cases"))
    page.check("input[name=overdue]")
    page.wait_for_url(lambda url: "overdue=1" in url)
    assert page.is_checked("input[name=overdue]")


def test_the_locate_button_finds_warm_places_around_the_phone(db, new_page):
    page = new_page(PHONE, permissions=["geolocation"],
                    geolocation={"latitude": 36.0648, "longitude": 120.3135})
    page.goto(reverse("network:warm"))
    page.click("#locate")
    page.wait_for_url(lambda url: "lat=36.064800" in url and "lon=120.313500" in url)
