"""A squad escorts a person to a station; staff admit them to the suggested bed, keep the daily
log and send them home; the person file shows it all, and a viewer does not see the ID number."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD


def test_a_person_escorted_in_is_admitted_logged_and_sent_home(cast, new_page):
    from songnuan.shelter.admission import expect_arrival
    from songnuan.shelter.models import Stay
    from tests.people.factories import id_number, make_person
    from tests.shelter.factories import lay_out_station

    station = cast.laoshan_substation
    zones = lay_out_station(station, beds=4)
    number = id_number("410102", "19690412")
    person = make_person("牟永刚", id_number=number, site=station, native_place="河南省郑州市")
    expect_arrival(station, person=person, coming_from="沙子口巡查组",
                   description="桥洞下发现，衣着单薄", source="outreach.encounter:1")

    page = new_page(PHONE)
    log_in(page, cast.laoshan_station.username, PASSWORD)
    screenshot(page, "shelter-home-station-phone")
    page.click("a.card[href='/shelter/arrivals/']")
    expect(page.get_by_text("牟永刚")).to_be_visible()
    expect(page.get_by_text("沙子口巡查组").first).to_be_visible()
    screenshot(page, "shelter-arrivals-phone")
    page.click("a[href^='/shelter/admit/?arrival=']")
    page.fill("#id_items_held", "手机一部、现金85元")
    page.fill("#id_temperature_c", "36.5")
    page.check("input[name=categories][value=jobless]")
    page.select_option("#id_photo_not_taken", "later")
    page.select_option("#id_fingerprints_not_taken", "later")
    screenshot(page, "shelter-admit-checks-phone")
    page.click("button.big[type=submit]")

    suggested = page.locator(".suggested strong")
    assert "男宾区" in suggested.inner_text()
    checked = page.locator("input[name=bed]:checked")
    expect(checked).to_have_count(1)
    screenshot(page, "shelter-admit-bed-phone")
    page.click("button.big[type=submit]")
    page.wait_for_url("**/shelter/stays/*/")
    stay = Stay.objects.get(person=person)
    assert stay.bed.zone == zones["男宾区"]
    assert stay.bed.label in page.locator(".stay-head").inner_text()
    screenshot(page, "shelter-stay-phone")

    page.goto(f"/shelter/daily/?site={station.pk}")
    zone_row = page.locator(".zones-today li", has_text="男宾区")
    zone_row.locator("button[type=submit]").click()
    page.fill(f"input[name=temperature_{stay.pk}]", "36.7")
    page.check(f"table.roll input[name=stay][value='{stay.pk}']")  # the roll call starts blank
    page.get_by_role("button", name="提交点名").click()
    page.locator("form:has(input[value=meal]) button[type=submit]").click()
    screenshot(page, "shelter-daily-phone")
    assert stay.logs.filter(kind="roll_call", present=True).exists()
    assert stay.logs.filter(kind="meal").exists()
    assert zones["男宾区"].disinfections.exists()

    page.goto(f"/shelter/stays/{stay.pk}/discharge/")
    page.check("input[name=outcome][value=returned_home]")
    page.click("button.big[type=submit]")  # nothing filled: refused, the stay stays open
    expect(page.locator(".errorlist").nth(1)).to_be_visible()  # at least two fields
    stay.refresh_from_db()
    assert stay.is_open
    page.check("input[name=outcome][value=returned_home]")
    page.fill("#id_destination", "河南省郑州市中原区")
    page.select_option("#id_travel_mode", "family")
    page.fill("#id_family_contact", "牟永强（弟弟）")
    page.fill("#id_family_phone", "13837100000")
    screenshot(page, "shelter-discharge-phone")
    page.click("button.big[type=submit]")
    page.wait_for_url(f"**/people/{person.pk}/")
    stay.refresh_from_db()
    assert not stay.is_open

    timeline = page.locator(".timeline").inner_text()
    for expected in ("崂山区救助管理分站", "沙子口巡查组", "36.7", "河南省郑州市中原区"):
        assert expected in timeline, expected
    expect(page.locator(".timeline .event-admission")).to_have_count(1)
    expect(page.locator(".timeline .event-daily_log")).to_have_count(1)
    expect(page.locator(".timeline .event-discharge")).to_have_count(1)
    assert number in page.locator(".id-number").inner_text()
    screenshot(page, "people-file-station-phone")

    desk = new_page(DESKTOP)
    log_in(desk, cast.laoshan_station.username, PASSWORD)
    desk.goto(f"/people/{person.pk}/")
    screenshot(desk, "people-file-station-desktop")
    desk.goto("/shelter/board/")
    expect(desk.locator(".beds .bed.free")).to_have_count(4 * 7)  # the bed is free again
    screenshot(desk, "shelter-board-desktop")

    viewer = new_page(PHONE)
    log_in(viewer, cast.laoshan_viewer.username, PASSWORD)
    viewer.goto(f"/people/{person.pk}/")
    assert "牟永刚" in viewer.locator("h1").inner_text()
    assert number not in viewer.content()
    expect(viewer.locator("[data-sensitive=id_number]")).to_have_count(0)
    assert "36.7" not in viewer.locator(".timeline").inner_text()
    screenshot(viewer, "people-file-viewer-phone")
