"""Field encryption for ID numbers: Fernet (AES-128-CBC with HMAC-SHA256) for the value and an
HMAC-SHA256 keyed hash for exact lookup, both from keys derived with HKDF.

The keys come from FIELD_ENCRYPTION_KEY (comma-separated; the first encrypts and hashes, the
others still decrypt, so a key can be rotated) or, without one, from SECRET_KEY — allowed for the
demo, DEBUG and the tests only: production must set its own key (a system check refuses to start
without it), since changing SECRET_KEY would otherwise leave every stored number unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENCRYPTION_INFO = b"songnuan field encryption v1"
LOOKUP_INFO = b"songnuan field lookup v1"


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def _materials() -> tuple[str, ...]:
    configured = tuple(
        part.strip() for part in (settings.FIELD_ENCRYPTION_KEY or "").split(",") if part.strip()
    )
    if configured:
        return configured
    if not settings.FIELD_ENCRYPTION_KEY_MAY_DERIVE:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEY to store or read ID numbers.")
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEY (or SECRET_KEY) to store ID numbers.")
    return (f"derived-from-secret-key:{settings.SECRET_KEY}",)


def _derive(material: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        material.encode()
    )


@cache
def _fernet(materials: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(_derive(material, ENCRYPTION_INFO)))
        for material in materials
    ])


@cache
def _lookup_key(material: str) -> bytes:
    return _derive(material, LOOKUP_INFO)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(_materials()).encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_materials()).decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise DecryptionError("no configured key decrypts this value") from None


def keyed_hash(value: str) -> str:
    """A stable digest for exact lookup that reveals nothing without the key."""
    if not value:
        return ""
    return hmac.new(_lookup_key(_materials()[0]), value.encode(), hashlib.sha256).hexdigest()
