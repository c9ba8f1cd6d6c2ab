"""`POST /api/v1/camera-detections`: detections pushed by camera owners' platforms."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import APIKeyHeader

from songnuan.api.responses import ErrorOut
from songnuan.cameras import services, signing
from songnuan.cameras.schemas import DetectionAck, DetectionIn
from songnuan.refusals import Refused

router = Router(tags=["cameras"])


class CameraSignature(APIKeyHeader):
    """The owner's HMAC signature, checked against the raw body before anything is read."""

    param_name = signing.SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        try:
            body = request.body
        except RequestDataTooBig:
            raise Refused(_("The request is too large."), "snapshot", "too_large") from None
        return signing.verify(request.headers, body)


@router.post("/camera-detections", auth=CameraSignature(),
             response={200: DetectionAck, 201: DetectionAck, 401: ErrorOut, 409: ErrorOut,
                       422: ErrorOut})
def receive_detection(request: HttpRequest, payload: DetectionIn):
    """A camera owner's platform sends a person it detected, with the snapshot.

    Sign every sending with the owner's shared secret:

    - `X-Camera-Key`: the owner's key id;
    - `X-Camera-Timestamp`: Unix seconds when signed (at most 5 minutes from our clock);
    - `X-Camera-Signature`: hex HMAC-SHA256 of `"<timestamp>." + raw body`.

    In Python: `hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()`.

    `201` for a new detection, `200` with the first answer when the same `event_id` comes
    again with the same content (sign the resend afresh: the same signature twice is a
    replay, `409`). A bad signature or a stale timestamp is `401`; an unknown camera, a
    snapshot that is not a JPEG or PNG or is over the size limit, a box outside the picture
    are `422` naming the field. Nothing is stored on a refusal. The camera's privacy masks are
    applied and faces blurred before the picture is stored; a person only inside masked areas
    is acknowledged as `masked` and kept no picture of.
    """
    data = services.DetectionInput(
        event_id=payload.event_id, camera=payload.camera, captured_at=payload.captured_at,
        label=payload.label, confidence=payload.confidence, boxes=payload.boxes,
        snapshot_base64=payload.snapshot)
    detection, created = services.receive(
        request.auth, data, request.headers.get(signing.SIGNATURE_HEADER, "").strip().lower())
    return Status(201 if created else 200, {
        "detection_id": detection.pk, "event_id": detection.event_id,
        "status": detection.status, "received_at": detection.received_at})
