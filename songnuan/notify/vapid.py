"""The VAPID key pair that signs this server's Web Push requests (RFC 8292).

Production sets `VAPID_PUBLIC_KEY` and `VAPID_PRIVATE_KEY` (URL-safe base64 of the raw P-256
keys); without them a pair is generated once into `var/vapid.json`, as the demo does, so every
process of one installation signs with the same key and browsers' subscriptions stay valid.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02


@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # the browser's applicationServerKey
    private_key: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate() -> VapidKeys:
    vapid = Vapid02()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(serialization.Encoding.X962,
                                           serialization.PublicFormat.UncompressedPoint)
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(public_key=_b64(public), private_key=_b64(private))


def key_file() -> Path:
    return Path(settings.VAR_DIR) / "vapid.json"


def ensure_key_file() -> VapidKeys:
    """The keys in `var/vapid.json`, written first if missing (never overwritten: browsers
    subscribed with the public key)."""
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = generate()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"public_key": keys.public_key,
                                         "private_key": keys.private_key}))
        os.chmod(temporary, 0o600)
        temporary.replace(path)
    data = json.loads(path.read_text())
    return VapidKeys(public_key=data["public_key"], private_key=data["private_key"])


@cache
def keys() -> VapidKeys:
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return VapidKeys(settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY)
    return ensure_key_file()


def signer() -> Vapid02:
    """Signs with RFC 8292 headers ("vapid t=…, k=…"), the form aes128gcm pushes use."""
    return Vapid02.from_raw(keys().private_key.encode())
