"""Biometrics at admission: a photo cropped to the face and stored without EXIF, fingerprints
with their device, operator, time and police reference, or the reason they are missing; the
tracing case's biometrics step done only by these, never by sending a police request.

The face is Grace Hopper's official portrait (public domain, as shipped in matplotlib's sample
data): the repository holds no other photo of a real face.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image

from songnuan import images
from songnuan.people import biometrics, faces
from songnuan.people.models import BiometricNotTaken, FingerprintCapture, PersonPhoto
from songnuan.refusals import Refused
from songnuan.shelter.models import Stay
from songnuan.tracing import comparisons
from songnuan.tracing.models import StepKind, TracingCase
from tests.shelter.factories import lay_out_station

pytestmark = pytest.mark.django_db

PORTRAIT = Path(__file__).parents[1] / "tracing" / "data" / "grace_hopper.jpg"
needs_faces = pytest.mark.skipif(not faces.available(), reason="needs the faces extra")

UNNAMED = {"route": "escorted", "alias": "台东天桥下的老人", "sex": "M", "age_estimate": "60",
           "items_held": "旧棉袄一件", "temperature_c": "36.4"}


def phone_photo(name: str = "IMG_2031.jpg") -> SimpleUploadedFile:
    """The portrait as a phone writes it: with the place it was taken in its EXIF."""
    with Image.open(PORTRAIT) as original:
        image = original.convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"  # Make
    exif[0x8825] = {1: "N", 2: (36.0, 4.0, 0.0), 3: "E", 4: (120.0, 22.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


def snow(name: str = "snow.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (235, 238, 240)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


def admit_via_wizard(client, site, **fields):
    data = {"site": site.pk, **UNNAMED, **fields}
    first = client.post(reverse("shelter:admit"), {**data, "step": "check"})
    assert first.status_code == 200, first
    held = dict(first.context["held"].tokens)
    data = {key: value for key, value in data.items()
            if key not in ("photo", "fingerprint_scan")}
    return first, client.post(reverse("shelter:admit"), {**data, **held, "step": "confirm"})


@needs_faces
def test_the_photo_is_cropped_to_the_face_without_exif_and_the_case_step_is_done(
        cast, client, django_capture_on_commit_callbacks):
    lay_out_station(cast.laoshan_substation)
    client.force_login(cast.laoshan_station)
    with django_capture_on_commit_callbacks(execute=True):
        first, done = admit_via_wizard(
            client, cast.laoshan_substation, photo=phone_photo(),
            fingerprint_device="海鑫 HX-F300 指纹仪", fingerprint_reference="QDLS2026120500317")
    assert first.context["step"] == "confirm"
    assert done.status_code == 302
    stay = Stay.objects.get()
    photo = PersonPhoto.objects.get(person=stay.person)
    data = photo.image.read()
    assert photo.face_found is True and not images.carries_metadata(data)
    with Image.open(io.BytesIO(data)) as stored, Image.open(PORTRAIT) as original:
        assert stored.width < original.width and stored.height < original.height
    assert faces.face_box(io.BytesIO(data)) is not None  # the crop still shows the face
    prints = FingerprintCapture.objects.get(person=stay.person)
    assert (prints.device, prints.operator, prints.police_reference) == (
        "海鑫 HX-F300 指纹仪", cast.laoshan_station, "QDLS2026120500317")
    assert prints.captured_at == stay.admitted_at
    case = TracingCase.objects.get(person=stay.person)
    assert case.steps.get(kind=StepKind.BIOMETRICS).done_at is not None
    assert "songnuan.tracing.tasks.embed_person_photo" in set(
        DBTaskResult.objects.values_list("task_path", flat=True))


@needs_faces
def test_a_photo_without_a_face_is_refused_unless_staff_say_why(cast):
    with pytest.raises(Refused) as refused:
        biometrics.check_photo(snow())
    assert refused.value.field == "photo" and "No face" in str(refused.value.message)
    kept = biometrics.check_photo(snow(), without_face_reason="面部烧伤包扎，无法拍摄面部")
    assert kept.face_found is False and kept.without_face_reason.startswith("面部烧伤")


def test_something_that_is_not_a_photo_is_refused_at_the_photo():
    with pytest.raises(Refused) as refused:
        biometrics.check_photo(SimpleUploadedFile("scan.pdf", b"%PDF-1.4", "application/pdf"))
    assert refused.value.field == "photo"


def test_a_refusal_is_recorded_with_its_reason_and_counts_as_done(cast, client):
    lay_out_station(cast.laoshan_substation)
    client.force_login(cast.laoshan_station)
    _first, done = admit_via_wizard(
        client, cast.laoshan_substation, photo_not_taken="refuses",
        photo_note="情绪激动，拒绝拍照", fingerprints_not_taken="cannot",
        fingerprints_note="双手冻伤包扎")
    assert done.status_code == 302
    person = Stay.objects.get().person
    assert {(row.biometric, row.reason) for row in BiometricNotTaken.objects.filter(
        person=person)} == {("photo", "refuses"), ("fingerprints", "cannot")}
    step = TracingCase.objects.get(person=person).steps.get(kind=StepKind.BIOMETRICS)
    assert step.done_at is not None


def test_nothing_taken_and_no_reason_is_refused_and_later_leaves_the_step_open(cast, client):
    lay_out_station(cast.laoshan_substation)
    client.force_login(cast.laoshan_station)
    response = client.post(reverse("shelter:admit"), {
        "site": cast.laoshan_substation.pk, **UNNAMED, "step": "check"})
    assert "photo_not_taken" in response.context["form"].errors
    assert not Stay.objects.exists()
    response = client.post(reverse("shelter:admit"), {
        "site": cast.laoshan_substation.pk, **UNNAMED, "photo_not_taken": "refuses",
        "fingerprints_not_taken": "later", "step": "check"})
    assert "photo_note" in response.context["form"].errors
    _first, done = admit_via_wizard(client, cast.laoshan_substation, photo_not_taken="later",
                                    fingerprints_not_taken="later")
    assert done.status_code == 302
    case = TracingCase.objects.get()
    assert case.steps.get(kind=StepKind.BIOMETRICS).done_at is None


@needs_faces
def test_an_error_keeps_every_input_and_the_photo_and_says_when_to_take_it_again(cast, client):
    lay_out_station(cast.laoshan_substation)
    client.force_login(cast.laoshan_station)
    sent = {"site": cast.laoshan_substation.pk, **UNNAMED, "temperature_c": "45.5",
            "fingerprint_device": "海鑫 HX-F300", "fingerprint_reference": "QDLS2026120500318",
            "step": "check"}
    response = client.post(reverse("shelter:admit"), {**sent, "photo": phone_photo()})
    form = response.context["form"]
    assert "temperature_c" in form.errors and not Stay.objects.exists()
    page = response.content.decode()
    for value in ("台东天桥下的老人", "旧棉袄一件", "45.5", "海鑫 HX-F300", "QDLS2026120500318"):
        assert value in page
    assert 'data-testid="photo-kept"' in page and 'data-testid="photo-again"' not in page
    token = response.context["held"].tokens["photo_token"]
    fixed = client.post(reverse("shelter:admit"), {**sent, "temperature_c": "36.4",
                                                   "photo_token": token})
    assert fixed.context["step"] == "confirm"
    done = client.post(reverse("shelter:admit"), {**sent, "temperature_c": "36.4",
                                                  "photo_token": token, "step": "confirm"})
    assert done.status_code == 302
    assert PersonPhoto.objects.get().face_found is True
    # Without a kept photo, the error says the photo must be taken again.
    again = client.post(reverse("shelter:admit"), {**sent, "photo_not_taken": ""})
    assert 'data-testid="photo-again"' in again.content.decode()


def test_a_forged_photo_token_is_not_read(cast, client):
    lay_out_station(cast.laoshan_substation)
    client.force_login(cast.laoshan_station)
    response = client.post(reverse("shelter:admit"), {
        "site": cast.laoshan_substation.pk, **UNNAMED, "photo_token": "abc:def",
        "fingerprints_not_taken": "later", "step": "check"})
    assert "photo_not_taken" in response.context["form"].errors


def test_sending_a_fingerprint_comparison_does_not_tick_the_biometrics_step(cast):
    from tests.tracing.factories import admit_unidentified

    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    comparisons.request_comparison(case, kind="fingerprint", liaison=cast.police_liaison,
                                   message="", by=cast.laoshan_tracing)
    assert case.steps.get(kind=StepKind.BIOMETRICS).done_at is None
    biometrics.add_fingerprints(case.person, biometrics.FingerprintInput(
        device="海鑫 HX-F300", police_reference="QDLS2026120500319"), by=cast.laoshan_station)
    assert case.steps.get(kind=StepKind.BIOMETRICS).done_at is None  # no photo yet
    biometrics.not_taken(case.person, "photo", "refuses", "拒绝拍照", by=cast.laoshan_station)
    assert case.steps.get(kind=StepKind.BIOMETRICS).done_at is not None
