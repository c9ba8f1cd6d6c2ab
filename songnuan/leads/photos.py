"""Photos sent with a lead: checked, located from EXIF GPS, stripped of metadata.

The pixels are re-encoded without metadata as every photo of a person is (`songnuan.images`);
the GPS position is read from the original, because a reporter who gave no location may still
have sent a photo taken at the place.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from songnuan import images
from songnuan.accounts.roles import LEAD_PHOTOS, Role

GPS_IFD = 0x8825


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int
    gps: tuple[float, float] | None


def clean_photo(upload) -> CleanPhoto:
    """Check an uploaded file is a photo of acceptable size; return it re-encoded as JPEG."""
    if upload.size > settings.LEADS_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("Each photo may be at most %(mb)s MB.")
            % {"mb": settings.LEADS_PHOTO_MAX_BYTES // (1024 * 1024)}, code="too_big")
    data = upload.read()
    content, width, height = images.reencoded(data)
    with Image.open(io.BytesIO(data)) as image:
        gps = exif_gps(image)
    return CleanPhoto(content, width, height, gps)


def exif_gps(image: Image.Image) -> tuple[float, float] | None:
    """The (lat, lon) in a photo's EXIF GPS block, or None. Phones record WGS-84."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except (AttributeError, KeyError, ValueError, OSError):
        return None
    try:
        lat = _degrees(gps[2], gps.get(1, "N"))
        lon = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lat, lon


def _degrees(dms, ref) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode(errors="ignore")
    return -value if str(ref).strip().upper() in ("S", "W") else value


# Whether a patroller is sent to some of these leads: told by the app that sends them
# (outreach registers its tasks from its `ready()`), as leads sits below dispatch.
PatrollerAccess = Callable[[Any, list[int]], bool]
_patroller_access: list[PatrollerAccess] = []


def register_patroller_access(access: PatrollerAccess) -> None:
    if access not in _patroller_access:
        _patroller_access.append(access)


def may_see_photos(user, lead) -> bool:
    """Whether `user` may see the photos of `lead` (already in their scope): the photo permission,
    and for a patroller a task of their squad on this lead or the lead it duplicates."""
    if not user.has_perm(LEAD_PHOTOS):
        return False
    if getattr(user, "role", "") != Role.PATROLLER:
        return True
    incident_ids = [lead.pk, lead.duplicate_of_id] if lead.duplicate_of_id else [lead.pk]
    return any(access(user, incident_ids) for access in _patroller_access)
