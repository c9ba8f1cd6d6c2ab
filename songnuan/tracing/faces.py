"""Face embeddings from photos (the optional `faces` extra): 128 numbers the engine compares.

dlib's face detector and encoder run offline from the models the extra installs. A photo without
a detectable face — or one that is not an image at all — simply carries no embedding; with
several faces the largest is the person photographed.
"""

from __future__ import annotations

import importlib.util
import warnings
from typing import IO, Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Detection works on pixels: larger photos only cost time (a phone photo is 12 megapixels).
MAX_SIDE = 800


def available() -> bool:
    return importlib.util.find_spec("face_recognition") is not None


def embedding(image: IO[bytes] | Any) -> list[float] | None:
    """The 128-d encoding of the photo's largest face, or None when there is none."""
    with warnings.catch_warnings():
        # face_recognition_models finds its files through pkg_resources, which warns.
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        import face_recognition
    try:
        with Image.open(image) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError):
        return None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    pixels = np.asarray(picture)
    boxes = face_recognition.face_locations(pixels)
    if not boxes:
        return None
    largest = max(boxes, key=lambda box: (box[2] - box[0]) * (box[1] - box[3]))
    return [round(float(x), 6) for x in face_recognition.face_encodings(pixels, [largest])[0]]
