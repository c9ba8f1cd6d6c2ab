"""Our own detector (自有识别) for cameras whose owners have no AI platform: people found in a
picture whose privacy masks are already painted over.

The model is OpenCV's HOG pedestrian detector (Dalal and Triggs, trained on INRIA Person), which
ships inside `opencv-python-headless` (4.x: 5.x dropped it), runs on a CPU, and needs no
download. It sees upright people; a person lying on a bench or on cardboard is upright in the
picture turned a quarter, so the picture is searched three times: as it is, and turned each way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from PIL import Image

from songnuan.cameras.pictures import Box

SEARCH_SIDE_PX = 960  # larger pictures are searched scaled down to this longest side
WIN_STRIDE = (8, 8)
PADDING = (8, 8)
PYRAMID_SCALE = 1.05
OVERLAP_IOU = 0.3  # two finds overlapping more than this are one person


@dataclass(frozen=True)
class Found:
    """A person found: the box in pixels of the picture, lying or not, and the SVM score
    (a margin, not a probability: 0.5 doubtful, above 2 sure)."""

    box: Box
    lying: bool
    score: float

    @property
    def confidence(self) -> float:
        """The score squeezed into 0–1 for the verification queue."""
        return round(float(1 - np.exp(-max(self.score, 0.0))), 2)


@cache
def _hog() -> cv2.HOGDescriptor:
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    return hog


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    left, top = max(a.x, b.x), max(a.y, b.y)
    right, bottom = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    inter = max(0, right - left) * max(0, bottom - top)
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union else 0.0


def _search(gray: np.ndarray) -> list[tuple[tuple[int, int, int, int], float]]:
    rects, weights = _hog().detectMultiScale(gray, winStride=WIN_STRIDE, padding=PADDING,
                                             scale=PYRAMID_SCALE)
    return [(tuple(int(v) for v in rect), float(weight))
            for rect, weight in zip(rects, np.ravel(weights), strict=True)]


def _unturn(rect: tuple[int, int, int, int], turn: int, width: int, height: int
            ) -> tuple[int, int, int, int]:
    """A box found in the picture turned by np.rot90(k=turn), in the unturned picture."""
    x, y, w, h = rect
    if turn == 1:  # counter-clockwise: turned (x, y) came from (width - 1 - y, x)
        return width - y - h, x, h, w
    return y, height - x - w, h, w  # clockwise


def find_people(image: Image.Image, min_score: float) -> list[Found]:
    """People in a picture whose masks are already applied, surest first, one find per person."""
    scale = min(1.0, SEARCH_SIDE_PX / max(image.size))
    small = image.convert("L")
    if scale < 1.0:
        small = small.resize((round(image.width * scale), round(image.height * scale)))
    gray = np.asarray(small)
    found: list[tuple[tuple[int, int, int, int], float, bool]] = [
        (rect, weight, False) for rect, weight in _search(gray)]
    for turn in (1, -1):
        turned = np.ascontiguousarray(np.rot90(gray, k=turn))
        found += [(_unturn(rect, turn, gray.shape[1], gray.shape[0]), weight, True)
                  for rect, weight in _search(turned)]
    people: list[Found] = []
    for rect, weight, lying in sorted(found, key=lambda item: -item[1]):
        if weight < min_score:
            continue
        box = Box(*(round(v / scale) for v in rect))
        box = _clip(box, image.width, image.height)
        if box and not any(iou(box, kept.box) > OVERLAP_IOU for kept in people):
            people.append(Found(box, lying, round(weight, 3)))
    return people


def _clip(box: Box, width: int, height: int) -> Box | None:
    left, top = max(0, box.x), max(0, box.y)
    right, bottom = min(width, box.x + box.w), min(height, box.y + box.h)
    if right - left < 4 or bottom - top < 4:
        return None
    return Box(left, top, right - left, bottom - top)
