"""Prepared inserts store a row exactly as `save()` would, without building the SQL each time."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from songnuan.accounts import audit
from songnuan.accounts.models import AuditEvent
from songnuan.leads.models import Lead, LeadStatusChange
from songnuan.prepared import fetch_opening, insert
from tests.factories import district
from tests.leads.factories import SHINAN_STATION_SQUARE


def new_lead(**fields) -> Lead:
    lat, lon = SHINAN_STATION_SQUARE
    return Lead(source="public_api", lat=lat, lon=lon, district=district("370202"),
                flags=["elderly", "lying_down"], description="天桥下有位老人躺着",
                reporter_phone="13953212345", reporter_ip="10.1.2.3",
                priority_reasons=[{"code": "flag", "points": 3, "params": {"flag": "elderly"}}],
                **fields)


def test_it_stores_a_row_as_save_would(db):
    lead = new_lead(client_request_id="insert-00000001")
    insert(lead)
    assert lead.pk is not None and not lead._state.adding
    stored = Lead.objects.get(pk=lead.pk)
    assert stored.tracking_code == lead.tracking_code
    assert stored.flags == ["elderly", "lying_down"]
    assert stored.priority_reasons[0]["params"] == {"flag": "elderly"}
    assert stored.reporter_ip == "10.1.2.3" and stored.district.code == "370202"
    assert stored.received_at == lead.received_at
    assert stored.updated_at is not None  # auto_now filled in as on a save
    assert stored.status == "received" and stored.outcome == ""


def test_it_writes_several_rows_in_one_statement_each_with_its_key(db,
                                                                  django_assert_num_queries):
    lead = new_lead()
    insert(lead)
    at = lead.received_at + datetime.timedelta(seconds=1)
    steps = [LeadStatusChange(lead=lead, at=lead.received_at, to_status="received"),
             LeadStatusChange(lead=lead, at=at, from_status="received", to_status="triaged",
                              note="到达时已判断优先级")]
    with django_assert_num_queries(1):
        insert(*steps)
    assert [step.pk for step in steps] == list(
        lead.history.order_by("id").values_list("pk", flat=True))
    assert lead.history.order_by("id").last().note == "到达时已判断优先级"


def test_a_duplicate_key_raises_the_usual_integrity_error(db):
    insert(new_lead(client_request_id="insert-00000002"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(new_lead(client_request_id="insert-00000002"))
    assert Lead.objects.count() == 1


def test_a_lead_written_this_way_is_in_the_audit_log_with_its_phone_masked(db):
    lead = new_lead()
    insert(lead)
    audit.record_creation(lead)
    event = AuditEvent.objects.get(object_type="leads.lead", object_id=str(lead.pk))
    assert event.action == "create"
    assert event.changes["reporter_phone"] == [None, audit.MASK]
    assert event.changes["description"] == [None, "天桥下有位老人躺着"]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the stand-in for the health check is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_opening_read_reconnects_once_when_the_server_dropped_the_connection():
    """A restarted or idle-killed server: the first read of the next request still answers."""
    import psycopg

    from tests.factories import ensure_districts

    ensure_districts()  # an earlier transactional test may have flushed them
    lead = new_lead(client_request_id="insert-00000009")
    insert(lead)
    connection.close_if_unusable_or_obsolete()  # what Django does at the start of a request
    pid = connection.connection.info.backend_pid
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    rows = fetch_opening("SELECT id FROM leads_lead WHERE client_request_id = %s",
                         ["insert-00000009"])
    assert rows == [(lead.pk,)]
    assert connection.connection.info.backend_pid != pid


def test_the_opening_read_does_not_hide_a_wrong_statement(db):
    with pytest.raises(DatabaseError):
        fetch_opening("SELECT no_such_column FROM leads_lead", [])
