"""A patroller's night on the phone: a new task appears on the open list within seconds; with the
page closed, the server's push reaches the (local) push service and the service worker shows it;
the task page shows what the reporter saw and where to drive; accepting and arriving work with no
signal and land with their own times; an encounter refused for a missing site loses nothing."""

from __future__ import annotations

import json
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
    context.set_offline(True)
    phone.reload()
    expect(phone.locator("#offline-state")).to_be_visible()
    phone.get_by_role("button", name="接单").click()
    phone.get_by_role("button", name="已到达").click()
    expect(phone.locator("#queue-state")).to_have_text("有 2 项操作等待网络发送")
    screenshot(phone, "patroller-task-offline-phone")
    time.sleep(1)  # so that "sent later" is visibly later than "tapped"
    back_online = timezone.now()
    context.set_offline(False)
    expect(phone.locator("#task-status")).to_have_text("已到达", timeout=WAIT_S * 1000)
    task.refresh_from_db()
    # The server took them when the phone was back; each keeps the time it was tapped.
    assert task.accepted_client_at < back_online and task.arrived_client_at < back_online
    assert task.accepted_client_at <= task.arrived_client_at <= task.arrived_at

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
    form.get_by_role("button", name="提交记录").click()

    expect(phone.locator("#encounter-error")).to_contain_text("请选择护送前往的站点")
    form = phone.locator("form.encounter")
    expect(form.locator("input[name=outcome][value=escorted]")).to_be_checked()
    expect(form.locator("select[name=p0-sex]")).to_have_value("F")
    expect(form.locator("input[name=p0-age]")).to_have_value("78")
    expect(form.locator("input[name=p0-name]")).to_have_value("刘秀英")
    expect(form.locator(".file-name").first).to_have_text("您拍的照片已保留。")
    expect(form.locator(f"input[name=p0-item-{coat.pk}]")).to_have_value("1")
    expect(form.locator("input[name=p1-age]")).to_have_value("80")
    expect(form.locator("input[name=p1-name]")).to_have_value("刘德福")
    expect(form.locator("textarea[name=note]")).to_have_value("老两口，都不愿分开")
    expect(form.locator("label.escort")).to_have_class("escort has-error is-required")
    screenshot(phone, "patroller-encounter-refused-phone")

    form.locator("select[name=site]").select_option(str(cast.shinan_substation.pk))
    form.get_by_role("button", name="提交记录").click()
    phone.wait_for_url("**/outreach/my/")
    encounter = Encounter.objects.get()
    assert sorted(encounter.people.values_list("person__self_name", flat=True)) == [
        "刘德福", "刘秀英"]
    assert encounter.site == cast.shinan_substation and encounter.note == "老两口，都不愿分开"
    assert PersonPhoto.objects.filter(person__self_name="刘秀英").count() == 1
    assert Task.objects.get(pk=task.pk).status == "done"


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
