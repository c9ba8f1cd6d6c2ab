"""Uploaded files of tracing are never public media: a family's photo and a police report go
through views that check who asks and log the read; a live announcement's photo is public."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from songnuan.accounts.models import AuditEvent
from songnuan.people.models import PersonPhoto
from songnuan.tracing import announcements
from songnuan.tracing.models import ComparisonRequest, ComparisonStatus
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile("family.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def reads(user, obj) -> int:
    return AuditEvent.objects.filter(action="read_sensitive", actor=user,
                                     object_id=str(obj.pk)).count()


def test_a_familys_photo_is_shown_to_sensitive_staff_in_scope_and_each_read_logged(
        cast, client, settings):
    report = make_report(district=cast.shinan_substation.district, photo=jpeg())
    url = reverse("tracing:report_photo", args=[report.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(cast.shinan_viewer)  # in scope, without the sensitive-data permission
    assert client.get(url).status_code == 404
    client.force_login(cast.laoshan_tracing)  # another district
    assert client.get(url).status_code == 404
    client.force_login(cast.shinan_tracing)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert reads(cast.shinan_tracing, report) == 1
    assert client.get(settings.MEDIA_URL + report.photo.name).status_code == 404


def test_the_report_page_shows_the_photo_through_its_view(cast, client):
    report = make_report(district=cast.shinan_substation.district, photo=jpeg())
    client.force_login(cast.shinan_tracing)
    page = client.get(reverse("tracing:report", args=[report.pk])).content.decode()
    assert reverse("tracing:report_photo", args=[report.pk]) in page
    assert report.photo.url not in page


def test_a_police_report_opens_for_those_who_may_open_the_comparison(cast, client):
    case = admit_unidentified(cast.shinan_substation, by=cast.city_admin)
    item = ComparisonRequest.objects.create(
        case=case, kind="fingerprint", liaison=cast.police_liaison, sent_by=cast.city_admin,
        status=ComparisonStatus.MATCHED, matched_identity="王建国",
        evidence=ContentFile(b"%PDF-1.4 comparison", name="evidence.pdf"))
    url = reverse("tracing:comparison_evidence", args=[item.pk])
    client.force_login(cast.police_liaison)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert reads(cast.police_liaison, item) == 1
    client.force_login(cast.laoshan_tracing)
    assert client.get(url).status_code == 404


def test_a_photo_without_a_face_is_never_public(cast, client):
    """Only a crop of the face is published (tests/tracing/test_announcements.py): a photo of
    something else gives the announcement no photo at all."""
    case = admit_unidentified(cast.shinan_substation, by=cast.city_admin)
    PersonPhoto.objects.create(person=case.person, image=jpeg(), taken_by=cast.city_admin)
    announcement = announcements.publish_announcement(case, found_place="台东步行街",
                                                      by=cast.city_admin)
    url = reverse("tracing:announcement_photo", args=[announcement.pk])
    assert url not in client.get(reverse("tracing:public_announcements")).content.decode()
    assert client.get(url).status_code == 404
