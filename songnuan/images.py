"""Photos of people stored without what the camera wrote into them.

A phone photo carries the place it was taken (EXIF GPS), the device, the time, XMP and comment
blocks and an ICC profile. Re-encoding the pixels into a new JPEG is the reliable way to drop all
of it: the orientation is applied to the pixels first (so the photo stays upright without its
EXIF tag), and nothing of the original file but its pixels survives.

`MetadataFreeImageField` does this whenever a new file is saved into it, so no upload path (a
form, an API taking base64, a photo held between attempts) can forget to.
"""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import models
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
MAX_STORED_SIDE_PX = 2048
JPEG_QUALITY = 82
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before Pillow's own limit
_READ_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError,
                Image.DecompressionBombError)


class ScrubbedPhoto(ContentFile):
    """A JPEG already re-encoded here: saving it again does not re-encode it a second time."""


def check_photo(data: bytes) -> None:
    """Refuse what is not a photo we accept, with a message for the person who sent it."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Send a JPEG, PNG or WebP photo."), code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This photo is too large."), code="too_big")
            probe.verify()
    except _READ_ERRORS:
        raise ValidationError(_("This file is not a photo we can read."), code="not_image") \
            from None


def reencoded(data: bytes) -> tuple[bytes, int, int]:
    """The photo upright, at most `MAX_STORED_SIDE_PX` on a side, as a JPEG with no metadata."""
    check_photo(data)
    try:
        with Image.open(io.BytesIO(data)) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
    except _READ_ERRORS:
        raise ValidationError(_("This file is not a photo we can read."), code="not_image") \
            from None
    image.thumbnail((MAX_STORED_SIDE_PX, MAX_STORED_SIDE_PX))
    # Pillow writes a JPEG comment kept in `info` even when not asked to: start from nothing.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), image.width, image.height


def scrubbed(upload: File) -> ScrubbedPhoto:
    """An uploaded photo re-encoded, under a random name that says nothing about it."""
    if isinstance(upload, ScrubbedPhoto):
        return upload
    upload.seek(0)
    content, _width, _height = reencoded(upload.read())
    return ScrubbedPhoto(content, name=f"{uuid.uuid4().hex}.jpg")


def carries_metadata(data: bytes) -> bool:
    """Whether a stored photo still holds EXIF, XMP, a comment or an ICC profile."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return bool(image.getexif()) or bool(
                {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"} & set(image.info))
    except _READ_ERRORS:
        return False


def scrub_stored(instance: models.Model, field_name: str) -> bool:
    """Re-encode a photo stored before uploads were scrubbed; True if it needed it."""
    file = getattr(instance, field_name)
    if not file:
        return False
    with file.open("rb") as handle:
        data = handle.read()
    if not carries_metadata(data):
        return False
    old_name = file.name
    clean = scrubbed(ContentFile(data))
    file.save(clean.name, clean, save=False)
    instance.save(update_fields=[field_name])
    file.storage.delete(old_name)
    return True


def fields_holding_photos_of_people() -> list[tuple[type[models.Model], str]]:
    from django.apps import apps  # at call time: this module is imported by models

    return [(model, field.name) for model in apps.get_models()
            for field in model._meta.get_fields()
            if isinstance(field, MetadataFreeImageField)]


class MetadataFreeImageField(models.ImageField):
    """An ImageField whose new files are re-encoded without metadata before they are stored."""

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            clean = scrubbed(file.file)
            file.save(clean.name, clean, save=False)
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        # Migrations see a plain ImageField: the column is the same and old migrations need
        # not import this module.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
