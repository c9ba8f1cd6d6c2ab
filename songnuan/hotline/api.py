"""`POST /api/v1/hotline/recordings`: call recordings sent by the call-centre system."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import APIKeyHeader

from songnuan.api.responses import ErrorOut
from songnuan.hotline import connector, services

router = Router(tags=["hotline"])


class RecordingAck(Schema):
    recording_id: int
    call_id: int
    size: int
    kept_until: str


class ConnectorSignature(APIKeyHeader):
    """The connector's HMAC signature, checked against the raw body before anything is kept.
    The body is read here once, at most one byte over the size limit."""

    param_name = connector.SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        limit = settings.HOTLINE_RECORDING_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise services.too_large()
        body = request.read(limit + 1)
        if len(body) > limit:
            raise services.too_large()
        request.hotline_body = body
        return connector.verify(request.headers, request.GET.get("call", ""), body)


@router.post("/hotline/recordings", auth=ConnectorSignature(),
             response={201: RecordingAck, 401: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def receive_recording(request: HttpRequest, call: str, name: str = ""):
    """The call-centre system sends the recording of a logged call.

    The body is the audio file itself (WAV, MP3, AMR, Ogg or M4A; at most
    `HOTLINE_RECORDING_MAX_BYTES`, 50 MB unless configured), any `Content-Type`; the call is
    named by the query: `?call=<call id>&name=<original file name>`.

    Sign every sending with the installation's connector secret (`HOTLINE_CONNECTOR_SECRET`):

    - `X-Hotline-Timestamp`: Unix seconds when signed (at most 5 minutes from our clock);
    - `X-Hotline-Signature`: hex HMAC-SHA256 of `"<timestamp>.<call id>." + raw body`.

    In Python: `hmac.new(secret.encode(), f"{ts}.{call}.".encode() + body,
    hashlib.sha256).hexdigest()`.

    `201` with the recording's id and the time it is kept until (the retention period from
    the call). A bad signature or a stale timestamp is `401`; the same signed request twice is
    a replay, `409` (sign a resend afresh). A body that is not audio, is empty or over the size
    limit, or a call that is not logged are `422` naming the reason. Nothing is stored on a
    refusal.
    """
    recording = services.receive(call, request.hotline_body, request.auth)
    return Status(201, {"recording_id": recording.pk, "call_id": recording.call_id,
                        "size": recording.size, "kept_until": recording.keep_until.isoformat()})


