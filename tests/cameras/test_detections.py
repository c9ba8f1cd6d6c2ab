"""The vendor endpoint: signing, replay, idempotency, refusals that store nothing, masks applied
and faces blurred before anything is stored."""

from __future__ import annotations

import base64
import datetime
import io
import json
import time

import numpy as np
import pytest
from django.utils import timezone
from PIL import Image

from songnuan.cameras import signing
from songnuan.cameras.models import Camera, CandidateStatus, Detection, UsedSignature
from songnuan.images import carries_metadata
from songnuan.tracing import faces
from tests.cameras.factories import FIGURE_AT, make_camera, make_owner, payload, scene, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_and_secret():
    owner, secret = make_owner()
    make_camera(owner)
    return owner, secret


def nothing_stored() -> bool:
    return not Detection.objects.exists() and not UsedSignature.objects.exists()


def test_a_signed_detection_is_stored_as_a_pending_candidate(client, owner_and_secret):
    owner, secret = owner_and_secret
    response = send(client, owner, secret, payload())
    assert response.status_code == 201, response.json()
    detection = Detection.objects.get()
    assert response.json()["detection_id"] == detection.pk
    assert detection.status == CandidateStatus.PENDING
    assert (detection.width, detection.height) == (1280, 720)
    camera = Camera.objects.get()
    assert camera.last_picture_at == detection.captured_at == camera.last_detection_at


def test_it_refuses_a_bad_signature(client, owner_and_secret):
    owner, _secret = owner_and_secret
    response = send(client, owner, "not-the-secret", payload())
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "X-Camera-Signature"
    assert nothing_stored()


def test_it_refuses_a_body_changed_after_signing(client, owner_and_secret):
    owner, secret = owner_and_secret
    body = payload()
    raw = json.dumps(body).encode()
    headers = signing.signed_headers(owner.key_id, secret, raw)
    tampered = raw.replace(b'"lying"', b'"person"')
    response = client.post("/api/v1/camera-detections", tampered,
                           content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert nothing_stored()


def test_it_refuses_an_unknown_key_and_a_stale_timestamp(client, owner_and_secret):
    owner, secret = owner_and_secret
    response = send(client, owner, secret, payload(), headers={"X-Camera-Key": "cam_nobody"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "X-Camera-Key"
    response = send(client, owner, secret, payload(), at=time.time() - 600)
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "X-Camera-Timestamp"
    assert response.json()["errors"][0]["type"] == "stale"
    assert "时钟" in response.json()["message"]
    assert nothing_stored()


def test_a_replayed_request_is_refused(client, owner_and_secret):
    owner, secret = owner_and_secret
    raw = json.dumps(payload()).encode()
    headers = signing.signed_headers(owner.key_id, secret, raw)
    first = client.post("/api/v1/camera-detections", raw, content_type="application/json",
                        headers=headers)
    again = client.post("/api/v1/camera-detections", raw, content_type="application/json",
                        headers=headers)
    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["errors"][0]["type"] == "replay"
    assert Detection.objects.count() == 1


def test_a_resent_event_signed_afresh_gets_the_same_answer(client, owner_and_secret):
    owner, secret = owner_and_secret
    body = payload()
    first = send(client, owner, secret, body, at=time.time() - 5)
    again = send(client, owner, secret, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Detection.objects.count() == 1


def test_the_same_event_id_with_other_content_is_a_conflict(client, owner_and_secret):
    owner, secret = owner_and_secret
    body = payload()
    send(client, owner, secret, body, at=time.time() - 5)
    response = send(client, owner, secret, body | {"confidence": 0.3})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "event_id"
    assert Detection.objects.get().confidence == 0.9


@pytest.mark.parametrize(("change", "field", "type_"), [
    ({"camera": "NO-SUCH-CAMERA"}, "camera", "unknown_camera"),
    ({"snapshot": base64.b64encode(b"%PDF-1.4 not a picture").decode()}, "snapshot",
     "not_image"),
    ({"snapshot": "this is not base64!"}, "snapshot", "not_base64"),
    ({"boxes": [[1200, 600, 200, 200]]}, "boxes.0", "outside"),
    ({"boxes": [[10, 10, 50, 50], [-5, 0, 10, 10]]}, "boxes.1", "outside"),
])
def test_bad_input_is_refused_by_field_and_nothing_is_stored(client, owner_and_secret, change,
                                                              field, type_):
    owner, secret = owner_and_secret
    response = send(client, owner, secret, payload(**change))
    assert response.status_code == 422, response.json()
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["errors"][0]["type"] == type_
    assert nothing_stored()


def test_a_gif_is_not_accepted(client, owner_and_secret):
    owner, secret = owner_and_secret
    out = io.BytesIO()
    Image.new("RGB", (64, 64)).save(out, "GIF")
    response = send(client, owner, secret, payload(snapshot=base64.b64encode(out.getvalue())
                                                   .decode()))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "snapshot"


def test_a_snapshot_over_the_limit_is_refused(client, owner_and_secret, settings):
    settings.CAMERAS_SNAPSHOT_MAX_BYTES = 20_000
    owner, secret = owner_and_secret
    response = send(client, owner, secret, payload())
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "too_large"
    assert nothing_stored()


def test_a_camera_of_another_owner_is_unknown(client, owner_and_secret):
    owner, secret = owner_and_secret
    other, _ = make_owner("青岛地铁运营有限公司")
    make_camera(other, code="METRO-01")
    response = send(client, owner, secret, payload(camera="METRO-01"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "camera"


def stored(detection: Detection, name: str) -> np.ndarray:
    with getattr(detection, name).open("rb") as handle:
        return np.asarray(Image.open(io.BytesIO(handle.read())).convert("RGB")).astype(int)


def test_masks_are_applied_before_the_picture_is_stored(client):
    owner, secret = make_owner()
    # A mask over the lit window on the right of the picture.
    make_camera(owner, masks=[[0.75, 0.0, 0.25, 0.5]])
    picture = Image.open(io.BytesIO(scene())).convert("RGB")
    picture.paste((255, 255, 255), (1000, 20, 1260, 340))
    out = io.BytesIO()
    picture.save(out, "PNG")
    response = send(client, owner, secret, payload(
        snapshot=base64.b64encode(out.getvalue()).decode()))
    assert response.status_code == 201
    detection = Detection.objects.get()
    for name in ("picture", "clear_picture"):
        pixels = stored(detection, name)
        assert pixels[20:340, 1000:1260].max() < 30  # painted over, in both copies
        assert pixels[400:700, 0:400].mean() > 30  # the rest is still the scene


def test_a_person_only_under_a_mask_leaves_no_picture(client):
    owner, secret = make_owner()
    make_camera(owner, masks=[[0.3, 0.3, 0.4, 0.7]])
    response = send(client, owner, secret, payload())
    assert response.status_code == 201
    assert response.json()["status"] == "masked"
    detection = Detection.objects.get()
    assert not detection.picture and not detection.clear_picture and detection.boxes == []


def test_the_stored_picture_has_no_metadata(client, owner_and_secret):
    owner, secret = owner_and_secret
    picture = Image.open(io.BytesIO(scene()))
    exif = Image.Exif()
    exif[0x010F] = "HIKVISION"  # Make
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, comment=b"DS-2CD")
    send(client, owner, secret, payload(snapshot=base64.b64encode(out.getvalue()).decode()))
    detection = Detection.objects.get()
    for name in ("picture", "clear_picture"):
        with getattr(detection, name).open("rb") as handle:
            assert not carries_metadata(handle.read())


@pytest.mark.skipif(not faces.available(), reason="face detection needs the faces extra")
def test_the_face_is_blurred_on_the_stored_picture_and_kept_on_the_clear_copy(
        client, owner_and_secret):
    owner, secret = owner_and_secret
    send(client, owner, secret, payload())
    detection = Detection.objects.get()
    assert detection.faces_found >= 1
    left, top = FIGURE_AT
    face = (slice(top + 80, top + 170), slice(left + 90, left + 180))
    blurred, clear = stored(detection, "picture"), stored(detection, "clear_picture")
    # Blurring takes the detail out: neighbouring pixels differ far less than on the clear copy.
    detail = lambda pixels: np.abs(np.diff(pixels[face], axis=1)).mean()  # noqa: E731
    assert detail(blurred) < detail(clear) / 3
    # Away from the face both copies are the same picture.
    body = (slice(top + 250, top + 290), slice(left + 20, left + 230))
    assert np.abs(blurred[body] - clear[body]).mean() < 6


def test_without_a_found_face_the_head_of_the_box_is_blurred(client, owner_and_secret):
    owner, secret = owner_and_secret
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)  # detail everywhere, no face
    out = io.BytesIO()
    Image.fromarray(noise).save(out, "PNG")
    send(client, owner, secret, payload(snapshot=base64.b64encode(out.getvalue()).decode(),
                                        boxes=[[100, 100, 200, 375]]))
    detection = Detection.objects.get()
    assert detection.faces_found == 0
    blurred = stored(detection, "picture")
    detail = lambda region: np.abs(np.diff(blurred[region], axis=1)).mean()  # noqa: E731
    head, legs = (slice(110, 230), slice(110, 290)), (slice(360, 470), slice(110, 290))
    assert detail(head) < detail(legs) / 3


def test_pictures_of_one_place_within_minutes_make_one_stay(client, owner_and_secret):
    owner, secret = owner_and_secret
    start = timezone.now() - datetime.timedelta(minutes=40)
    for minutes in (0, 15, 30):
        send(client, owner, secret,
             payload(captured_at=(start + datetime.timedelta(minutes=minutes)).isoformat()))
    latest = Detection.objects.order_by("captured_at").last()
    assert latest.stay_minutes == 30


def test_the_openapi_documents_the_endpoint_with_an_example(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/camera-detections"]["post"]
    assert "X-Camera-Timestamp" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["examples"][0]["label"] == "lying"
