"""Photos: only images of acceptable size, stored without EXIF, GPS used when no place given."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from PIL import Image

from songnuan.accounts.models import AuditEvent
from songnuan.leads import services
from songnuan.leads.models import Lead, LeadPhoto, LeadStatusChange
from songnuan.leads.photos import clean_photo
from songnuan.outreach import dispatch
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, jpeg_with_gps, png
from tests.outreach.factories import make_squad


def form(**extra) -> dict:
    data = {"client_request_id": "photo-000000001", "coord": "wgs84", "people_count": 1,
            "place": "", "description": "", "lat": "", "lon": ""}
    data.update(extra)
    return data


def test_the_stored_photo_has_no_exif_at_all(db, client):
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the original carries metadata
    upload.seek(0)
    response = client.post("/report/", form(photos=[upload], place="青岛站"))
    assert response.status_code == 302
    photo = LeadPhoto.objects.get()
    stored = photo.image.read()
    assert b"Exif" not in stored and b"TestPhone" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert photo.had_gps


def test_the_photo_gps_locates_a_report_that_gave_no_place(db, client):
    lat, lon = LAOSHAN_ZHANGCUN
    client.post("/report/", form(photos=[jpeg_with_gps(lat, lon)]))
    lead = Lead.objects.get()
    assert abs(lead.lat - lat) < 1e-4 and abs(lead.lon - lon) < 1e-4
    assert lead.location_source == "photo" and lead.district.code == "370212"


def test_given_coordinates_win_over_the_photo(db, client):
    client.post("/report/", form(photos=[jpeg_with_gps(*LAOSHAN_ZHANGCUN)], lat="36.0648",
                                 lon="120.3135"))
    assert Lead.objects.get().district.code == "370202"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(db, client):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post("/report/", form(photos=[fake], place="青岛站"))
    assert response.status_code == 422
    assert "photos" in response.context["form"].errors
    assert not Lead.objects.exists() and not LeadPhoto.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(db, client, settings):
    settings.LEADS_PHOTO_MAX_BYTES = 1000
    response = client.post("/report/", form(photos=[jpeg_with_gps(size=(400, 400))],
                                            place="青岛站"))
    assert response.status_code == 422 and "photos" in response.context["form"].errors
    assert not Lead.objects.exists()


def test_at_most_three_photos(db, client):
    response = client.post("/report/", form(photos=[png(), png(), png(), png()], place="青岛站"))
    assert "photos" in response.context["form"].errors
    assert not Lead.objects.exists()


def test_a_gif_is_refused(db, client):
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    gif = SimpleUploadedFile("a.gif", out.getvalue(), content_type="image/gif")
    response = client.post("/report/", form(photos=[gif], place="青岛站"))
    assert "photos" in response.context["form"].errors


def test_photos_are_served_only_to_staff_in_scope_and_each_read_is_logged(cast, client):
    from songnuan.accounts.models import AuditEvent

    client.post("/report/", form(photos=[png()], lat="36.0648", lon="120.3135"))
    photo = LeadPhoto.objects.get()
    url = f"/leads/{photo.lead_id}/photos/{photo.pk}/"
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(cast.laoshan_dispatcher)
    assert client.get(url).status_code == 404
    client.force_login(cast.shinan_dispatcher)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(action="read_sensitive", actor=cast.shinan_dispatcher).exists()
    assert not str(photo.image.name).startswith("/")


@pytest.fixture
def shinan_photo(cast, client):
    """A 市南区 report with one photo, sent through the public page."""
    client.post("/report/", form(photos=[png()], lat="36.0648", lon="120.3135"))
    client.logout()
    return LeadPhoto.objects.select_related("lead").get()


def photo_url(photo: LeadPhoto) -> str:
    return f"/leads/{photo.lead_id}/photos/{photo.pk}/"


def photo_reads(user) -> int:
    return AuditEvent.objects.filter(action="read_sensitive", actor=user).count()


def test_every_read_of_a_photo_writes_its_own_audit_event(cast, client, shinan_photo):
    client.force_login(cast.shinan_admin)
    for expected in (1, 2):
        response = client.get(photo_url(shinan_photo))
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        assert photo_reads(cast.shinan_admin) == expected
    event = AuditEvent.objects.filter(actor=cast.shinan_admin).latest("id")
    assert event.object_id == str(shinan_photo.lead_id)
    assert event.changes == {"fields": [f"photo {shinan_photo.pk}"]}


def test_staff_who_may_see_the_lead_but_not_its_photos_are_refused(cast, client, shinan_photo):
    for user in (cast.shinan_viewer, cast.shinan_station, cast.city_viewer):
        client.force_login(user)
        assert client.get(reverse_detail(shinan_photo)).status_code == 200  # the lead: yes
        assert client.get(photo_url(shinan_photo)).status_code == 403  # its photo: no
        assert photo_reads(user) == 0


def test_the_lead_page_shows_photos_only_to_those_who_may_see_them(cast, client, shinan_photo):
    client.force_login(cast.shinan_viewer)
    assert photo_url(shinan_photo) not in client.get(reverse_detail(shinan_photo)).content.decode()
    client.force_login(cast.shinan_dispatcher)
    assert photo_url(shinan_photo) in client.get(reverse_detail(shinan_photo)).content.decode()


def test_a_patroller_sees_the_photos_only_of_leads_assigned_to_their_squad(cast, client,
                                                                           shinan_photo):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    client.force_login(cast.shinan_patroller)
    assert client.get(photo_url(shinan_photo)).status_code == 403
    task = dispatch.assign_lead(shinan_photo.lead, squad, by=cast.shinan_dispatcher)
    assert client.get(photo_url(shinan_photo)).status_code == 200
    assert photo_reads(cast.shinan_patroller) == 1
    dispatch.reassign(task, make_squad("市南救助二队"), by=cast.shinan_dispatcher)
    assert client.get(photo_url(shinan_photo)).status_code == 403  # the lead went elsewhere


def test_a_squad_that_declined_the_task_no_longer_sees_the_photos(cast, client, shinan_photo):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    task = dispatch.assign_lead(shinan_photo.lead, squad, by=cast.shinan_dispatcher)
    client.force_login(cast.shinan_patroller)
    assert client.get(photo_url(shinan_photo)).status_code == 200
    dispatch.decline(task, by=cast.shinan_patroller, reason="车辆故障")
    assert client.get(photo_url(shinan_photo)).status_code == 403


def test_a_patroller_on_another_squad_is_refused(cast, client, shinan_photo):
    squad = make_squad("市南救助二队")
    make_squad("市南救助三队", members=[cast.shinan_patroller])
    dispatch.assign_lead(shinan_photo.lead, squad, by=cast.shinan_dispatcher)
    client.force_login(cast.shinan_patroller)
    assert client.get(photo_url(shinan_photo)).status_code == 403


def test_photos_are_never_served_as_public_media(cast, client, shinan_photo):
    assert client.get(settings.MEDIA_URL + shinan_photo.image.name).status_code == 404
    client.force_login(cast.city_admin)
    assert client.get(settings.MEDIA_URL + shinan_photo.image.name).status_code == 404


def test_no_photo_file_is_left_when_the_report_rolls_back(db, monkeypatch):
    before = set(stored_photo_files())

    real_insert = services.prepared.insert

    def connection_lost_at_the_history(*rows):
        if isinstance(rows[0], LeadStatusChange):
            raise OperationalError("server closed the connection unexpectedly")
        real_insert(*rows)

    # The database fails after the photo was written, before the report commits.
    monkeypatch.setattr(services.prepared, "insert", connection_lost_at_the_history)
    with pytest.raises(OperationalError):
        services.submit_lead(services.LeadInput(
            source="public_api", lat=SHINAN_STATION_SQUARE[0], lon=SHINAN_STATION_SQUARE[1],
            photos=[clean_photo(png())], client_request_id="photo-rollback-1"))
    assert not Lead.objects.exists() and not LeadPhoto.objects.exists()
    assert set(stored_photo_files()) == before


def stored_photo_files() -> list[str]:
    root = settings.MEDIA_ROOT / "leads" / "photos"
    return [str(path) for path in root.rglob("*.jpg")] if root.exists() else []


def reverse_detail(photo: LeadPhoto) -> str:
    return f"/leads/{photo.lead_id}/"
