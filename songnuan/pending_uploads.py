"""Uploads held between a refused form and its final submission (待提交照片).

A patroller who took a photo, or a family's photo scanned at a desk, must not be asked for it
again because the form had an error: the upload is kept in storage under a random token the page
carries back, readable only by the same user, and removed once the record is saved. Tokens left
behind are swept after a day.
"""

from __future__ import annotations

import datetime
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from songnuan import images

FOLDER = "pending"
KEEP_HOURS = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def _path(user, token: str) -> str:
    return f"{FOLDER}/{user.pk}/{token}"


def hold(upload: UploadedFile, user) -> str:
    """Keep an uploaded photo, already stripped of its metadata; return its token ("" for a file
    that is no photo: there is nothing worth keeping)."""
    try:
        clean = images.scrubbed(upload)
    except ValidationError:
        return ""
    token = secrets.token_urlsafe(18)
    default_storage.save(_path(user, token), clean)
    return token


def held(token: str, user) -> ContentFile | None:
    """The photo held under `token` for `user`, or None (unknown, foreign or swept)."""
    if not _TOKEN.match(token or "") or not default_storage.exists(_path(user, token)):
        return None
    with default_storage.open(_path(user, token), "rb") as handle:
        return images.ScrubbedPhoto(handle.read(), name=f"{token}.jpg")


def release(tokens, user) -> None:
    """The encounter is recorded: the held copies are no longer needed."""
    for token in tokens:
        if _TOKEN.match(token or ""):
            default_storage.delete(_path(user, token))


def sweep(now: datetime.datetime | None = None) -> int:
    """Delete held photos older than `KEEP_HOURS`; return how many."""
    limit = (now or timezone.now()) - datetime.timedelta(hours=KEEP_HOURS)
    removed = 0
    try:
        users, _files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    for user_folder in users:
        for name in default_storage.listdir(f"{FOLDER}/{user_folder}")[1]:
            path = f"{FOLDER}/{user_folder}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
    return removed
