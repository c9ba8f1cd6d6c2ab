"""A cold night end to end: a hotline call that names only a place is located, the dispatcher
sends the squad the plan ranks first by ETA, a second caller about a different person at the same
underpass becomes a lead of its own, and the patroller closes the task from the phone."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from playwright.sync_api import expect

from songnuan.demo import places as places_demo
from songnuan.leads.models import Lead, LeadStatus
from songnuan.outreach.models import Encounter, EncounterOutcome, Task
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.outreach.factories import make_squad

UNDERPASS = "台东步行街东口地下通道"
STATION = (36.0643, 120.3125)  # 青岛站, about 4 km from 台东


def _call(page, place: str, description: str) -> None:
    page.goto("/leads/hotline/")
    page.locator("input[name=place]").press_sequentially(place, delay=20)
    candidate = page.locator(".place-candidates .candidate").first
    expect(candidate).to_contain_text(UNDERPASS)
    candidate.click()
    page.fill("textarea[name=description]", description)
    page.get_by_role("button", name="保存线索").click()
    page.wait_for_selector("text=已创建线索")


def test_a_hotline_call_is_located_planned_sent_and_closed_and_a_second_person_stays_apart(
        cast, new_page):
    places_demo.populate(SimpleNamespace(shared={}))
    near = make_squad("市南救助一队", at=STATION, members=[cast.shinan_patroller])
    make_squad("市南救助二队", at=(36.0606, 120.3192), on_shift=False)

    operator = new_page(DESKTOP)
    log_in(operator, cast.centre_dispatcher.username, PASSWORD)
    _call(operator, UNDERPASS, "一个老大爷躺在地下通道里，穿蓝色棉袄，一个人")
    first = Lead.objects.get()
    assert first.location_source == "gazetteer" and first.district.name == "市北区"

    # The board ranks the squads by ETA; 市北区 has none on shift, so 市南区's goes as mutual aid.
    operator.goto("/outreach/board/")
    item = operator.locator(f".queue-item[data-lead='{first.tracking_code}']")
    expect(item.locator(".suggestions li").first).to_contain_text("市南救助一队")
    expect(item.locator(".suggestions li").first).to_contain_text("分钟")
    expect(item.locator(".suggestions li").first).to_contain_text("跨区支援")
    screenshot(operator, "cold-night-board-ranked-desktop")
    item.locator("button[name=assign]").click()
    expect(operator.locator(f".queue-item[data-lead='{first.tracking_code}']")).to_contain_text(
        "由市南救助一队处理")
    task = Task.objects.get(lead=first)
    assert task.squad == near and task.is_mutual_aid and task.eta_min is not None

    # A second caller at the same underpass describes someone else: a lead of its own, nearby.
    _call(operator, UNDERPASS + "那边", "一个年轻女的，穿红色羽绒服，坐在台阶上")
    second = Lead.objects.exclude(pk=first.pk).get()
    assert second.status != LeadStatus.DUPLICATE and second.duplicate_of_id is None
    operator.goto(f"/leads/{second.pk}/")
    screenshot(operator, "cold-night-second-caller-desktop")

    patroller = new_page(PHONE)
    log_in(patroller, cast.shinan_patroller.username, PASSWORD)
    patroller.goto(f"/outreach/tasks/{task.pk}/")
    # The squad sees the second person waiting a few steps away: it may take them too.
    nearby = patroller.locator("ul.nearby")
    expect(nearby).to_contain_text(second.tracking_code)
    expect(nearby).to_contain_text("尚未派队")
    screenshot(patroller, "cold-night-task-nearby-phone")
    with patroller.expect_request(f"**/api/v1/my/tasks/{task.pk}/accept") as accepted:
        patroller.get_by_role("button", name="接单").click()
    patroller.wait_for_selector("#task-status >> text=已接单")
    patroller.get_by_role("button", name="已到达").click()
    patroller.wait_for_selector("#task-status >> text=已到达")
    assert accepted.value.headers["idempotency-key"]
    patroller.check("input[name=outcome][value=refused]")
    patroller.select_option("select[name=p0-sex]", "M")
    patroller.fill("input[name=p0-age]", "72")
    screenshot(patroller, "cold-night-encounter-phone")
    with patroller.expect_request(f"**/api/v1/my/tasks/{task.pk}/encounter") as sent:
        patroller.get_by_role("button", name="提交记录").click()
    patroller.wait_for_url("**/outreach/my/")

    # The phone closed the task through the staff API, with its key and the time of the tap.
    encounter = Encounter.objects.get()
    assert encounter.outcome == EncounterOutcome.REFUSED and encounter.task == task
    assert encounter.client_request_id == sent.value.headers["idempotency-key"]
    assert encounter.at == datetime.datetime.fromisoformat(sent.value.post_data_json["client_at"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == LeadStatus.RESOLVED
    assert second.status == LeadStatus.TRIAGED  # still waiting for its own squad
