"""Every staff form on the patrol and station path, refused for one deliberate error, comes back
with everything else the user typed still in it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.tracing.models import MissingReport
from tests.e2e.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.leads.factories import jpeg_with_gps
from tests.outreach.factories import make_squad
from tests.people.factories import make_person
from tests.shelter.factories import lay_out_station


@dataclass(frozen=True)
class Case:
    name: str
    actor: str
    url: str
    form: str  # the form's selector on the page
    fields: dict[str, str]  # name -> value typed, chosen or checked ("on")
    submit: str  # the submit button's name in Chinese


CASES = [
    Case("squad", "shinan_dispatcher", "/outreach/squads/new/", "form.stacked", {
        "name": "市南救助三队", "vehicle": "鲁B·J5678", "phone": "13812345678",
        # In 崂山区, not 市南区: the deliberate error.
        "base_lat": "36.1070", "base_lon": "120.4680", "capacity": "4"}, "保存"),
    Case("shift", "shinan_dispatcher", "{squad}", "form:has(input[name=action][value=shift])", {
        # Ends before it starts: the deliberate error.
        "starts_at": "2026-12-20T20:00", "ends_at": "2026-12-20T18:00"}, "添加班次"),
    Case("squad member", "shinan_dispatcher", "{squad}",
         "form:has(input[name=action][value=member])", {
             # No member chosen: the deliberate error.
             "agency": "police", "is_leader": "on"}, "添加队员"),
    Case("admission", "laoshan_station", "/shelter/admit/", "form.admit", {
        "name": "王建国", "alias": "戴蓝帽子的大爷", "sex": "M", "age_estimate": "67",
        "items_held": "身份证一张，现金35元", "injuries": "左手冻伤",
        "frostbite": "on", "health_notes": "自述有高血压",
        # A temperature no living person has: the deliberate error.
        "temperature_c": "45.5"}, "下一步：区域与床位"),
    Case("missing-person report", "shinan_tracing", "/tracing/reports/new/", "form.form", {
        "name": "孙桂兰", "sex": "F", "birth_year": "1948", "native_place": "山东省平度市",
        "dialect": "平度话", "features": "左眉有痣；走路微跛", "missing_since": "2026-11-28",
        "last_seen_place": "台东步行街", "reporter_name": "孙志强", "reporter_phone": "13706398765",
        "reporter_relation": "儿子",
        # Taller than anyone: the deliberate error.
        "height_cm": "300"}, "保存登记"),
    Case("site", "city_admin", "/network/sites/new/", "form.site-form", {
        "name": "琴岛驿家·台东", "address": "市北区台东三路", "seats": "20", "beds": "0",
        "phone": "0532-83801234", "hours_text": "Mon-Sun 18:00-08:00",
        # Latitude and longitude swapped: the deliberate error.
        "lat": "120.3472", "lon": "36.0832"}, "保存"),
]


def fill(form, name: str, value: str) -> None:
    field = form.locator(f"[name='{name}']").first
    kind = field.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
    if kind.startswith("select"):
        field.select_option(value)
    elif kind.endswith(":checkbox"):
        field.check()
    else:
        field.fill(value)


def value_of(form, name: str) -> str:
    field = form.locator(f"[name='{name}']").first
    if field.evaluate("el => el.type") == "checkbox":
        return "on" if field.is_checked() else ""
    return field.input_value()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_refused_form_keeps_what_was_typed(cast, new_page, case):
    squad = make_squad("市南救助二队")
    page = new_page(PHONE)
    user = cast.city_admin if case.actor == "city_admin" else getattr(cast, case.actor)
    log_in(page, user.username, PASSWORD)
    page.goto(case.url.format(squad=f"/outreach/squads/{squad.pk}/"))
    form = page.locator(case.form)
    for name, value in case.fields.items():
        fill(form, name, value)
    if case.name == "missing-person report":
        form.locator("[name=photo]").set_input_files(files=[{
            "name": "sun.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps().read()}])

    # The server's answer is what could lose input: the browser's own checks step aside.
    form.evaluate("form => { form.noValidate = true; }")
    form.get_by_role("button", name=case.submit).click()
    page.wait_for_load_state()

    form = page.locator(case.form)
    expect(page.locator(".errorlist, .message-error").first).to_be_visible()
    kept = {name: value_of(form, name) for name in case.fields}
    assert kept == case.fields
    screenshot(page, f"form-refused-{case.name.replace(' ', '-')}-phone")


def test_a_missing_person_reports_photo_survives_a_refusal(cast, new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = new_page(PHONE)
    log_in(page, cast.shinan_tracing.username, PASSWORD)
    page.goto("/tracing/reports/new/")
    form = page.locator("form.form")
    form.locator("[name=name]").fill("孙桂兰")
    form.locator("[name=height_cm]").fill("300")
    form.locator("[name=reporter_name]").fill("孙志强")
    form.locator("[name=reporter_phone]").fill("13706398765")
    form.locator("[name=district]").select_option(label="市南区")
    form.locator("[name=photo]").set_input_files(files=[{
        "name": "sun.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps().read()}])
    form.evaluate("form => { form.noValidate = true; }")
    form.get_by_role("button", name="保存登记").click()

    expect(page.locator(".photo-kept")).to_have_text("您选的照片已保留；只有需要更换时才重新选择。")
    page.locator("[name=height_cm]").fill("158")
    page.locator("form.form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="保存登记").click()

    expect(page.get_by_role("heading", name="孙桂兰")).to_be_visible()
    report = MissingReport.objects.get()
    assert report.height_cm == 158 and report.photo.size > 0


def test_a_refused_roll_call_keeps_its_ticks_and_temperatures(cast, new_page):
    lay_out_station(cast.laoshan_substation)
    yu, qu = (admit(make_person(name), cast.laoshan_substation, AdmissionInput(),
                    by=cast.laoshan_station) for name in ("于海", "曲文强"))
    page = new_page(PHONE)
    log_in(page, cast.laoshan_station.username, PASSWORD)
    page.goto("/shelter/daily/")
    page.get_by_role("checkbox", name="在场 于海").check()
    page.get_by_role("textbox", name="体温 于海").fill("36.8")
    page.get_by_role("textbox", name="体温 曲文强").fill("37度2")  # the deliberate error
    page.get_by_role("button", name="提交点名").click()

    expect(page.locator(".errorlist")).to_contain_text("不是有效体温：37度2")
    expect(page.get_by_role("checkbox", name="在场 于海")).to_be_checked()
    expect(page.get_by_role("checkbox", name="在场 曲文强")).not_to_be_checked()
    expect(page.get_by_role("textbox", name="体温 于海")).to_have_value("36.8")
    screenshot(page, "roll-call-refused-phone")
    page.get_by_role("textbox", name="体温 曲文强").fill("37.2")
    page.get_by_role("button", name="提交点名").click()

    expect(page.locator(".errorlist")).to_have_count(0)
    assert yu.logs.filter(kind="roll_call", present=True).exists()
    assert qu.logs.filter(kind="health", temperature_c="37.2").exists()
