"""Calls and recordings as the hotline desk and the call-centre system make them."""

from __future__ import annotations

import datetime
import struct

from django.utils import timezone

from songnuan.hotline import services
from songnuan.hotline.models import CallKind

AT = timezone.make_aware(datetime.datetime(2026, 12, 4, 22, 15))


def wav(seconds: float = 0.1) -> bytes:
    """A small real WAV file: 8 kHz mono 16-bit silence."""
    samples = b"\x00\x00" * int(8000 * seconds)
    header = b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(samples)) + samples


def log(by, *, at=AT, kind=CallKind.REPORT, phone="13805321234", duration=95, note="", **more):
    data = services.CallInput(started_at=at, kind=kind, duration_s=duration, caller_phone=phone,
                              note=note, **more)
    return services.log_call(data, by=by, now=at + datetime.timedelta(minutes=5))
