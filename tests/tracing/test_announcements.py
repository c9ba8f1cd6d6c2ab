"""Announcements: prefilled from the case, the public photo a close crop of the face served
only while the announcement is public and each fetch audited, every publication and monthly
refresh kept with its channel and reference, the case officer reminded when a refresh is due."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from songnuan.accounts.models import AuditEvent
from songnuan.duty.models import Alert
from songnuan.people import faces
from songnuan.people.models import PersonPhoto
from songnuan.refusals import Refused
from songnuan.shelter.admission import expect_arrival
from songnuan.tracing import announcements, casework
from songnuan.tracing.models import Announcement, Channel
from tests.tracing.factories import admit_unidentified

pytestmark = pytest.mark.django_db

PORTRAIT = Path(__file__).parent / "data" / "grace_hopper.jpg"
needs_faces = pytest.mark.skipif(not faces.available(), reason="needs the faces extra")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def portrait() -> SimpleUploadedFile:
    return SimpleUploadedFile("admission.jpg", PORTRAIT.read_bytes(), "image/jpeg")


def test_the_form_is_prefilled_with_where_he_was_found_and_whom_to_call(cast, client):
    station = cast.laoshan_substation
    station.phone = "0532-88997766"
    station.save()
    case = admit_unidentified(station, by=cast.laoshan_station, ranked=False)
    case.stay.arrival = expect_arrival(station, description="男，约60岁",
                                       coming_from="沙子口街道南姜码头")
    case.stay.save()
    casework.assign_officer(case, cast.laoshan_tracing)
    filled = announcements.prefill(case)
    assert filled["found_place"] == "沙子口街道南姜码头"
    assert filled["contact"].startswith("崂山区救助管理分站 0532-88997766")
    client.force_login(cast.laoshan_tracing)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'value="沙子口街道南姜码头"' in page and "0532-88997766" in page


@needs_faces
def test_the_public_photo_is_a_face_crop_public_only_while_published_and_audited(cast, client):
    case = admit_unidentified(cast.shinan_substation, by=cast.city_admin, ranked=False)
    PersonPhoto.objects.create(person=case.person, image=portrait(), taken_by=cast.city_admin)
    announcement = announcements.publish_announcement(case, found_place="台东步行街",
                                                      by=cast.city_admin)
    url = reverse("tracing:announcement_photo", args=[announcement.pk])
    assert url in client.get(reverse("tracing:public_announcements")).content.decode()
    assert "/media/" not in client.get(reverse("tracing:public_announcements")).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    crop = b"".join(response.streaming_content)
    with Image.open(io.BytesIO(crop)) as shown, Image.open(PORTRAIT) as original:
        assert shown.width * shown.height < original.width * original.height / 3
    assert announcement.photo.name != case.person.photos.get().image.name
    logged = AuditEvent.objects.filter(action="read_sensitive", object_id=str(announcement.pk),
                                       object_type="tracing.announcement")
    assert logged.count() == 1 and logged.get().changes == {"fields": ["public_photo"]}
    announcements.take_down(case, reason="已找到家人")
    assert client.get(url).status_code == 404


def test_publications_are_kept_per_channel_and_the_first_date_stays(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    first_day = timezone.now() - datetime.timedelta(days=40)
    announcement = announcements.publish_announcement(
        case, found_place="崂山区沙子口", by=cast.laoshan_tracing, now=first_day,
        references={Channel.NATIONAL: "XQ-370212-2026-0457", Channel.PRESS: ""})
    assert {(p.channel, p.reference) for p in announcement.publications.all()} == {
        ("site", ""), ("national", "XQ-370212-2026-0457")}
    with pytest.raises(Refused):
        announcements.refresh_announcement(case, channel=Channel.PRESS, reference=" ",
                                           by=cast.laoshan_tracing)
    announcements.refresh_announcement(case, channel=Channel.PRESS,
                                       reference="《半岛都市报》2026-12-05 A12版",
                                       by=cast.laoshan_tracing)
    announcement.refresh_from_db()
    assert announcement.published_at == first_day and announcement.refreshed_at > first_day
    assert announcement.publications.filter(is_refresh=True).get().channel == "press"


def test_the_case_officer_is_reminded_once_when_the_monthly_refresh_is_due(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    casework.assign_officer(case, cast.laoshan_tracing)
    published = timezone.now() - datetime.timedelta(days=20)
    announcements.publish_announcement(case, found_place="崂山区沙子口", by=cast.laoshan_tracing,
                                       now=published)
    assert announcements.remind_refresh() == 0
    later = published + datetime.timedelta(days=32)
    assert announcements.remind_refresh(now=later) == 1
    assert announcements.remind_refresh(now=later + datetime.timedelta(hours=1)) == 0
    alert = Alert.objects.get(recipient=cast.laoshan_tracing)
    assert "寻亲公告" in alert.text or "refresh" in alert.text
    announcements.refresh_announcement(case, channel=Channel.SITE, by=cast.laoshan_tracing,
                                       now=later)
    assert announcements.remind_refresh(now=later + datetime.timedelta(days=2)) == 0


def test_an_older_announcement_pointing_at_the_whole_photo_never_sends_it(cast, client):
    case = admit_unidentified(cast.shinan_substation, by=cast.city_admin, ranked=False)
    photo = PersonPhoto.objects.create(person=case.person, image=portrait(),
                                       taken_by=cast.city_admin)
    announcement = announcements.publish_announcement(case, found_place="台东步行街",
                                                      by=cast.city_admin)
    Announcement.objects.filter(pk=announcement.pk).update(photo=photo.image.name)
    url = reverse("tracing:announcement_photo", args=[announcement.pk])
    assert client.get(url).status_code == 404
