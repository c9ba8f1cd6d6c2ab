"""Consent, review and withdrawal rules of publicity cases, in the service."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from songnuan.accounts.models import AuditEvent
from songnuan.cases import services
from songnuan.cases.models import Audience, Case, CasePhoto, ConsentGiver, ConsentMethod, Status
from songnuan.outreach.models import Hotspot, PlaceType
from songnuan.refusals import Conflict, Refused
from tests.cases.factories import a_person, approved, consented, proposed
from tests.factories import SHINAN, district

pytestmark = pytest.mark.django_db


def test_a_proposal_is_anonymised_at_once(cast):
    Hotspot.objects.create(name="八大关桥洞", place_type=PlaceType.BRIDGE_CULVERT, lat=36.0535,
                           lon=120.3521, district=district(SHINAN))
    case = proposed(cast)
    assert case.status == Status.DRAFT
    assert case.public_title == "王某的冬夜"
    assert "王建国" not in case.public_story and "王某" in case.public_story
    assert "401X" not in case.public_story and "13805321234" not in case.public_story
    assert "八大关桥洞" not in case.public_story
    assert case.photos.count() == 1


def test_without_consent_a_case_cannot_go_to_review(cast):
    case = proposed(cast)
    with pytest.raises(Refused, match="知情同意"):
        services.submit(case, by=cast.shinan_station)
    case.refresh_from_db()
    assert case.status == Status.DRAFT


def test_with_consent_it_goes_to_review(cast):
    case = consented(proposed(cast), cast.shinan_station)
    services.submit(case, by=cast.shinan_station)
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize(("given_by", "method", "field"), [
    (ConsentGiver.GUARDIAN, ConsentMethod.WRITTEN, "guardian_name"),
    (ConsentGiver.PERSON, ConsentMethod.VERBAL, "witness"),
])
def test_guardian_consent_needs_a_name_and_verbal_consent_a_witness(cast, given_by, method,
                                                                    field):
    case = proposed(cast)
    with pytest.raises(Refused) as refused:
        services.record_consent(case, services.ConsentInput(
            given_by=given_by, given_on=timezone.localdate(), method=method,
            scope=Audience.INTERNAL), by=cast.shinan_station)
    assert refused.value.field == field
    assert not hasattr(Case.objects.get(pk=case.pk), "consent")


def test_consent_is_recorded_once(cast):
    case = consented(proposed(cast), cast.shinan_station)
    with pytest.raises(Conflict):
        consented(case, cast.shinan_station)


def test_a_station_worker_cannot_approve(cast):
    case = consented(proposed(cast), cast.shinan_station)
    services.submit(case, by=cast.shinan_station)
    with pytest.raises(Refused):
        services.review(case, approve=True, by=cast.shinan_station)
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


def test_another_districts_admin_cannot_approve(cast):
    case = consented(proposed(cast), cast.shinan_station)
    services.submit(case, by=cast.shinan_station)
    with pytest.raises(Refused):
        services.review(case, approve=True, by=cast.laoshan_admin)


def test_a_return_needs_a_note_and_the_case_can_be_resubmitted(cast):
    case = consented(proposed(cast), cast.shinan_station)
    services.submit(case, by=cast.shinan_station)
    with pytest.raises(Refused):
        services.review(case, approve=False, note=" ", by=cast.shinan_admin)
    services.review(case, approve=False, note="照片背景里能看到站名", by=cast.shinan_admin)
    assert case.status == Status.RETURNED
    services.edit(case, title="一个冬夜", story="王建国在站里住了三晚。", by=cast.shinan_station)
    assert case.public_story == "王某在站里住了三晚。"
    services.submit(case, by=cast.shinan_station)
    assert case.status == Status.IN_REVIEW


def test_internal_consent_allows_no_public_export(cast):
    case = approved(cast, Audience.INTERNAL)
    with pytest.raises(Refused):
        services.export_docx([case], Audience.PUBLIC, by=cast.shinan_admin)
    with pytest.raises(Refused):
        services.export_docx([case], Audience.BUREAU, by=cast.shinan_admin)
    assert services.export_docx([case], Audience.INTERNAL, by=cast.shinan_admin)


def test_a_case_in_review_cannot_be_exported(cast):
    case = consented(proposed(cast), cast.shinan_station)
    services.submit(case, by=cast.shinan_station)
    with pytest.raises(Refused):
        services.export_docx([case], Audience.INTERNAL, by=cast.shinan_admin)


def test_the_export_holds_only_the_anonymised_text_and_is_audited(cast):
    case = approved(cast)
    content = services.export_docx([case], Audience.PUBLIC, by=cast.shinan_admin)
    document = Document(io.BytesIO(content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "王某的冬夜" in text and "王某" in text
    assert "王建国" not in text and "13805321234" not in text
    assert len(document.inline_shapes) == 1
    assert AuditEvent.objects.filter(action="export", object_id=str(case.pk)).exists()


def test_withdrawal_takes_the_case_down_everywhere_and_is_audited(cast):
    case = approved(cast)
    photo_file = case.photos.get().image
    storage, name = photo_file.storage, photo_file.name
    services.withdraw(case, on=timezone.localdate(), reason="本人出站后不愿再公开",
                      by=cast.shinan_station)
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    assert case.public_title == "" and case.public_story == ""
    assert not CasePhoto.objects.filter(case=case).exists()
    assert not storage.exists(name)
    assert not services.exportable(Case.objects.all(), Audience.INTERNAL).exists()
    with pytest.raises(Refused):
        services.export_docx([case], Audience.INTERNAL, by=cast.shinan_admin)
    event = AuditEvent.objects.get(action="consent_withdrawn", object_id=str(case.pk))
    assert event.actor == cast.shinan_station
    assert event.changes["reason"] == "本人出站后不愿再公开"


def test_a_withdrawal_needs_a_reason_and_a_sensible_date(cast):
    case = approved(cast)
    with pytest.raises(Refused):
        services.withdraw(case, on=timezone.localdate(), reason="", by=cast.shinan_station)
    with pytest.raises(Refused):
        services.withdraw(case, on=timezone.localdate() + datetime.timedelta(days=1),
                          reason="不愿公开", by=cast.shinan_station)
    assert Case.objects.get(pk=case.pk).status == Status.APPROVED


def test_a_withdrawn_case_cannot_be_consented_again(cast):
    case = approved(cast)
    services.withdraw(case, on=timezone.localdate(), reason="不愿公开", by=cast.shinan_station)
    with pytest.raises(Conflict):
        consented(case, cast.shinan_station)


def test_someone_elses_district_person_cannot_be_proposed(cast):
    person = a_person(cast, "刘德福", code="370212")
    with pytest.raises(Refused):
        proposed(cast, person, by=cast.shinan_station)
    assert not Case.objects.exists()


def test_the_city_administrator_reviews_any_districts_case(cast):
    case = consented(proposed(cast), cast.shinan_station)
    services.submit(case, by=cast.shinan_station)
    services.review(case, approve=True, by=cast.city_admin)
    assert Case.objects.get(pk=case.pk).status == Status.APPROVED
