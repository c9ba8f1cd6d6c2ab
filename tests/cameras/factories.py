"""Builders for camera tests: an owner with its secret, a camera over 青岛站, a signed sending
with a real picture (Grace Hopper's public-domain portrait standing in a dark underpass)."""

from __future__ import annotations

import base64
import io
import json
import uuid
from pathlib import Path

from django.utils import timezone
from PIL import Image

from songnuan.cameras import services, signing
from songnuan.cameras.models import Camera, CameraOwner, OwnerKind
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE

PORTRAIT = Path(__file__).parents[1] / "tracing" / "data" / "grace_hopper.jpg"
URL = "/api/v1/camera-detections"
# Where the portrait stands in the 1280×720 scene, and the person box around it.
FIGURE_AT = (500, 300)
PERSON_BOX = [480, 280, 300, 440]


def make_owner(name: str = "市南区城市管理局", kind: str = OwnerKind.URBAN_MANAGEMENT
               ) -> tuple[CameraOwner, str]:
    return services.create_owner(name, kind, by=None)


def make_camera(owner: CameraOwner, code: str = "SN-ZQ-003", name: str = "青岛站东广场地下通道 3号",
                at: tuple[float, float] = SHINAN_STATION_SQUARE, masks=None) -> Camera:
    from songnuan.network.geography import district_for_point

    return Camera.objects.create(code=code, name=name, owner=owner, lat=at[0], lon=at[1],
                                 district=district_for_point(*at), masks=masks or [])


def laoshan_camera(owner: CameraOwner) -> Camera:
    return make_camera(owner, code="LS-ZC-001", name="张村河桥下", at=LAOSHAN_ZHANGCUN)


def scene(fmt: str = "JPEG") -> bytes:
    """A 1280×720 night scene with a person whose face dlib can find."""
    picture = Image.new("RGB", (1280, 720), (40, 40, 50))
    with Image.open(PORTRAIT) as portrait:
        picture.paste(portrait.convert("RGB").resize((256, 300)), FIGURE_AT)
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def payload(camera: str = "SN-ZQ-003", **fields) -> dict:
    body = {"event_id": uuid.uuid4().hex, "camera": camera,
            "captured_at": timezone.now().isoformat(), "label": "lying", "confidence": 0.9,
            "boxes": [PERSON_BOX], "snapshot": base64.b64encode(scene()).decode()}
    body.update(fields)
    return body


def send(client, owner: CameraOwner, secret: str, body: dict | bytes, at: float | None = None,
         headers: dict | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signed = signing.signed_headers(owner.key_id, secret, raw, at=at)
    signed.update(headers or {})
    return client.post(URL, raw, content_type="application/json", headers=signed)
