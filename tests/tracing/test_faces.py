"""Face embeddings (faces extra): computed in the background, compared by the engine.

The test photo is Grace Hopper's official portrait (public domain), as shipped in matplotlib's
sample data.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from PIL import Image

from songnuan.people.models import PersonPhoto
from songnuan.tracing import faces, tasks
from songnuan.tracing.models import MissingReport, PhotoFace
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.skipif(
    not faces.available(),
    reason="face embeddings need the faces extra (make install-faces)")

PORTRAIT = Path(__file__).parent / "data" / "grace_hopper.jpg"


def jpeg(image: Image.Image, name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def another_shot() -> Image.Image:
    """The same face photographed again: cropped, smaller and darker."""
    with Image.open(PORTRAIT) as image:
        crop = image.convert("RGB").crop((40, 30, 480, 560)).resize((330, 398))
    return crop.point(lambda value: int(value * 0.8))


def test_a_face_gives_128_numbers_and_a_photo_without_one_gives_none():
    with PORTRAIT.open("rb") as stream:
        vector = faces.embedding(stream)
    assert vector is not None and len(vector) == 128
    snow = jpeg(Image.new("RGB", (400, 300), (235, 238, 240)))
    assert faces.embedding(snow) is None
    assert faces.embedding(io.BytesIO(b"%PDF-1.4 not a photo")) is None


def test_two_shots_of_one_face_are_close_and_a_blank_is_not_a_face():
    with PORTRAIT.open("rb") as stream:
        first = faces.embedding(stream)
    second = faces.embedding(jpeg(another_shot()))
    distance = sum((a - b) ** 2 for a, b in zip(first, second, strict=True)) ** 0.5
    assert distance < 0.4  # the engine's "very close" level


@pytest.mark.django_db(transaction=True)
def test_photos_are_embedded_in_the_background_and_the_engine_compares_faces(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    photo = PersonPhoto.objects.create(person=case.person, image=jpeg(another_shot()),
                                       taken_by=cast.laoshan_station)
    report = make_report(district=cast.laoshan_substation.district,
                         photo=SimpleUploadedFile("hopper.jpg", PORTRAIT.read_bytes(),
                                                  "image/jpeg"))
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {"songnuan.tracing.tasks.embed_person_photo",
            "songnuan.tracing.tasks.embed_report_photo"} <= queued
    assert tasks.embed_person_photo.call(photo.pk) is True
    assert tasks.embed_report_photo.call(report.pk) is True
    assert len(PhotoFace.objects.get(photo=photo).embedding) == 128
    assert len(MissingReport.objects.get(pk=report.pk).face_embedding) == 128
    review = case.candidates.get(report=report)
    face = [(bits, text) for code, bits, text in review.explanation if code == "face"]
    assert face and face[0][0] > 0 and "人脸极相似" in face[0][1]


@pytest.mark.django_db
def test_a_photo_that_is_not_a_face_carries_no_embedding(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    photo = PersonPhoto.objects.create(person=case.person, image=jpeg(
        Image.new("RGB", (640, 480), (90, 110, 70)), "coat.jpg"))
    assert tasks.embed_person_photo.call(photo.pk) is False
    assert PhotoFace.objects.get(photo=photo).embedding is None
    assert all(code != "face" for review in case.candidates.all()
               for code, _bits, _text in review.explanation)
