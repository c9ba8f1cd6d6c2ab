"""The audit log records who changed what, with old values, and cannot itself be changed."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from songnuan.accounts import audit
from songnuan.accounts.models import AuditEvent, Organisation


def events_for(obj, action):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


def test_an_edit_through_the_page_is_logged_with_old_and_new_values(cast, client):
    client.force_login(cast.shinan_admin)
    org = cast.shinan_bureau
    response = client.post(reverse("accounts:organisation_edit", args=[org.pk]), {
        "name": "市南区民政局（新址）", "kind": org.kind, "district": org.district_id,
        "phone": "0532-82881234", "is_active": "on",
    })
    assert response.status_code == 302
    event = events_for(org, "update").get()
    assert event.actor == cast.shinan_admin
    assert event.changes["name"] == ["市南区民政局", "市南区民政局（新址）"]
    assert event.changes["phone"] == ["", "0532-82881234"]
    assert event.ip == "127.0.0.1"


def test_saving_without_changes_logs_nothing(cast):
    org = Organisation.objects.get(pk=cast.shinan_bureau.pk)
    before = AuditEvent.objects.count()
    org.save()
    assert AuditEvent.objects.count() == before


def test_a_password_change_is_logged_without_the_hash(cast):
    user = cast.shinan_viewer
    user.set_password("another-long-passphrase")
    user.first_name = "雷"
    with audit.acting_as(cast.city_admin):
        user.save()
    event = events_for(user, "update").latest("id")
    assert "password" not in event.changes
    assert event.changes["first_name"] == ["磊", "雷"]
    assert event.actor == cast.city_admin


def test_a_deletion_keeps_what_was_deleted(cast):
    org = Organisation.objects.create(name="临时单位", kind="partner")
    pk = org.pk
    org.delete()
    event = AuditEvent.objects.get(object_type="accounts.organisation", object_id=str(pk),
                                   action="delete")
    assert event.changes["name"] == ["临时单位", None]


def test_sensitive_reads_are_logged(cast):
    audit.record_sensitive_read(cast.shinan_bureau, ["phone"], user=cast.shinan_station)
    event = AuditEvent.objects.get(action="read_sensitive")
    assert event.actor == cast.shinan_station
    assert event.changes == {"fields": ["phone"]}


def test_the_log_page_names_the_sensitive_fields_a_person_file_showed(cast, client):
    from tests.people.factories import make_person

    person = make_person("刘德明", id_number="370202195805123017", site=cast.shinan_substation)
    client.force_login(cast.shinan_station)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    client.force_login(cast.city_admin)
    response = client.get(reverse("accounts:audit_log"), {"action": "read_sensitive"})
    assert response.status_code == 200
    assert "身份证号" in response.content.decode()


def test_the_model_refuses_to_change_or_delete_an_event(cast):
    event = AuditEvent.objects.first()
    event.action = "logout"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_to_rewrite_the_log(cast):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().update(actor_name="nobody")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL refuses deletes too")
def test_postgresql_refuses_to_delete_from_the_log(cast):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)


def test_only_city_administrators_browse_the_log(cast, client):
    client.force_login(cast.shinan_admin)
    assert client.get(reverse("accounts:audit_log")).status_code == 403
    client.force_login(cast.city_admin)
    response = client.get(reverse("accounts:audit_log"), {"action": "create"})
    assert response.status_code == 200
    assert "市南区民政局" in response.content.decode()


def test_the_log_filters_by_user_and_rejects_a_reversed_range(cast, client):
    client.force_login(cast.city_admin)
    with audit.acting_as(cast.laoshan_admin):
        Organisation.objects.create(name="崂山区慈善会", kind="partner")
    page = client.get(reverse("accounts:audit_log"), {"user": "laoshan.admin"}).content.decode()
    assert "崂山区慈善会" in page and "市南区民政局" not in page
    response = client.get(reverse("accounts:audit_log"),
                          {"since": "2026-12-01", "until": "2026-11-01"})
    assert "结束日期早于开始日期" in response.content.decode()
