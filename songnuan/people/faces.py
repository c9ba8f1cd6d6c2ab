"""Faces in photos of people (the optional `faces` extra): where the face is, the photo cropped
to it, and its 128-d embedding for the linkage engine.

dlib's face detector and encoder run offline from the models the extra installs. A photo without
a detectable face — or one that is not an image at all — has no face box and no embedding; with
several faces the largest is the person photographed. Without the extra nothing is detected and
`available()` says so, so callers can tell "no face" from "not checked".
"""

from __future__ import annotations

import importlib.util
import io
import warnings
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Detection works on pixels: larger photos only cost time (a phone photo is 12 megapixels).
MAX_SIDE = 800
# A crop keeps this much of the face box's size around it on each side (hair, chin, ears), so
# the face is still found in the crop and recognisable to a relative.
CROP_MARGIN = 0.6
# The public crop of an announcement shows the face and little else.
TIGHT_MARGIN = 0.3


@dataclass(frozen=True)
class Box:
    """A face in image pixels: left, top, right, bottom."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def area(self) -> int:
        return (self.right - self.left) * (self.bottom - self.top)

    def widened(self, margin: float, width: int, height: int) -> Box:
        dx = int((self.right - self.left) * margin)
        dy = int((self.bottom - self.top) * margin)
        return Box(max(0, self.left - dx), max(0, self.top - dy),
                   min(width, self.right + dx), min(height, self.bottom + dy))


def available() -> bool:
    return importlib.util.find_spec("face_recognition") is not None


def _library() -> Any:
    with warnings.catch_warnings():
        # face_recognition_models finds its files through pkg_resources, which warns.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        import face_recognition
    return face_recognition


def _upright(image: IO[bytes] | Any) -> Image.Image | None:
    try:
        with Image.open(image) as opened:
            return ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _largest_face(picture: Image.Image) -> tuple[Box, float] | None:
    """The largest face in the picture's detection-sized copy, and that copy's scale."""
    small = picture.copy()
    small.thumbnail((MAX_SIDE, MAX_SIDE))
    boxes = _library().face_locations(np.asarray(small))
    if not boxes:
        return None
    top, right, bottom, left = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
    return Box(left, top, right, bottom), picture.width / small.width


def face_box(image: IO[bytes] | Any) -> Box | None:
    """Where the largest face is, in the upright photo's pixels; None without one."""
    picture = _upright(image)
    return None if picture is None else _face_in(picture)


def _face_in(picture: Image.Image) -> Box | None:
    if not available():
        return None
    found = _largest_face(picture)
    if found is None:
        return None
    box, scale = found
    return Box(*(int(round(v * scale)) for v in (box.left, box.top, box.right, box.bottom)))


def cropped_to_face(data: bytes, margin: float = CROP_MARGIN) -> bytes | None:
    """The photo cropped around its largest face, as a JPEG (None without a face)."""
    picture = _upright(io.BytesIO(data))
    box = None if picture is None else _face_in(picture)
    if box is None:
        return None
    wide = box.widened(margin, picture.width, picture.height)
    crop = picture.crop((wide.left, wide.top, wide.right, wide.bottom))
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=88)
    return out.getvalue()


def embedding(image: IO[bytes] | Any) -> list[float] | None:
    """The 128-d encoding of the photo's largest face, or None when there is none."""
    picture = _upright(image)
    if picture is None:
        return None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    pixels = np.asarray(picture)
    library = _library()
    boxes = library.face_locations(pixels)
    if not boxes:
        return None
    largest = max(boxes, key=lambda box: (box[2] - box[0]) * (box[1] - box[3]))
    return [round(float(x), 6) for x in library.face_encodings(pixels, [largest])[0]]
