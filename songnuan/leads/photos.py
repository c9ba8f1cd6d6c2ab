"""Photos sent with a lead: checked, located from EXIF GPS, stripped of metadata.

Re-encoding the pixels is the reliable way to drop EXIF, XMP and maker notes (a phone photo's
metadata holds the owner's position and device); the GPS position is read first, because a
reporter who gave no location may still have sent a photo taken at the place.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from songnuan.accounts.roles import LEAD_PHOTOS, Role

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
MAX_STORED_SIDE_PX = 2048
JPEG_QUALITY = 82
GPS_IFD = 0x8825
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before Pillow's own limit


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
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Send a JPEG, PNG or WebP photo."), code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This photo is too large."), code="too_big")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            gps = exif_gps(image)
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_STORED_SIDE_PX, MAX_STORED_SIDE_PX))
            out = io.BytesIO()
            # No exif= argument: the new file carries no metadata at all.
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return CleanPhoto(out.getvalue(), image.width, image.height, gps)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a photo we can read."), code="not_image") \
            from None


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


def may_see_photos(user, lead) -> bool:
    """Whether `user` may see the photos of `lead` (already in their scope): the photo permission,
    and for a patroller a task of their squad on this lead or the lead it duplicates."""
    from songnuan.outreach.models import Task, TaskStatus

    if not user.has_perm(LEAD_PHOTOS):
        return False
    if getattr(user, "role", "") != Role.PATROLLER:
        return True
    incident_ids = [lead.pk, lead.duplicate_of_id] if lead.duplicate_of_id else [lead.pk]
    return (Task.objects.filter(lead_id__in=incident_ids, squad__members__user=user)
            .exclude(status__in=(TaskStatus.CANCELLED, TaskStatus.DECLINED)).exists())
