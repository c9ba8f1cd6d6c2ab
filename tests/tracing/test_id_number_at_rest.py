"""A report's ID number is stored encrypted, shown and audited as a person's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
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


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_numbers_already_stored(cast):
    executor = MigrationExecutor(connection)
    executor.migrate([("tracing", "0003_report_external_id")])
    old = executor.loader.project_state([("tracing", "0003_report_external_id")]).apps
    old.get_model("tracing", "MissingReport").objects.create(
        reference="XR202611290001", name="王秀英", id_number=NUMBER, reporter_name="王建军",
        reporter_phone="13963952211", district_id=cast.laoshan_substation.district.pk)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    report = MissingReport.objects.get(reference="XR202611290001")
    assert report.id_number() == NUMBER
    assert report.id_number_digest == crypto.keyed_hash(NUMBER)
