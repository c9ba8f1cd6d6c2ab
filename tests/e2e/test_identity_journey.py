"""An unidentified man is admitted on a phone with a photo of his face and his fingerprints; his
announcement shows only his face, publicly; the police liaison sees his photo in the request and
answers with a match; his file now shows his name.

The face is Grace Hopper's official portrait (public domain, in the tracing tests' data): the
repository holds no other photo of a real face.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from songnuan.people import faces
from songnuan.people.models import Person
from songnuan.tracing.models import StepKind, TracingCase
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.shelter.factories import lay_out_station

PORTRAIT = Path(__file__).parents[1] / "tracing" / "data" / "grace_hopper.jpg"

pytestmark = pytest.mark.skipif(not faces.available(), reason="needs the faces extra")


def loaded(image) -> bool:
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_man_admitted_with_a_photo_is_identified_by_the_police(cast, new_page, live_server):
    station = cast.laoshan_substation
    lay_out_station(station, beds=4)
    cast.laoshan_tracing.phone = "13969812345"
    cast.laoshan_tracing.save()

    phone = new_page(PHONE)
    log_in(phone, cast.laoshan_station.username, PASSWORD)
    phone.goto("/shelter/admit/")
    phone.fill("#id_alias", "沙子口码头的老人")
    phone.select_option("#id_sex", "M")
    phone.fill("#id_age_estimate", "60")
    phone.fill("#id_temperature_c", "36.3")
    capture = phone.locator("#id_photo")
    assert capture.get_attribute("capture") == "environment"
    capture.set_input_files(str(PORTRAIT))
    phone.fill("#id_fingerprint_device", "海鑫 HX-F300 指纹仪")
    phone.fill("#id_fingerprint_reference", "QDLS2026120500317")
    screenshot(phone, "identity-admit-checks-phone")
    phone.click("button.big[type=submit]")
    expect(phone.get_by_test_id("biometrics-summary")).to_contain_text("裁剪到面部")
    screenshot(phone, "identity-admit-bed-phone")
    phone.click("button.big[type=submit]")
    phone.wait_for_url("**/shelter/stays/*/")

    case = TracingCase.objects.get(person__alias="沙子口码头的老人")
    assert case.steps.get(kind=StepKind.BIOMETRICS).done_at is not None
    assert case.person.photos.get().face_found is True

    desk = new_page(DESKTOP)
    log_in(desk, cast.laoshan_tracing.username, PASSWORD)
    desk.goto(f"/tracing/cases/{case.pk}/")
    desk.get_by_role("button", name="认领此案件").click()
    assert "13969812345" in desk.get_by_test_id("case-officer").inner_text()
    assert "13969812345" in desk.locator("#id_contact").input_value()
    desk.fill("#id_found_place", "崂山区沙子口南姜码头")
    desk.fill("#id_national_reference", "XQ-370212-2026-0457")
    desk.get_by_role("button", name="发布寻亲公告").click()
    assert desk.get_by_test_id("announcement-state").inner_text() == "公开中"
    expect(desk.locator(".publications")).to_contain_text("XQ-370212-2026-0457")
    desk.select_option("#id_kind", "dna")
    desk.select_option("#id_liaison", str(cast.police_liaison.pk))
    desk.get_by_role("button", name="发送请求").click()
    screenshot(desk, "identity-case-desktop")

    public = new_page(PHONE)
    public.goto(f"{live_server.url}/xunqin/?q=南姜码头")
    face = public.locator("article.announcement img")
    expect(face).to_have_count(1)
    assert "/media/" not in face.get_attribute("src")
    public.wait_for_load_state("networkidle")
    assert loaded(face)
    screenshot(public, "identity-announcement-phone")

    liaison = new_page(PHONE)
    log_in(liaison, cast.police_liaison.username, PASSWORD)
    liaison.goto("/tracing/comparisons/")
    liaison.locator("table a").first.click()
    brief = liaison.get_by_test_id("liaison-brief")
    expect(brief).to_contain_text("崂山区沙子口南姜码头")
    expect(brief).to_contain_text("13969812345")
    liaison.wait_for_load_state("networkidle")
    assert loaded(brief.locator("img"))
    expect(liaison.get_by_test_id("due")).to_be_visible()
    screenshot(liaison, "identity-liaison-request-phone")
    liaison.select_option("#id_matched", "yes")
    liaison.fill("#id_identity", "徐国强")
    liaison.fill("#id_reference", "鲁公DNA〔2026〕0931号")
    liaison.get_by_role("button", name="登记结果").click()
    expect(liaison.get_by_text("比中身份", exact=False).first).to_be_visible()

    person = Person.objects.get(pk=case.person_id)
    assert person.name == "徐国强"
    public.goto(f"{live_server.url}/xunqin/?q=南姜码头")
    expect(public.locator("article.announcement")).to_have_count(0)
    desk.goto(f"/people/{person.pk}/")
    expect(desk.locator("h1")).to_contain_text("徐国强")
    history = desk.get_by_test_id("identities")
    expect(history).to_contain_text("鲁公DNA〔2026〕0931号")
    expect(history).to_contain_text("经公安核查")
    desk.wait_for_load_state("networkidle")
    screenshot(desk, "identity-person-file-desktop")
    desk.goto(f"/tracing/cases/{case.pk}/")
    expect(desk.locator("h1")).to_contain_text("徐国强")
    assert desk.get_by_test_id("case-status").inner_text() == "已查明身份"
    phone.goto(f"/people/{person.pk}/")
    expect(phone.locator("h1")).to_contain_text("徐国强")
    screenshot(phone, "identity-person-file-phone")


def test_an_admission_error_keeps_the_photo_and_a_contradiction_asks_for_a_reason(
        cast, new_page):
    station = cast.laoshan_substation
    lay_out_station(station, beds=4)
    desk = new_page(DESKTOP)
    log_in(desk, cast.laoshan_station.username, PASSWORD)
    desk.goto("/shelter/admit/")
    desk.fill("#id_alias", "台东天桥下的老人")
    desk.select_option("#id_sex", "M")
    desk.fill("#id_age_estimate", "70")
    desk.fill("#id_temperature_c", "45.5")  # the deliberate error
    desk.locator("#id_photo").set_input_files(str(PORTRAIT))
    desk.select_option("#id_fingerprints_not_taken", "cannot")
    desk.fill("#id_fingerprints_note", "双手冻伤包扎")
    desk.click("button.big[type=submit]")
    expect(desk.get_by_test_id("photo-kept")).to_be_visible()
    assert desk.locator("#id_alias").input_value() == "台东天桥下的老人"
    assert desk.locator("#id_fingerprints_note").input_value() == "双手冻伤包扎"
    screenshot(desk, "identity-admit-error-desktop")
    desk.fill("#id_temperature_c", "36.6")
    desk.click("button.big[type=submit]")
    expect(desk.get_by_test_id("biometrics-summary")).to_contain_text("裁剪到面部")
    desk.click("button.big[type=submit]")
    desk.wait_for_url("**/shelter/stays/*/")
    person = Person.objects.get(alias="台东天桥下的老人")
    assert person.photos.get().face_found is True
    assert person.biometrics_not_taken.get().note == "双手冻伤包扎"

    phone = new_page(PHONE)
    log_in(phone, cast.laoshan_tracing.username, PASSWORD)
    phone.goto(f"/people/{person.pk}/identities/new/")
    phone.select_option("#id_source", "self_given")
    phone.fill("#id_name", "老徐")
    phone.get_by_role("button", name="登记身份").click()
    expect(phone.locator("h1")).to_contain_text("老徐（自述）")
    phone.goto(f"/people/{person.pk}/identities/new/")
    phone.select_option("#id_source", "police")
    phone.fill("#id_name", "徐国强")
    phone.fill("#id_reference", "鲁公比〔2026〕1187号")
    phone.get_by_role("button", name="登记身份").click()
    expect(phone.locator("h1")).to_contain_text("徐国强")
    phone.goto(f"/people/{person.pk}/identities/new/")
    phone.select_option("#id_source", "staff")
    phone.fill("#id_name", "许国祥")
    phone.get_by_role("button", name="登记身份").click()
    expect(phone.locator(".has-error")).to_contain_text("取代")
    assert phone.locator("#id_name").input_value() == "许国祥"
    screenshot(phone, "identity-contradiction-phone")
