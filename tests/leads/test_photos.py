"""Photos: only images of acceptable size, stored without EXIF, GPS used when no place given."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from songnuan.leads.models import Lead, LeadPhoto
from tests.leads.factories import LAOSHAN_ZHANGCUN, jpeg_with_gps, png


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
