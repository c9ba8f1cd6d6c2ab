"""Photos of people are stored without what the camera wrote into them (EXIF and its GPS, XMP,
comments, the ICC profile), upright, whichever page or API they came through."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageCms

from songnuan import pending_uploads
from songnuan.outreach.models import Encounter
from songnuan.people.models import PersonPhoto
from songnuan.tracing.models import MissingReport
from tests.leads.factories import _rational_dms
from tests.outreach.factories import assigned_task, make_squad
from tests.people.factories import make_person

SECRETS = (b"TestPhone", b"Zhang San", b"secret-comment", b"xmp-owner", b"GPS")
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description creator="xmp-owner"/></rdf:RDF></x:xmpmeta>')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def phone_photo(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    """A JPEG as a phone writes it: 80×40 pixels stored sideways (EXIF orientation 6), GPS in
    Qingdao, the maker and owner, a comment, XMP and an sRGB ICC profile."""
    image = Image.new("RGB", (80, 40), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, 40, 40))  # the left half blue: shows the rotation
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x013B] = "Zhang San"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", _rational_dms(36.0648)
    gps[3], gps[4] = "E", _rational_dms(120.3135)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret-comment", xmp=XMP, icc_profile=icc)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def assert_clean(stored: bytes) -> None:
    for secret in SECRETS:
        assert secret not in stored, secret
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(0x8825)
    for key in ("exif", "icc_profile", "xmp", "comment"):
        assert key not in image.info, key
    # Upright: the sideways 80×40 picture is now 40×80, its blue half on top.
    assert image.size == (40, 80)
    top, bottom = image.getpixel((20, 10)), image.getpixel((20, 70))
    assert top[2] > 150 and bottom[0] > 150


def test_the_original_carries_everything_the_stored_copy_must_lose():
    original = phone_photo().read()
    image = Image.open(io.BytesIO(original))
    assert image.getexif().get_ifd(0x8825) and b"secret-comment" in original
    assert image.info.get("icc_profile") and b"xmp-owner" in original


def test_a_photo_added_on_the_person_file_is_stored_clean(cast, client_for):
    person = make_person(district=cast.shinan_station.district)
    response = client_for(cast.city_admin).post(
        reverse("people:photo_upload", args=[person.pk]),
        {"image": phone_photo(), "caption": "入站照"})
    assert response.status_code == 302
    photo = PersonPhoto.objects.get(person=person)
    assert "IMG_0001" not in photo.image.name and photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as stored:
        assert_clean(stored.read())


def test_a_photo_with_a_missing_person_report_is_stored_clean(cast, client_for):
    client_for(cast.laoshan_tracing).post(reverse("tracing:report_add"), {
        "name": "张卫东", "sex": "M", "birth_year": 1968, "reporter_name": "张丽",
        "reporter_phone": "13800000001", "district": cast.laoshan_substation.district.pk,
        "photo": phone_photo("张卫东身份证.jpg")})
    report = MissingReport.objects.get()
    assert "张卫东" not in report.photo.name
    with report.photo.open("rb") as stored:
        assert_clean(stored.read())


def test_a_photo_taken_on_the_street_is_stored_clean(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    response = client_for(cast.shinan_patroller).post(
        reverse("outreach:task_encounter", args=[task.pk]),
        {"client_request_id": "street-photo-1", "outcome": "refused", "p0-sex": "M",
         "p0-age": "60", "p0-name": "老李", "p0-outcome": "refused", "p0-photo": phone_photo()},
        headers={"Accept": "application/json"})
    assert response.status_code == 200, response.content
    person = Encounter.objects.get().people.get().person
    with PersonPhoto.objects.get(person=person).image.open("rb") as stored:
        assert_clean(stored.read())


def test_a_file_that_is_no_photo_is_refused_on_the_street_form_not_failed(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    fake = SimpleUploadedFile("me.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client_for(cast.shinan_patroller).post(
        reverse("outreach:task_encounter", args=[task.pk]),
        {"client_request_id": "street-photo-2", "outcome": "refused", "p0-sex": "M",
         "p0-age": "60", "p0-outcome": "refused", "p0-photo": fake},
        headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert "无法识别此文件" in response.json()["error"]
    assert response.json()["field"] == "photo"
    assert not Encounter.objects.exists()


def test_a_photo_sent_to_the_api_is_stored_clean(cast, api_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    encoded = base64.b64encode(phone_photo().read()).decode()
    response = api_for(cast.shinan_patroller).post(
        f"/api/v1/my/tasks/{task.pk}/encounter",
        {"client_request_id": "api-photo-1", "people": [
            {"sex": "F", "age_estimate": 70, "outcome": "refused", "photo": encoded}]})
    assert response.status_code == 201, response.content
    person = Encounter.objects.get().people.get().person
    with PersonPhoto.objects.get(person=person).image.open("rb") as stored:
        assert_clean(stored.read())


def test_a_photo_kept_between_two_attempts_at_a_form_is_kept_clean(cast):
    token = pending_uploads.hold(phone_photo(), cast.shinan_patroller)
    assert_clean(pending_uploads.held(token, cast.shinan_patroller).read())
    fake = SimpleUploadedFile("me.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    assert pending_uploads.hold(fake, cast.shinan_patroller) == ""


def test_photos_stored_before_are_scrubbed_by_the_command_once(cast):
    person = make_person(district=cast.shinan_station.district)
    old_name = default_storage.save(f"people/{person.pk}/old.jpg", phone_photo())
    photo = PersonPhoto.objects.create(person=person, image=old_name)
    with photo.image.open("rb") as stored:
        assert b"secret-comment" in stored.read()  # written as it came, as before
    out = io.StringIO()
    call_command("scrub_photos", stdout=out)
    assert "people.PersonPhoto.image: 1 scrubbed" in out.getvalue()
    photo.refresh_from_db()
    with photo.image.open("rb") as stored:
        assert_clean(stored.read())
    assert not default_storage.exists(old_name)
    again = io.StringIO()
    call_command("scrub_photos", stdout=again)
    assert "people.PersonPhoto.image: 0 scrubbed" in again.getvalue()
