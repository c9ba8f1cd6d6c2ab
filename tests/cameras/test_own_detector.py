"""Our own detector: masks blacked out before the search, people found standing and lying,
a person still at the same place for N minutes at night becomes one candidate in the usual
queue, a passer-by never does, and snapshot URLs are polled only during active hours."""

from __future__ import annotations

import base64
import datetime
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from benchmarks.detector.frames import background, with_person
from songnuan.cameras import detector, services, snapshots
from songnuan.cameras.models import (
    CandidateStatus,
    Detection,
    FeedKind,
    FoundBy,
    Label,
    Track,
)
from songnuan.cameras.pictures import Box
from songnuan.refusals import Refused
from tests.cameras.factories import make_camera, make_owner

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
NIGHT = datetime.datetime(2026, 12, 6, 2, 0, tzinfo=LOCAL)
NOON = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def _ten_minutes_still(settings):
    settings.CAMERAS_STILL_MINUTES = 10
    settings.CAMERAS_TRACK_GAP_MINUTES = 15


@pytest.fixture
def camera():
    owner, _secret = make_owner()
    return make_camera(owner, code="SN-DX-001", name="大学路桥下")


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def test_it_finds_a_standing_person_and_a_lying_one_where_they_are():
    standing, box = with_person(background(1), (300, 120), 180)
    [found] = detector.find_people(standing, 0.5)
    assert not found.lying and detector.iou(found.box, Box(*box)) > 0.3
    lying, box = with_person(background(2), (420, 300), 150, lying=True)
    [found] = detector.find_people(lying, 0.5)
    assert found.lying and detector.iou(found.box, Box(*box)) > 0.3
    assert detector.find_people(background(3), 0.5) == []


def test_the_masks_are_blacked_out_before_the_search(camera):
    camera.masks = [[0.25, 0.1, 0.35, 0.8]]  # over the figure
    camera.save()
    scene, _box = with_person(background(1), (300, 120), 180)
    assert detector.find_people(scene, 0.5)  # the person is there to be found
    for step in range(3):
        assert snapshots.analyse(camera, scene, NIGHT + minutes(5 * step)) == []
    assert Track.objects.count() == 0
    masked = Image.open(io.BytesIO(base64.b64decode(
        snapshots.upload(_uploadable(camera), png(scene), NIGHT))))
    assert masked.getpixel((400, 300)) == (0, 0, 0)  # what the worker receives is masked


def _uploadable(camera):
    camera.feed_kind = FeedKind.MANUAL_UPLOAD
    camera.save()
    return camera


def test_a_person_still_for_ten_minutes_at_night_becomes_one_candidate(camera, cast):
    scene, _box = with_person(background(1), (300, 200), 160, lying=True)
    assert snapshots.analyse(camera, scene, NIGHT) == []
    assert snapshots.analyse(camera, scene, NIGHT + minutes(5)) == []
    [candidate] = snapshots.analyse(camera, scene, NIGHT + minutes(10))
    assert candidate.found_by == FoundBy.DETECTOR
    assert candidate.label == Label.LYING and candidate.status == CandidateStatus.PENDING
    assert candidate.stay_minutes == 10 and candidate.picture
    assert snapshots.analyse(camera, scene, NIGHT + minutes(15)) == []  # one per stay
    assert [d.pk for d in services.queue(cast.shinan_dispatcher)] == [candidate.pk]
    camera.refresh_from_db()
    assert camera.last_picture_at == NIGHT + minutes(15)


def test_a_passer_by_never_becomes_a_candidate(camera):
    for step in range(8):  # 35 minutes of people walking through, never twice at one place
        scene, _box = with_person(background(step), (60 + 110 * step, 150), 170)
        assert snapshots.analyse(camera, scene, NIGHT + minutes(5 * step)) == []
    assert Detection.objects.count() == 0
    assert Track.objects.count() == 8
    assert set(Track.objects.values_list("snapshots", flat=True)) == {1}


def test_someone_who_left_and_came_back_starts_a_new_stay(camera):
    scene, _box = with_person(background(1), (300, 120), 180)
    snapshots.analyse(camera, scene, NIGHT)
    snapshots.analyse(camera, background(1), NIGHT + minutes(5))  # gone
    assert snapshots.analyse(camera, scene, NIGHT + minutes(25)) == []  # back after the gap
    assert Track.objects.count() == 2


def test_no_candidate_outside_the_active_hours(camera):
    scene, _box = with_person(background(1), (300, 120), 180)
    for step in range(4):
        assert snapshots.analyse(camera, scene, NOON + minutes(5 * step)) == []
    assert Track.objects.get().snapshots == 4


def test_an_upload_for_a_camera_whose_owner_sends_detections_is_refused(camera):
    scene, _box = with_person(background(1), (300, 120), 180)
    with pytest.raises(Refused):
        snapshots.upload(camera, png(scene), NIGHT)
    with pytest.raises(Refused):
        snapshots.upload(_uploadable(camera), b"not a picture", NIGHT)


class _Snapshots(BaseHTTPRequestHandler):
    body = b""
    requests = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def snapshot_server():
    scene, _box = with_person(background(1), (300, 120), 180)
    _Snapshots.body, _Snapshots.requests = png(scene), 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Snapshots)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/snapshot.png"
    server.shutdown()
    server.server_close()


def test_polling_fetches_snapshots_only_in_the_active_hours(camera, snapshot_server,
                                                           camera_network_at_loopback):
    camera.feed_kind, camera.snapshot_url = FeedKind.SNAPSHOT_URL, snapshot_server
    camera.save()
    assert snapshots.cameras_to_poll(NOON) == []
    assert snapshots.poll(camera, NOON) == []
    assert _Snapshots.requests == 0
    assert snapshots.cameras_to_poll(NIGHT) == [camera]
    for step in range(3):
        found = snapshots.poll(camera, NIGHT + minutes(5 * step))
    assert _Snapshots.requests == 3
    assert len(found) == 1 and found[0].found_by == FoundBy.DETECTOR


def test_a_camera_that_does_not_answer_is_left_to_the_silence_flag(camera, settings,
                                                                   camera_network_at_loopback):
    settings.CAMERAS_POLL_TIMEOUT_S = 0.5
    camera.feed_kind, camera.snapshot_url = FeedKind.SNAPSHOT_URL, "http://127.0.0.1:9/none.jpg"
    camera.save()
    assert snapshots.poll(camera, NIGHT) == []
    camera.refresh_from_db()
    assert camera.last_picture_at is None
    assert camera.fetch_problem == "未能连接摄像头。"


def test_the_upload_page_queues_a_picture_and_keeps_the_time_on_error(camera, cast, client,
                                                                      django_capture_on_commit_callbacks):
    _uploadable(camera)
    client.force_login(cast.shinan_dispatcher)
    url = f"/cameras/{camera.pk}/snapshot/"
    bad = client.post(url, {"taken_at": "2026-12-06T02:00",
                            "picture": _file(b"not a picture", "x.jpg")})
    assert bad.status_code == 422
    assert 'value="2026-12-06T02:00"' in bad.content.decode()
    assert Track.objects.count() == 0
    scene, _box = with_person(background(1), (300, 120), 180)
    good = client.post(url, {"taken_at": "2026-12-06T02:00", "picture": _file(png(scene), "a.png")})
    assert good.status_code == 302


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_lying_person_without_a_found_face_is_blurred_at_both_ends():
    from songnuan.cameras.pictures import head_regions

    assert head_regions(Box(100, 200, 300, 100)) == [(100, 200, 205, 300), (295, 200, 400, 300)]
    assert head_regions(Box(100, 200, 100, 300)) == [(100, 200, 200, 305)]


def test_tracks_of_stays_long_over_are_forgotten(camera):
    scene, _box = with_person(background(1), (300, 120), 180)
    snapshots.analyse(camera, scene, NIGHT)
    snapshots.analyse(camera, scene, NIGHT + datetime.timedelta(days=3))
    assert snapshots.forget_old_tracks(now=NIGHT + datetime.timedelta(days=3)) == 1
    assert Track.objects.get().first_seen_at == NIGHT + datetime.timedelta(days=3)
