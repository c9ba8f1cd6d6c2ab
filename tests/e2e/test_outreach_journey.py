"""From a citizen's phone to a person helped: the report reaches the dispatcher's board without
a reload, the dispatcher assigns it, the patroller's phone takes it to an escort, and the
citizen's status page says the person was helped."""

from __future__ import annotations

from playwright.sync_api import expect

from songnuan.leads.models import Lead
from songnuan.outreach.models import Encounter, EncounterOutcome
from songnuan.shelter.models import Arrival
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.leads.factories import SHINAN_STATION_SQUARE
from tests.outreach.factories import make_squad

LAT, LON = SHINAN_STATION_SQUARE


def test_a_citizens_report_is_dispatched_escorted_and_reported_back(cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])

    dispatcher = new_page(DESKTOP, locale="en")
    log_in(dispatcher, cast.shinan_dispatcher.username, PASSWORD)
    dispatcher.goto("/outreach/board/")
    expect(dispatcher.locator(".queue-item")).to_have_count(0)

    citizen = new_page(PHONE, locale="en", geolocation={"latitude": LAT, "longitude": LON},
                       permissions=["geolocation"])
    citizen.goto("/report/")
    citizen.click("#locate")
    citizen.wait_for_selector("#loc-status.ok")
    citizen.fill("textarea[name=description]", "地下通道口有位老人躺着")
    citizen.click("#send")
    citizen.wait_for_selector("#tracking-code")
    code = citizen.locator("#tracking-code").inner_text().strip()

    # The board polls: the lead appears without a reload, with the suggested squad and why.
    item = dispatcher.locator(f".queue-item[data-lead='{code}']")
    item.wait_for()
    assert "市南救助一队" in item.locator(".suggestion").inner_text()
    assert "min drive" in item.locator(".suggestion").inner_text()
    screenshot(dispatcher, "outreach-board-desktop")
    item.locator("button[name=assign]").click()
    dispatcher.wait_for_selector(f".queue-item[data-lead='{code}'] >> text=With 市南救助一队")

    patroller = new_page(PHONE, locale="en")
    log_in(patroller, cast.shinan_patroller.username, PASSWORD)
    patroller.goto("/outreach/my/")
    screenshot(patroller, "outreach-my-tasks-phone")
    patroller.locator(".phone-card").first.click()
    patroller.get_by_role("button", name="Accept").click()
    patroller.get_by_role("button", name="Arrived").wait_for()
    patroller.get_by_role("button", name="Arrived").click()
    patroller.wait_for_selector("#task-status >> text=Arrived")
    patroller.check("input[name=outcome][value=escorted]")
    patroller.select_option("select[name=p0-sex]", "M")
    patroller.fill("input[name=p0-age]", "70")
    patroller.fill("input[name=p0-name]", "老周")
    patroller.select_option("select[name=site]", str(cast.shinan_substation.pk))
    screenshot(patroller, "outreach-encounter-phone")
    patroller.get_by_role("button", name="Record").click()
    patroller.wait_for_url("**/outreach/my/")

    encounter = Encounter.objects.get()
    assert encounter.outcome == EncounterOutcome.ESCORTED and encounter.squad == squad
    assert Arrival.objects.filter(site=cast.shinan_substation).exists()
    assert Lead.objects.get(tracking_code=code).status == "resolved"

    citizen.reload()
    assert citizen.locator("#stage-headline").inner_text() == "The person was helped to a station"
    screenshot(citizen, "outreach-citizen-helped-phone")
