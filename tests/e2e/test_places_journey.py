"""A hotline call that only names a place, and a lead put on the map by a pin."""

from __future__ import annotations

from types import SimpleNamespace

from playwright.sync_api import expect

from songnuan.demo import places as demo
from songnuan.leads import services
from songnuan.leads.models import Lead, Source
from songnuan.places.models import Place
from tests.e2e.conftest import DESKTOP, log_in, screenshot
from tests.factories import PASSWORD

UNDERPASS = "台东步行街东口地下通道"


def test_a_hotline_operator_types_only_the_place_and_the_lead_is_located(cast, new_page):
    demo.populate(SimpleNamespace(shared={}))
    page = new_page(DESKTOP)
    log_in(page, cast.centre_dispatcher.username, PASSWORD)
    page.goto("/leads/hotline/")
    page.locator("input[name=place]").press_sequentially(UNDERPASS, delay=20)
    candidate = page.locator(".place-candidates .candidate").first
    expect(candidate).to_contain_text(UNDERPASS)
    expect(candidate).to_contain_text("市北区")
    candidate.click()
    expect(page.locator(".place-chosen")).to_contain_text(UNDERPASS)
    screenshot(page, "places-hotline-candidate-desktop")
    page.get_by_role("button", name="保存线索").click()
    page.wait_for_selector("text=已创建线索")
    lead = Lead.objects.get()
    place = Place.objects.get(name=UNDERPASS)
    assert (lead.lat, lead.lon) == (place.lat, place.lon)
    assert lead.district.name == "市北区"
    assert lead.location_source == "gazetteer"


def test_a_dispatcher_pins_a_lead_that_names_no_known_place(cast, new_page):
    lead, _created = services.submit_lead(services.LeadInput(
        source=Source.HOTLINE, place="海边一个废弃的小房子", client_request_id="e2e-pin-0001"))
    page = new_page(DESKTOP)
    log_in(page, cast.city_admin.username, PASSWORD)
    page.goto(f"/leads/{lead.pk}/")
    box = page.locator("#pin-map")
    expect(box).to_be_visible()
    size = box.bounding_box()
    box.click(position={"x": size["width"] / 2, "y": size["height"] / 2})
    expect(page.locator(".place-chosen")).to_be_visible()
    screenshot(page, "places-lead-pin-desktop")
    page.locator(".set-place button[type=submit]").click()
    screenshot(page, "places-lead-pinned-desktop")
    page.wait_for_selector("text=线索位置已设定")
    lead.refresh_from_db()
    assert lead.has_location and lead.location_source == "pin"


def test_a_lead_pinned_beside_another_shows_it_as_nearby(cast, new_page):
    """Pinned after intake, a lead is set beside the open lead already reported there."""
    taidong = (36.0858, 120.3557)
    neighbour, _created = services.submit_lead(services.LeadInput(
        source=Source.PUBLIC_API, lat=taidong[0], lon=taidong[1],
        description="一个老大爷躺在店门口，穿蓝色棉袄", client_request_id="e2e-pin-0002"))
    lead, _created = services.submit_lead(services.LeadInput(
        source=Source.HOTLINE, place="步行街一个店门口", description="年轻女的，红羽绒服，坐着",
        client_request_id="e2e-pin-0003"))
    assert not lead.has_location
    page = new_page(DESKTOP)
    log_in(page, cast.city_admin.username, PASSWORD)
    page.goto(f"/leads/{lead.pk}/")
    expect(page.locator("#nearby")).to_have_count(0)
    page.evaluate("([lat, lon]) => window.songnuanPinMap(lat, lon)", list(taidong))
    box = page.locator("#pin-map")
    size = box.bounding_box()
    box.click(position={"x": size["width"] / 2, "y": size["height"] / 2})
    page.locator(".set-place button[type=submit]").click()
    page.wait_for_selector("text=线索位置已设定")
    expect(page.locator("#nearby")).to_contain_text("附近线索")
    expect(page.locator("ul.nearby")).to_contain_text(neighbour.tracking_code)
    screenshot(page, "places-lead-pinned-nearby-desktop")
