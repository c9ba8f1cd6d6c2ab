"""A report's ID number is stored encrypted, shown and audited as a person's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.accounts.models import AuditEvent
from songnuan.linkage.idnumber import with_check
from songnuan.people import crypto
from songnuan.tracing.models import MissingReport
from tests.tracing.factories import make_report

NUMBER = with_check("37290119680315001")


@pytest.mark.django_db
def test_the_number_is_only_stored_encrypted_and_found_by_its_hash(cast):
    report = make_report(district=cast.laoshan_substation.district)
    report.set_id_number(NUMBER)
    report.save()
    stored = MissingReport.objects.values("id_number_cipher", "id_number_digest").get()
    assert NUMBER not in str(stored)
    assert MissingReport.objects.get(id_number_digest=crypto.keyed_hash(NUMBER)).id_number() \
        == NUMBER


@pytest.mark.django_db
def test_staff_entry_encrypts_the_number_and_only_sensitive_staff_see_it_audited(client_for,
                                                                                 cast):
    officer = client_for(cast.laoshan_tracing)
    officer.post(reverse("tracing:report_add"), {
        "name": "张卫东", "sex": "M", "id_number": NUMBER.lower(), "birth_year": 1968,
        "reporter_name": "张丽", "reporter_phone": "13800000001",
        "district": cast.laoshan_substation.district.pk})
    report = MissingReport.objects.get()
    assert report.id_number() == NUMBER
    page = officer.get(report.get_absolute_url()).content.decode()
    assert NUMBER in page
    read = AuditEvent.objects.get(action="read_sensitive", object_id=str(report.pk))
    assert read.actor == cast.laoshan_tracing and read.changes == {"fields": ["id_number"]}
    viewer_page = client_for(cast.laoshan_viewer).get(report.get_absolute_url())
    assert viewer_page.status_code == 200
    assert NUMBER not in viewer_page.content.decode()
    assert AuditEvent.objects.filter(action="read_sensitive").count() == 1

