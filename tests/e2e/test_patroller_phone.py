"""A patroller's night on the phone: a new task appears on the open list within seconds; with the
page closed, the server's push reaches the (local) push service and the service worker shows it;
the task page shows what the reporter saw and where to drive; every action goes to the staff API
with its own idempotency key; accepting, arriving and the encounter work with no signal and land
in order with their own times; an encounter refused for a missing site loses nothing; a squad
declines with a reason."""

from __future__ import annotations

import datetime
import json
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from songnuan.geo.coords import wgs84_to_gcj02
from songnuan.leads.photos import clean_photo
from songnuan.notify import push, vapid
from songnuan.notify.models import PushMessage
from songnuan.outreach import dispatch
from songnuan.outreach.models import Encounter, Task
from songnuan.people.models import PersonPhoto
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.fake_push import FakePushService
from tests.leads.factories import SHINAN_STATION_SQUARE, jpeg_with_gps, report
from tests.outreach.factories import make_squad
from tests.supplies.factories import stocked

LAT, LON = SHINAN_STATION_SQUARE
WAIT_S = 20


@pytest.fixture
def push_service(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    vapid.keys.cache_clear()
    service = FakePushService().start()
    yield service
    service.stop()
    vapid.keys.cache_clear()


def eventually(page, check, what: str):
    """Wait for something the browser does on its own time (Playwright delivers its events
    while the page waits, so the wait is the page's)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        page.wait_for_timeout(200)
    raise AssertionError(f"never happened: {what}")


def api_requests(page) -> list[dict]:
    """The patroller's actions the staff API answered, in the order they were sent."""
    sent = []

    def listen(request):
        path = urlparse(request.url).path
        if request.method == "POST" and path.startswith("/api/v1/my/tasks/"):
            sent.append({"path": path, "key": request.headers.get("idempotency-key"),
                         "type": request.headers.get("content-type")})

    page.on("requestfinished", listen)
    return sent


def queued_actions(page) -> list[dict]:
    return page.evaluate("JSON.parse(localStorage.getItem('songnuan.outreach.queue') || '[]')")


def tapped_at(item: dict) -> datetime.datetime:
    return datetime.datetime.fromisoformat(item["at"])


def kept_offline(page, path: str) -> bool:
    return page.evaluate("""path => caches.open("songnuan-pages-v1")
        .then(cache => cache.match(path)).then(found => !!found)""", path)


def test_a_patrollers_night_on_the_phone(cast, new_page, live_server, push_service):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    coat = stocked(squad, "coat", 5).item
    phone = new_page(PHONE, permissions=["notifications"])
    context = phone.context
    log_in(phone, cast.shinan_patroller.username, PASSWORD)

    # The home page of a patroller is the task list; the service worker takes the whole site.
    expect(phone).to_have_url(f"{live_server.url}/outreach/my/")
    expect(phone.get_by_role("heading", name="我的任务")).to_be_visible()
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    screenshot(phone, "patroller-tasks-empty-phone")

    # A dispatcher assigns a lead: the open list shows it within seconds, without a reload.
    lead = report(people_count=2, flags=["lying_down", "elderly"], place="青岛站东广场地下通道",
                  description="地下通道口有两位老人躺着，身上只有薄被",
                  photos=[clean_photo(jpeg_with_gps(size=(320, 240)))])
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)
    card = phone.locator(f"#task-list [data-task='{task.pk}']")
    expect(card).to_be_visible(timeout=WAIT_S * 1000)
    expect(phone.locator("#new-task")).to_have_text("有新任务！")
    assert "躺在地上" in card.inner_text() and "2 人" in card.inner_text()
    screenshot(phone, "patroller-tasks-new-phone")

    # The page is closed; the worker's courier sends the push to the phone's push service.
    keys = push_service.subscription("patroller-phone")
    push.subscribe(cast.shinan_patroller, keys["endpoint"], keys["keys"]["p256dh"],
                   keys["keys"]["auth"])
    phone.close()
    push.deliver_due_pushes()
    [received] = push_service.received
    assert received.headers["content-encoding"] == "aes128gcm"
    claims = push_service.vapid_claims(received, vapid.keys().public_key)
    assert claims["aud"] == f"http://127.0.0.1:{push_service.server.server_port}"
    payload = push_service.decrypt(received)
    assert payload["title"] == "新任务：青岛站东广场地下通道"
    assert payload["url"] == f"/outreach/tasks/{task.pk}/"

    # The push service delivers it: the service worker shows it and acknowledges it.
    watcher = context.new_page()
    watcher.goto("/static/notify/icon-192.png")
    cdp = context.new_cdp_session(watcher)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    eventually(watcher, lambda: registrations, "the service worker's registration is reported")
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registrations[0]["registrationId"],
        "data": json.dumps(payload, ensure_ascii=False)})
    eventually(watcher, lambda: PushMessage.objects.filter(acknowledged_at__isnull=False).exists(),
               "the service worker acknowledges the notification")
    shown = watcher.evaluate("""navigator.serviceWorker.ready
        .then(r => r.getNotifications()).then(list => list.map(n => [n.title, n.data.url]))""")
    assert shown == [[payload["title"], payload["url"]]]

    # The patroller opens the task from the notification: what the reporter saw, where to go.
    phone = context.new_page()
    phone.goto(payload["url"])
    brief = phone.locator(".lead-brief")
    expect(brief.locator(".flags")).to_contain_text("躺在地上")
    expect(brief.locator(".flags")).to_contain_text("老年人")
    expect(brief).to_contain_text("地下通道口有两位老人躺着")
    photo = brief.locator(".photos img")
    expect(photo).to_have_count(1)
    eventually(phone, lambda: photo.evaluate("img => img.complete && img.naturalWidth") == 320,
               "the reporter's photo loads")
    amap = parse_qs(urlparse(phone.locator("a[data-map=amap]").get_attribute("href")).query)
    lon, lat, _name = amap["to"][0].split(",")
    assert (float(lat), float(lon)) == pytest.approx(wgs84_to_gcj02(LAT, LON), abs=1e-6)
    assert phone.locator("a[data-map=baidu]").inner_text() == "百度地图"
    screenshot(phone, "patroller-task-phone")

    # No signal under the bridge: the kept page opens, the taps wait with their own times.
    path = f"/outreach/tasks/{task.pk}/"
    eventually(phone, lambda: kept_offline(phone, path), "the service worker keeps the task page")
    sent = api_requests(phone)
    context.set_offline(True)
    phone.reload()
    expect(phone.locator("#offline-state")).to_be_visible()
    phone.get_by_role("button", name="接单").click()
    phone.get_by_role("button", name="已到达").click()
    expect(phone.locator("#queue-state")).to_have_text("有 2 项操作等待网络发送")
    queued = queued_actions(phone)
    screenshot(phone, "patroller-task-offline-phone")
    time.sleep(1)  # so that "sent later" is visibly later than "tapped"
    back_online = timezone.now()
    context.set_offline(False)
    expect(phone.locator("#task-status")).to_have_text("已到达", timeout=WAIT_S * 1000)
    task.refresh_from_db()
    # The server took them when the phone was back; each keeps the time it was tapped.
    assert [(row["path"], row["key"]) for row in sent] == [
        (f"/api/v1/my/tasks/{task.pk}/accept", queued[0]["key"]),
        (f"/api/v1/my/tasks/{task.pk}/arrive", queued[1]["key"])]
    assert task.accepted_client_at == tapped_at(queued[0]) < back_online
    assert task.arrived_client_at == tapped_at(queued[1]) < back_online
    assert task.accepted_client_at <= task.arrived_client_at <= task.arrived_at
    # Only the steps ahead are offered, and nothing was reloaded under the patroller's fingers.
    expect(phone.get_by_role("button", name="接单")).to_be_hidden()
    expect(phone.get_by_role("button", name="已到达")).to_be_hidden()

    # An escort recorded with a deliberate error (no site chosen) comes back as typed.
    form = phone.locator("form.encounter")
    form.locator("input[name=outcome][value=escorted]").check()
    form.locator("select[name=site]").select_option("")
    form.locator("select[name=p0-sex]").select_option("F")
    form.locator("input[name=p0-age]").fill("78")
    form.locator("input[name=p0-name]").fill("刘秀英")
    expect(form.locator(".file-pick").first).to_have_text("拍照或选择照片")
    form.locator("input[name=p0-photo]").set_input_files(files=[{
        "name": "liu.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps().read()}])
    expect(form.locator(".file-name").first).to_have_text("liu.jpg")
    form.locator("details.handed summary").first.click()
    form.locator(f"input[name=p0-item-{coat.pk}] + button").click()
    form.locator("#add-person").click()
    form.locator("input[name=p1-age]").fill("80")
    form.locator("input[name=p1-name]").fill("刘德福")
    form.locator("textarea[name=note]").fill("老两口，都不愿分开")
    with phone.expect_response(f"**/api/v1/my/tasks/{task.pk}/encounter") as refused:
        form.get_by_role("button", name="提交记录").click()
    assert refused.value.status == 422
    photo_sent = refused.value.request.post_data_json["people"][0]["photo"]
    assert photo_sent.startswith("data:image/jpeg;base64,")

    expect(phone.locator("#encounter-error")).to_contain_text("请选择护送前往的站点")
    form = phone.locator("form.encounter")
    expect(form.locator("label.escort .field-error")).to_have_text("请选择护送前往的站点。")
    expect(form.locator("input[name=outcome][value=escorted]")).to_be_checked()
    expect(form.locator("select[name=p0-sex]")).to_have_value("F")
    expect(form.locator("input[name=p0-age]")).to_have_value("78")
    expect(form.locator("input[name=p0-name]")).to_have_value("刘秀英")
    expect(form.locator(".file-name").first).to_have_text("您拍的照片已保留。")
    expect(form.locator(f"input[name=p0-item-{coat.pk}]")).to_have_value("1")
    expect(form.locator("input[name=p1-age]")).to_have_value("80")
    expect(form.locator("input[name=p1-name]")).to_have_value("刘德福")
    expect(form.locator("textarea[name=note]")).to_have_value("老两口，都不愿分开")
    expect(form.locator("label.escort")).to_have_class(re.compile(r"\bhas-error\b"))
    expect(form.locator("label.escort")).to_have_class(re.compile(r"\bis-required\b"))
    screenshot(phone, "patroller-encounter-refused-phone")

    form.locator("select[name=site]").select_option(str(cast.shinan_substation.pk))
    with phone.expect_request(f"**/api/v1/my/tasks/{task.pk}/encounter") as recorded:
        form.get_by_role("button", name="提交记录").click()
    phone.wait_for_url("**/outreach/my/")
    request = recorded.value
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] and request.headers["x-csrftoken"]
    body = request.post_data_json
    assert body["site_id"] == cast.shinan_substation.pk and body["people"][0]["photo"] == photo_sent
    encounter = Encounter.objects.get()
    assert encounter.client_request_id == request.headers["idempotency-key"]
    assert encounter.at == datetime.datetime.fromisoformat(body["client_at"])
    assert sorted(encounter.people.values_list("person__self_name", flat=True)) == [
        "刘德福", "刘秀英"]
    assert encounter.site == cast.shinan_substation and encounter.note == "老两口，都不愿分开"
    assert PersonPhoto.objects.filter(person__self_name="刘秀英").count() == 1
    assert Task.objects.get(pk=task.pk).status == "done"


def test_a_whole_task_done_offline_lands_in_order_with_its_own_times(cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    quilt = stocked(squad, "quilt", 4).item
    task = dispatch.assign_lead(report(people_count=1, place="团岛桥洞"), squad,
                                by=cast.shinan_dispatcher)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    form = phone.locator("form.encounter")

    # Recorded too soon, with no outcome: the server refuses it, the form keeps what was typed.
    form.locator("input[name=p0-age]").fill("60")
    form.locator("textarea[name=note]").fill("桥洞东侧")
    with phone.expect_response(f"**/api/v1/my/tasks/{task.pk}/encounter") as refused:
        form.get_by_role("button", name="提交记录").click()
    assert refused.value.status == 422
    expect(form.locator("[data-field=outcome] .field-error")).to_have_text(
        "请为每位遇到的人员选择处置结果。")
    expect(form.locator("input[name=p0-age]")).to_have_value("60")
    expect(form.locator("textarea[name=note]")).to_have_value("桥洞东侧")
    assert not Encounter.objects.exists()

    sent = api_requests(phone)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="接单").click()
    phone.get_by_role("button", name="已到达").click()
    form.locator("input[name=outcome][value=refused]").check()
    form.locator("details.handed summary").first.click()
    form.locator(f"input[name=p0-item-{quilt.pk}] + button").click()
    form.get_by_role("button", name="提交记录").click()
    expect(phone.locator("#queue-state")).to_have_text("有 3 项操作等待网络发送")
    queued = queued_actions(phone)
    assert [item["api"] for item in queued] == [f"/api/v1/my/tasks/{task.pk}/{step}"
                                                for step in ("accept", "arrive", "encounter")]
    assert len({item["key"] for item in queued}) == 3
    assert [tapped_at(item) for item in queued] == sorted(tapped_at(item) for item in queued)
    assert all(item["body"]["client_at"] == item["at"] for item in queued)
    [person] = queued[2]["body"]["people"]
    assert person["age_estimate"] == 60 and person["supplies"] == {str(quilt.pk): 1}
    assert queued[2]["body"]["outcome"] == "refused"
    assert sent == [] and Task.objects.get(pk=task.pk).status == "assigned"
    time.sleep(1)
    phone.context.set_offline(False)
    phone.wait_for_url("**/outreach/my/", timeout=WAIT_S * 1000)

    assert [(row["path"], row["key"]) for row in sent] == [
        (item["api"], item["key"]) for item in queued]
    task.refresh_from_db()
    assert task.status == "done"
    assert task.accepted_client_at == tapped_at(queued[0]) < task.accepted_at
    assert task.arrived_client_at == tapped_at(queued[1]) < task.arrived_at
    assert task.closed_client_at == tapped_at(queued[2]) < task.closed_at
    encounter = Encounter.objects.get()
    assert encounter.at == tapped_at(queued[2]) and encounter.outcome == "refused"
    # The refused attempt's key went again with the corrected form: one encounter.
    assert encounter.client_request_id == queued[2]["key"] == refused.value.request.headers[
        "idempotency-key"]
    assert encounter.note == "桥洞东侧"


def test_a_tap_for_a_task_moved_away_meanwhile_is_refused_and_the_page_says_so(cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    other = make_squad("市南救助二队")
    task = dispatch.assign_lead(report(place="团岛桥洞"), squad, by=cast.shinan_dispatcher)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    told = []
    phone.on("dialog", lambda dialog: (told.append(dialog.message), dialog.dismiss()))

    phone.context.set_offline(True)
    phone.get_by_role("button", name="接单").click()
    expect(phone.locator("#queue-state")).to_have_text("有 1 项操作等待网络发送")
    moved = dispatch.reassign(task, other, by=cast.shinan_dispatcher)
    phone.context.set_offline(False)

    # The page hears of the move twice, in either order: from the refused tap, which says why,
    # and from reading itself again once the signal is back.
    eventually(phone, lambda: told, "the refused tap says why")
    assert told == ["该任务已改派给其他救助队。"]
    expect(phone.locator("#task-status")).to_have_text("已改派或取消", timeout=WAIT_S * 1000)
    expect(phone.locator("#queue-state")).to_be_hidden()
    expect(phone.get_by_role("button", name="接单")).to_have_count(0)
    assert Task.objects.get(pk=task.pk).accepted_at is None
    assert Task.objects.get(pk=moved.pk).squad == other


def test_a_squad_declines_from_the_phone_and_an_empty_reason_is_named_beside_its_field(
        cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    task = dispatch.assign_lead(report(place="台东三路"), squad, by=cast.shinan_dispatcher)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    phone.get_by_text("无法执行此任务").click()
    decline = phone.locator("details.decline form")
    with phone.expect_response(f"**/api/v1/my/tasks/{task.pk}/decline") as refused:
        decline.get_by_role("button", name="拒绝接单").click()
    assert refused.value.status == 422
    expect(decline.locator("[data-field=reason] .field-error")).to_be_visible()
    screenshot(phone, "patroller-decline-refused-phone")
    assert Task.objects.get(pk=task.pk).status == "assigned"

    decline.locator("input[name=reason]").fill("车辆抛锚，无法前往")
    with phone.expect_request(f"**/api/v1/my/tasks/{task.pk}/decline") as declined:
        decline.get_by_role("button", name="拒绝接单").click()
    phone.wait_for_url("**/outreach/my/")
    assert declined.value.headers["idempotency-key"]
    task.refresh_from_db()
    assert task.status == "declined" and task.closed_reason == "车辆抛锚，无法前往"
    assert task.closed_client_at == datetime.datetime.fromisoformat(
        declined.value.post_data_json["client_at"])


def test_without_its_script_the_phone_names_an_empty_reason_beside_its_field(cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    task = dispatch.assign_lead(report(place="台东三路"), squad, by=cast.shinan_dispatcher)
    phone = new_page(PHONE, java_script_enabled=False)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    phone.get_by_text("无法执行此任务").click()
    phone.locator("details.decline input[name=reason]").fill("   ")
    phone.get_by_role("button", name="拒绝接单").click()
    decline = phone.locator("details.decline")
    expect(decline).to_have_attribute("open", "")
    expect(decline.locator("[data-field=reason] .field-error")).to_have_text("请说明原因。")
    screenshot(phone, "patroller-decline-refused-no-script-phone")
    assert Task.objects.get(pk=task.pk).status == "assigned"

    decline.locator("input[name=reason]").fill("车辆抛锚，无法前往")
    decline.get_by_role("button", name="拒绝接单").click()
    phone.wait_for_url("**/outreach/my/")
    assert Task.objects.get(pk=task.pk).closed_reason == "车辆抛锚，无法前往"


def test_the_phone_pages_on_a_desktop(cast, new_page, push_service):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    stocked(squad, "coat", 5)
    lead = report(people_count=1, flags=["underdressed"], place="中山路天主教堂广场",
                  description="穿得很少，坐在台阶上")
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)
    page = new_page(DESKTOP)
    log_in(page, cast.shinan_patroller.username, PASSWORD)
    expect(page.locator(f"[data-task='{task.pk}']")).to_be_visible()
    screenshot(page, "patroller-tasks-desktop")
    page.goto(f"/outreach/tasks/{task.pk}/")
    expect(page.locator(".navigate a")).to_have_count(3)
    screenshot(page, "patroller-task-desktop")


def test_on_the_scene_a_merged_report_about_someone_else_is_split_off_with_one_tap(
        cast, new_page):
    from songnuan.leads import services as leads
    from songnuan.leads.models import Lead, LeadStatus

    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    lead = report(LAT, LON, description="老大爷，穿灰色棉袄，躺在地上")
    someone_else = report(LAT + 0.003, LON, description="年轻女孩，穿红色羽绒服，站着")
    other = leads.link_duplicate(someone_else, lead, by=cast.shinan_dispatcher)
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    merged = phone.locator("ul.merged li", has_text="年轻女孩")
    expect(merged).to_be_visible()
    split = merged.get_by_role("button", name="不是现场这位")
    expect(split).to_have_count(0)  # on the way: who is there is not known yet
    phone.get_by_role("button", name="已到达").click()
    expect(split).to_be_visible()  # the brief, read again after the squad's own step
    screenshot(phone, "patroller-merged-report-phone")
    split.click()
    expect(phone.locator("#action-said")).to_contain_text(
        f"{other.tracking_code} 已拆分为单独线索")
    expect(phone.locator("ul.merged li", has_text="年轻女孩")).to_have_count(0)
    assert Lead.objects.get(pk=other.pk).status == LeadStatus.TRIAGED


def test_on_the_scene_new_reports_show_up_in_place_and_a_lead_nearby_is_taken_as_theirs(
        cast, new_page):
    """A report merged in and a lead placed nearby after the page was opened appear without
    reloading it (what is typed below stays); the squad says the nearby lead is its people."""
    from songnuan.leads import services as leads
    from songnuan.leads.models import Lead, LeadStatus

    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    lead = report(LAT, LON, description="老大爷，穿灰色棉袄，躺在地上")
    task = dispatch.arrive(dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher),
                           by=cast.shinan_patroller)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    note = phone.locator("form.encounter textarea[name=note]")
    note.fill("老大爷和两个女儿在一起，想喝热水")
    expect(phone.locator("ul.nearby")).to_have_count(0)

    again = leads.link_duplicate(report(LAT + 0.003, LON, description="灰色棉袄老人还躺在那"),
                                 lead, by=cast.shinan_dispatcher)
    nearby = report(LAT + 0.0003, LON, description="台阶上坐着两个年轻女的", people_count=2)
    on_its_way = dispatch.assign_lead(nearby, make_squad("市南救助二队"),
                                      by=cast.shinan_dispatcher)
    phone.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    expect(phone.locator("#brief-news")).to_be_visible()
    expect(phone.locator("ul.merged li", has_text="灰色棉袄老人还躺在那")).to_contain_text(
        again.tracking_code)
    item = phone.locator("ul.nearby li", has_text=nearby.tracking_code)
    expect(item).to_contain_text("市南救助二队正在处理")
    expect(note).to_have_value("老大爷和两个女儿在一起，想喝热水")
    screenshot(phone, "patroller-brief-followed-phone")

    # Said with no signal, under the bridge: the tap waits, and goes when the signal is back.
    sent = api_requests(phone)
    phone.context.set_offline(True)
    item.get_by_role("button", name="就是现场这几位").click()
    expect(phone.locator("#queue-state")).to_have_text("有 1 项操作等待网络发送")
    assert Lead.objects.get(pk=nearby.pk).status != LeadStatus.DUPLICATE
    phone.context.set_offline(False)
    expect(phone.locator("#action-said")).to_contain_text(f"{nearby.tracking_code}已并入本线索",
                                                          timeout=WAIT_S * 1000)
    expect(phone.locator("ul.merged li", has_text="台阶上坐着两个年轻女的")).to_be_visible()
    expect(note).to_have_value("老大爷和两个女儿在一起，想喝热水")  # no page load lost it
    assert [request["path"] for request in sent] == [
        f"/api/v1/my/tasks/{task.pk}/nearby/{nearby.tracking_code}/same-people"]
    assert sent[0]["key"]
    assert Lead.objects.get(pk=nearby.pk).status == LeadStatus.DUPLICATE
    assert Task.objects.get(pk=on_its_way.pk).status == "cancelled"


def test_a_task_called_back_while_its_page_is_open_says_why_and_takes_its_buttons_away(
        cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    task = dispatch.accept(dispatch.assign_lead(report(LAT, LON), squad,
                                                by=cast.shinan_dispatcher), by=None)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    note = phone.locator("form.encounter textarea[name=note]")
    note.fill("路上看到他往东走了")
    expect(phone.locator("#task-closed")).to_be_hidden()

    dispatch.cancel_task(task, by=cast.shinan_dispatcher, reason="本人已自行去救助站")
    phone.evaluate("document.dispatchEvent(new Event('visibilitychange'))")

    expect(phone.locator("#task-closed")).to_have_text("该任务已关闭：本人已自行去救助站")
    expect(phone.locator("#task-status")).to_have_text("已改派或取消")
    expect(phone.get_by_role("button", name="已到达")).to_be_hidden()
    expect(phone.locator("#brief-news")).to_be_hidden()
    expect(note).to_have_value("路上看到他往东走了")
    screenshot(phone, "patroller-task-called-back-phone")


def test_a_lead_nearby_with_its_own_squad_on_the_scene_is_refused_in_place(cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    lead = report(LAT, LON, description="老大爷，穿灰色棉袄，躺在地上")
    nearby = report(LAT + 0.0003, LON, description="台阶上坐着两个年轻女的", people_count=2)
    elsewhere = dispatch.assign_lead(nearby, make_squad("市南救助二队"),
                                     by=cast.shinan_dispatcher)
    task = dispatch.arrive(dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher),
                           by=None)
    earlier = dispatch.assign_lead(report(LAT - 0.002, LON, description="一个年轻人站着"),
                                   make_squad("市南救助三队"), by=cast.shinan_dispatcher)
    dispatch.record_encounter(earlier, dispatch.EncounterInput(
        client_request_id="earlier", outcome="refused",
        people=[dispatch.PersonMet(sex="M", age_estimate=70)]), by=None)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    expect(phone.locator("ul.met-here li")).to_contain_text("市南救助三队")
    expect(phone.locator("ul.met-here li")).to_contain_text("拒绝救助 · 1 人")
    note = phone.locator("form.encounter textarea[name=note]")
    note.fill("老大爷说女儿去买热水了")
    dispatch.arrive(elsewhere, by=None)  # the other squad got there first

    button = phone.locator("ul.nearby li", has_text=nearby.tracking_code).get_by_role(
        "button", name="就是现场这几位")
    button.click()

    refusal = phone.locator("#action-said.is-refusal")
    expect(refusal).to_have_text(f"市南救助二队已在{nearby.tracking_code}现场：请与其商定由谁记录。")
    expect(button).to_be_enabled()
    expect(phone.locator("ul.nearby li", has_text=nearby.tracking_code)).to_contain_text(
        "市南救助二队已在现场")  # the brief, read again after the refusal
    expect(note).to_have_value("老大爷说女儿去买热水了")
    screenshot(phone, "patroller-same-people-refused-phone")


def test_the_task_list_says_which_task_was_called_back_and_why(cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    task = dispatch.accept(dispatch.assign_lead(report(LAT, LON, place="青岛站东广场"), squad,
                                                by=cast.shinan_dispatcher), by=None)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)  # lands on the task list
    card = phone.locator(f"#task-list [data-task='{task.pk}']")
    expect(card).to_be_visible()
    card.evaluate("node => { node.dataset.drawnBy = 'server'; }")
    with phone.expect_response(lambda response: "/api/v1/my/changes" in response.url):
        pass  # a read with nothing new leaves the cards as drawn, so a tap lands where aimed
    expect(phone.locator("#task-list [data-drawn-by='server']")).to_have_count(1)

    dispatch.cancel_task(task, by=cast.shinan_dispatcher, reason="本人已自行去救助站")

    expect(phone.locator("#called-back")).to_have_text("已撤回：青岛站东广场（本人已自行去救助站）",
                                                       timeout=WAIT_S * 1000)
    expect(phone.locator(f"#task-list [data-task='{task.pk}']")).to_have_count(0)
    screenshot(phone, "patroller-list-called-back-phone")


def test_a_revisit_opens_from_the_list_with_what_was_found_there(cast, new_page):
    """A squad with a revisit task opens its list and the task (both failed with a server
    error while a revisit had no lead to name it by)."""
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    first = dispatch.assign_lead(report(LAT, LON, place="青岛站东广场"), squad,
                                 by=cast.shinan_dispatcher)
    dispatch.arrive(first, by=None)
    dispatch.record_encounter(first, dispatch.EncounterInput(
        client_request_id="refused-first", outcome="refused",
        people=[dispatch.PersonMet(sex="M", age_estimate=60)]), by=None)
    revisit = dispatch.assign_follow_up(first.encounters.get().follow_ups.get(), squad,
                                        by=cast.shinan_dispatcher)
    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto("/outreach/my/")
    card = phone.locator(f"#task-list [data-task='{revisit.pk}'] a")
    expect(card).to_contain_text("青岛站东广场")
    # Followed by its address rather than tapped: the list redraws itself from the change feed
    # once it has loaded, and a tap in that instant may land on the card being replaced.
    phone.goto(card.get_attribute("href"))
    expect(phone.locator("section.lead-brief")).to_contain_text("回访：无名人员")
    expect(phone.locator("ul.met-here li")).to_contain_text("拒绝救助 · 1 人")
    screenshot(phone, "patroller-revisit-phone")
