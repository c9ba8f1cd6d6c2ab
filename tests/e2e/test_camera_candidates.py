"""A camera's detection in the browser: the owner's platform posts it over HTTP, the candidate
waits in the dispatcher's queue with the face blurred, the dispatcher confirms it, the lead is on
the dispatch board with the picture, and the patroller sent there sees it on the task page."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import requests
from PIL import Image
from playwright.sync_api import expect

from songnuan.cameras import signing
from songnuan.cameras.models import CandidateStatus, Detection
from songnuan.leads.models import Source
from songnuan.outreach import dispatch
from tests.cameras.factories import FIGURE_AT, URL, make_camera, make_owner, payload
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.outreach.factories import make_squad


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEATHER_FALLBACK_TEMPERATURE_C = -7


def face_detail(png: bytes) -> float:
    """How much detail the figure's face shows in a picture as the browser received it."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    left, top = FIGURE_AT
    face = pixels[top + 80:top + 170, left + 90:left + 180]
    return float(np.abs(np.diff(face, axis=1)).mean())


def test_a_camera_detection_is_confirmed_into_a_lead_on_the_board(cast, new_page, live_server):
    owner, secret = make_owner("市南区城市管理局")
    make_camera(owner)
    body = json.dumps(payload()).encode()
    response = requests.post(live_server.url + URL, data=body, timeout=30, headers={
        "Content-Type": "application/json", **signing.signed_headers(owner.key_id, secret, body)})
    assert response.status_code == 201, response.text
    candidate = Detection.objects.get()

    page = new_page(DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/outreach/board/")
    page.get_by_role("link", name="摄像头待核实").first.click()
    card = page.locator(f"#candidate-{candidate.pk}")
    expect(card).to_contain_text("青岛站东广场地下通道 3号")
    expect(card).to_contain_text("有人躺卧")
    expect(card).to_contain_text("-7")
    picture = card.locator("img")
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") == 1280
    with candidate.clear_picture.open("rb") as clear:
        clear_detail = face_detail(clear.read())
    blurred = page.request.get(picture.get_attribute("src")).body()
    assert face_detail(blurred) < clear_detail / 3  # what the dispatcher sees is blurred
    assert card.get_by_text("查看未模糊的图片").count() == 0  # no sensitive permission
    screenshot(page, "cameras-queue-1366x900")

    phone = new_page(PHONE)
    log_in(phone, cast.shinan_dispatcher.username, PASSWORD)
    phone.goto("/cameras/candidates/")
    expect(phone.locator(f"#candidate-{candidate.pk} img")).to_have_js_property("complete", True)
    screenshot(phone, "cameras-queue-390x844")

    card.get_by_role("button", name="确认：生成线索").click()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED
    lead = candidate.lead
    assert lead.source == Source.CAMERA
    expect(page.locator(".messages")).to_contain_text(lead.tracking_code)
    expect(page.locator(f"#candidate-{candidate.pk}")).to_have_count(0)

    page.goto("/outreach/board/")
    row = page.locator(f".queue-item[data-lead='{lead.tracking_code}']")
    expect(row).to_contain_text("青岛站东广场地下通道 3号")
    thumb = row.locator("img.lead-thumb")
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("img => img.naturalWidth") > 0
    screenshot(page, "cameras-board-1366x900")

    squad = make_squad(members=[cast.shinan_patroller])
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)
    patrol = new_page(PHONE)
    log_in(patrol, cast.shinan_patroller.username, PASSWORD)
    patrol.goto(f"/outreach/tasks/{task.pk}/")
    photo = patrol.locator(".photos img").first
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0
    screenshot(patrol, "cameras-patroller-task-390x844")
