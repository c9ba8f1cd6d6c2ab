"""Photo and fingerprints left for later at admission are taken from the person file; the
tracing step is ticked once both are on file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from songnuan.people.models import BiometricNotTaken, FingerprintCapture
from songnuan.tracing.models import StepKind
from tests.tracing.factories import admit_unidentified

pytestmark = pytest.mark.django_db


def test_what_was_left_for_later_is_recorded_from_the_file_and_ticks_the_step(cast, client):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    person = case.person
    client.force_login(cast.laoshan_station)
    page = client.get(person.get_absolute_url()).content.decode()
    url = reverse("people:biometrics", args=[person.pk])
    assert url in page
    nothing = client.post(url, {})
    assert nothing.status_code == 200 and nothing.context["form"].non_field_errors()
    done = client.post(url, {"fingerprint_device": "海鑫 HX-F300",
                             "fingerprint_reference": "QDLS2026120500320",
                             "photo_not_taken": "cannot", "photo_note": "面部烧伤包扎"})
    assert done.status_code == 302
    assert FingerprintCapture.objects.get(person=person).operator == cast.laoshan_station
    assert BiometricNotTaken.objects.get(person=person).reason == "cannot"
    assert case.steps.get(kind=StepKind.BIOMETRICS).done_at is not None


def test_a_refused_file_keeps_the_other_input_and_asks_for_the_file_again(cast, client):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    client.force_login(cast.laoshan_station)
    url = reverse("people:biometrics", args=[case.person.pk])
    response = client.post(url, {
        "photo": SimpleUploadedFile("face.pdf", b"%PDF-1.4", "application/pdf"),
        "fingerprint_device": "海鑫 HX-F300", "fingerprint_reference": "QDLS2026120500321"})
    assert response.status_code == 200 and "photo" in response.context["form"].errors
    page = response.content.decode()
    assert "海鑫 HX-F300" in page and "QDLS2026120500321" in page
    assert not FingerprintCapture.objects.exists()  # nothing half-written


def test_staff_without_the_sensitive_permission_cannot_open_it(cast, client):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    client.force_login(cast.laoshan_viewer)
    assert client.get(reverse("people:biometrics", args=[case.person.pk])).status_code == 404
