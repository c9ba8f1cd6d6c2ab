"""What happens to a camera's picture before anything of it is stored.

The privacy masks are painted over first, so what a mask covers is never analysed nor kept.
Faces are then found (dlib, from the optional `faces` extra) and blurred; a person box in which
no face was found has its upper part blurred instead (both ends of a box lying wider than tall),
since a small or turned-away head defeats the face detector more often than not. Both copies are
re-encoded as JPEG without metadata.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from songnuan.tracing import faces

JPEG_QUALITY = 80
MAX_STORED_SIDE_PX = 1280
WHOLE_SEARCH_SIDE_PX = 640  # dlib's cost grows with the pixels searched
BOX_SEARCH_WIDTH_PX = 160  # a person box is enlarged (up to 4×) to about this width
HEAD_SHARE = 0.35  # of a person box, blurred when no face was found in it
MASK_FILL = (0, 0, 0)


@dataclass(frozen=True)
class Box:
    """A person box in pixels of the picture as sent."""

    x: int
    y: int
    w: int
    h: int

    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def as_json(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]


@dataclass(frozen=True)
class Prepared:
    blurred: bytes
    clear: bytes
    width: int
    height: int
    faces_found: int


def mask_rects(masks: list[list[float]], width: int, height: int) -> list[tuple[int, ...]]:
    """The masks (fractions of the picture) as pixel rectangles (left, top, right, bottom)."""
    return [(round(x * width), round(y * height), round((x + w) * width),
             round((y + h) * height)) for x, y, w, h in masks]


def in_mask(box: Box, rects: list[tuple[int, ...]]) -> bool:
    """Whether the box's centre lies under a mask: that person is not ours to look at."""
    cx, cy = box.centre()
    return any(left <= cx < right and top <= cy < bottom for left, top, right, bottom in rects)


def apply_masks(image: Image.Image, rects: list[tuple[int, ...]]) -> Image.Image:
    masked = image.copy()
    draw = ImageDraw.Draw(masked)
    for left, top, right, bottom in rects:
        draw.rectangle((left, top, right - 1, bottom - 1), fill=MASK_FILL)
    return masked


def _face_locations(image: Image.Image, upsample: int) -> list[tuple[int, int, int, int]]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        import face_recognition
    found = face_recognition.face_locations(np.asarray(image), number_of_times_to_upsample=upsample)
    return [(left, top, right, bottom) for top, right, bottom, left in found]


def _scaled(image: Image.Image, scale: float) -> Image.Image:
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))


def find_faces(image: Image.Image, boxes: list[Box]) -> list[tuple[int, int, int, int]]:
    """Faces as (left, top, right, bottom) in the image's pixels; none without the extra.

    Once over the whole picture at a low resolution (large faces, people the platform did not
    box), then in the upper half of each person box enlarged, where a small face is most
    likely: together far cheaper than searching the whole picture at full size."""
    if not faces.available():
        return []
    scale = min(1.0, WHOLE_SEARCH_SIDE_PX / max(image.size))
    found = [tuple(round(v / scale) for v in rect)
             for rect in _face_locations(_scaled(image, scale), upsample=0)]
    for box in boxes:
        crop = image.crop((box.x, box.y, box.x + box.w, box.y + max(1, box.h // 2)))
        zoom = min(4.0, BOX_SEARCH_WIDTH_PX / max(1, box.w))
        for left, top, right, bottom in _face_locations(_scaled(crop, zoom), upsample=1):
            found.append((box.x + round(left / zoom), box.y + round(top / zoom),
                          box.x + round(right / zoom), box.y + round(bottom / zoom)))
    return found


def blur_region(image: Image.Image, rect: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = (max(0, rect[0]), max(0, rect[1]), min(image.width, rect[2]),
                                min(image.height, rect[3]))
    if right <= left or bottom <= top:
        return
    region = image.crop((left, top, right, bottom))
    radius = max(4, max(right - left, bottom - top) // 4)
    image.paste(region.filter(ImageFilter.GaussianBlur(radius)), (left, top))


def head_regions(box: Box) -> list[tuple[int, int, int, int]]:
    """Where the head of a person in this box may be: the top of an upright box, either end of
    a box lying wider than tall (the head may point either way)."""
    if box.w > box.h:
        side = max(1, round(box.w * HEAD_SHARE))
        return [(box.x, box.y, box.x + side, box.y + box.h),
                (box.x + box.w - side, box.y, box.x + box.w, box.y + box.h)]
    return [(box.x, box.y, box.x + box.w, box.y + max(1, round(box.h * HEAD_SHARE)))]


def blur_people(image: Image.Image, boxes: list[Box],
                face_rects: list[tuple[int, int, int, int]]) -> Image.Image:
    """Every face blurred, and the head of every box without a found face."""
    blurred = image.copy()
    for rect in face_rects:
        pad_w, pad_h = (rect[2] - rect[0]) // 4, (rect[3] - rect[1]) // 4
        blur_region(blurred, (rect[0] - pad_w, rect[1] - pad_h, rect[2] + pad_w, rect[3] + pad_h))
    for box in boxes:
        has_face = any(box.x <= (r[0] + r[2]) / 2 < box.x + box.w
                       and box.y <= (r[1] + r[3]) / 2 < box.y + box.h for r in face_rects)
        if not has_face:
            for rect in head_regions(box):
                blur_region(blurred, rect)
    return blurred


def jpeg(image: Image.Image) -> bytes:
    copy = image.copy()
    copy.thumbnail((MAX_STORED_SIDE_PX, MAX_STORED_SIDE_PX))
    copy.info = {}  # no comment, EXIF or ICC profile carried over
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def prepare(image: Image.Image, masks: list[list[float]], boxes: list[Box]) -> Prepared:
    """The masked picture twice: faces blurred, and faces left (for the sensitive permission)."""
    rgb = image.convert("RGB")
    masked = apply_masks(rgb, mask_rects(masks, rgb.width, rgb.height))
    face_rects = find_faces(masked, boxes)
    blurred = blur_people(masked, boxes, face_rects)
    return Prepared(jpeg(blurred), jpeg(masked), rgb.width, rgb.height, len(face_rects))
