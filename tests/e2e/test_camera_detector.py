"""Our own detector in the browser: staff upload two pictures of a still person from a camera
without AI, ten minutes apart; the worker searches them and the candidate waits in the queue
saying how long the person has been still."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from benchmarks.detector.frames import background, with_person
from songnuan.cameras.models import Detection, FeedKind, FoundBy
from tests.cameras.factories import make_camera, make_owner
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEATHER_FALLBACK_TEMPERATURE_C = -9
    settings.CAMERAS_STILL_MINUTES = 10


def _snapshot(tmp_path, name: str) -> str:
    scene, _box = with_person(background(4), (380, 250), 150, lying=True)
    path = tmp_path / name
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return str(path)


def _upload(page, camera, picture: str, taken: datetime.datetime) -> None:
    page.goto(f"/cameras/{camera.pk}/snapshot/")
    page.set_input_files("input[name=picture]", picture)
    page.fill("input[name=taken_at]", f"{timezone.localtime(taken):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="提交识别").click()
    expect(page.locator(".messages")).to_contain_text("图片已收到")
    call_command("db_worker", "--batch", "--queue-name=*", "--no-startup-delay", verbosity=0)


def test_two_pictures_of_a_still_person_make_a_candidate(cast, new_page, tmp_path):
    owner, _secret = make_owner("市南区城市管理局")
    camera = make_camera(owner, code="SN-ZS-002", name="中山路地下通道 2号")
    camera.feed_kind = FeedKind.MANUAL_UPLOAD
    camera.active_from, camera.active_until = datetime.time(0, 0), datetime.time(23, 59, 59)
    camera.save()
    picture = _snapshot(tmp_path, "underpass.jpg")
    now = timezone.now().replace(second=0, microsecond=0)

    page = new_page(DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/cameras/")
    expect(page.locator("#camera-map")).to_have_attribute("data-loaded", "1")
    screenshot(page, "cameras-list-map-1366x900")
    page.get_by_role("link", name="上传图片").click()
    _upload(page, camera, picture, now - datetime.timedelta(minutes=10))
    assert Detection.objects.count() == 0  # one picture says nothing of stillness
    _upload(page, camera, picture, now)
    candidate = Detection.objects.get()
    assert candidate.found_by == FoundBy.DETECTOR

    page.goto("/cameras/candidates/")
    card = page.locator(f"#candidate-{candidate.pk}")
    expect(card).to_contain_text("静止 10 分钟")
    expect(card).to_contain_text("本系统识别")
    expect(card).to_contain_text("中山路地下通道 2号")
    expect(card.locator("img")).to_have_js_property("complete", True)
    screenshot(page, "cameras-detector-queue-1366x900")

    phone = new_page(PHONE)
    log_in(phone, cast.shinan_dispatcher.username, PASSWORD)
    phone.goto("/cameras/candidates/")
    expect(phone.locator(f"#candidate-{candidate.pk}")).to_contain_text("静止 10 分钟")
    expect(phone.locator(f"#candidate-{candidate.pk} img")).to_have_js_property("complete", True)
    screenshot(phone, "cameras-detector-queue-390x844")
