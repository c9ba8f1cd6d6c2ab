"""The verification queue: candidates by risk in the user's scope, confirmed into leads through
the leads service (dedup included), dismissed with a reason; pictures shown blurred, with faces
only to the sensitive-data permission, every view logged; retention of dismissed pictures."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.utils import timezone

from songnuan.accounts.models import AuditEvent
from songnuan.cameras import services
from songnuan.cameras.models import CandidateStatus, Detection, DismissReason, UsedSignature
from songnuan.leads.models import Flag, LeadStatus, Source
from songnuan.refusals import Conflict, Refused
from tests.cameras.factories import laoshan_camera, make_camera, make_owner, payload, send
from tests.leads.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_and_secret():
    owner, secret = make_owner()
    make_camera(owner)
    laoshan_camera(owner)
    return owner, secret


def detect(client, owner, secret, **fields) -> Detection:
    response = send(client, owner, secret, payload(**fields))
    assert response.status_code == 201, response.json()
    return Detection.objects.get(pk=response.json()["detection_id"])


def test_the_queue_puts_the_riskiest_first_and_keeps_to_the_district(cast, client,
                                                                     owner_and_secret):
    owner, secret = owner_and_secret
    sitting = detect(client, owner, secret, label="sitting_still", confidence=0.6)
    lying = detect(client, owner, secret, label="lying", confidence=0.95)
    laoshan = detect(client, owner, secret, camera="LS-ZC-001")
    assert [d.pk for d in services.queue(cast.shinan_dispatcher)] == [lying.pk, sitting.pk]
    assert [d.pk for d in services.queue(cast.laoshan_dispatcher)] == [laoshan.pk]
    assert {d.pk for d in services.queue(cast.centre_dispatcher)} == {lying.pk, sitting.pk,
                                                                      laoshan.pk}
    assert services.queue(cast.shinan_patroller) == []


def test_the_cold_and_a_long_stay_raise_the_risk(owner_and_secret, client):
    owner, secret = owner_and_secret
    candidate = detect(client, owner, secret, label="person", confidence=0.5)
    mild = services.risk(candidate, 8)
    assert services.risk(candidate, -10) > mild
    candidate.first_seen_at = candidate.captured_at - datetime.timedelta(minutes=90)
    assert services.risk(candidate, 8) > mild


def test_a_confirmed_candidate_becomes_a_camera_lead_with_its_blurred_picture(
        cast, client, owner_and_secret):
    owner, secret = owner_and_secret
    candidate = detect(client, owner, secret)
    lead = services.confirm(candidate, by=cast.shinan_dispatcher)
    assert lead.source == Source.CAMERA
    assert lead.status == LeadStatus.TRIAGED
    assert lead.district.code == "370202"
    assert Flag.LYING_DOWN in lead.flags
    assert "青岛站东广场地下通道" in lead.place
    photo = lead.photos.get()
    with photo.image.open("rb") as stored, candidate.picture.open("rb") as blurred:
        assert stored.read() == blurred.read()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED and candidate.lead == lead
    assert candidate.decided_by == cast.shinan_dispatcher


def test_confirming_links_a_person_already_reported_instead_of_a_second_dispatch(
        cast, client, owner_and_secret):
    owner, secret = owner_and_secret
    open_lead = report(description="地下通道里有位老人躺着", flags=[Flag.LYING_DOWN])
    candidate = detect(client, owner, secret)
    lead = services.confirm(candidate, by=cast.shinan_dispatcher)
    assert lead.status == LeadStatus.DUPLICATE
    assert lead.duplicate_of == open_lead


def test_a_candidate_is_verified_once(cast, client, owner_and_secret):
    owner, secret = owner_and_secret
    candidate = detect(client, owner, secret)
    services.dismiss(candidate, DismissReason.WORKER_OR_PASSER_BY, by=cast.shinan_dispatcher)
    with pytest.raises(Conflict):
        services.confirm(candidate, by=cast.shinan_dispatcher)
    assert candidate.camera.district.leads.count() == 0


def test_dismissing_as_other_needs_a_note(cast, client, owner_and_secret):
    owner, secret = owner_and_secret
    candidate = detect(client, owner, secret)
    with pytest.raises(Refused) as refused:
        services.dismiss(candidate, DismissReason.OTHER, "  ", by=cast.shinan_dispatcher)
    assert refused.value.field == "note"
    assert Detection.objects.get().status == CandidateStatus.PENDING


def test_the_dispatcher_confirms_from_the_queue_page(cast, client_for, client,
                                                     owner_and_secret):
    owner, secret = owner_and_secret
    candidate = detect(client, owner, secret)
    page = client_for(cast.shinan_dispatcher)
    assert page.get("/cameras/candidates/").status_code == 200
    response = page.post(f"/cameras/candidates/{candidate.pk}/confirm/", follow=True)
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.lead is not None
    assert candidate.lead.tracking_code in response.content.decode()


def test_a_dispatcher_of_another_district_cannot_touch_the_candidate(cast, client_for, client,
                                                                     owner_and_secret):
    owner, secret = owner_and_secret
    candidate = detect(client, owner, secret)
    page = client_for(cast.laoshan_dispatcher)
    assert page.post(f"/cameras/candidates/{candidate.pk}/confirm/").status_code == 404
    assert page.get(f"/cameras/candidates/{candidate.pk}/picture.jpg").status_code == 404
    assert Detection.objects.get().status == CandidateStatus.PENDING


def test_the_clear_picture_is_for_the_sensitive_permission_and_each_view_is_logged(
        cast, client_for, client, owner_and_secret):
    owner, secret = owner_and_secret
    candidate = detect(client, owner, secret)
    dispatcher = client_for(cast.shinan_dispatcher)
    assert dispatcher.get(f"/cameras/candidates/{candidate.pk}/picture.jpg").status_code == 200
    assert dispatcher.get(f"/cameras/candidates/{candidate.pk}/clear.jpg").status_code == 403
    admin = client_for(cast.shinan_admin)
    response = admin.get(f"/cameras/candidates/{candidate.pk}/clear.jpg")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    reads = AuditEvent.objects.filter(action="read_sensitive", object_id=str(candidate.pk),
                                      object_type="cameras.detection")
    assert {(event.actor, tuple(event.changes["fields"])) for event in reads} == {
        (cast.shinan_dispatcher, ("picture",)), (cast.shinan_admin, ("clear_picture",))}


def test_dismissed_pictures_are_deleted_after_the_retention_period(cast, client, caplog,
                                                                   owner_and_secret, settings):
    settings.CAMERAS_DISMISSED_PICTURE_DAYS = 7
    owner, secret = owner_and_secret
    old, recent, confirmed = (detect(client, owner, secret) for _ in range(3))
    now = timezone.now()
    services.dismiss(old, DismissReason.NOT_A_PERSON, by=cast.shinan_dispatcher,
                     now=now - datetime.timedelta(days=8))
    services.dismiss(recent, DismissReason.NOT_A_PERSON, by=cast.shinan_dispatcher,
                     now=now - datetime.timedelta(days=6))
    services.confirm(confirmed, by=cast.shinan_dispatcher)
    files = [old.picture.name, old.clear_picture.name]
    storage = old.picture.storage
    with caplog.at_level(logging.INFO, logger="songnuan.cameras.services"):
        assert services.purge_dismissed_pictures(now) == [old.pk]
    assert not any(storage.exists(name) for name in files)
    old.refresh_from_db()
    assert not old.picture and old.pictures_deleted_at == now
    for kept in (recent, confirmed):
        kept.refresh_from_db()
        assert kept.picture and storage.exists(kept.picture.name)
    assert f"dismissed camera candidates: {old.pk}" in caplog.text
    assert services.purge_dismissed_pictures(now) == []


def test_the_retention_job_forgets_signatures_too_old_to_replay(client, owner_and_secret):
    owner, secret = owner_and_secret
    detect(client, owner, secret)
    services.purge_dismissed_pictures(timezone.now() + datetime.timedelta(hours=1))
    assert not UsedSignature.objects.exists()
