"""The case pages: scoped by district, forms that keep what was typed, audited original text."""

from __future__ import annotations

import io
import uuid

import pytest
from django.utils import timezone
from docx import Document

from songnuan.accounts.models import AuditEvent
from songnuan.cases import services
from songnuan.cases.models import Case, Status
from songnuan.outreach import dispatch
from songnuan.outreach.models import Encounter, EncounterOutcome
from tests.cases.factories import a_person, a_photo, approved, consented, proposed
from tests.factories import LAOSHAN
from tests.outreach.factories import assigned_task, make_squad

pytestmark = pytest.mark.django_db


def test_the_person_file_offers_to_propose_a_case(cast, client_for):
    person = a_person(cast)
    page = client_for(cast.shinan_station).get(person.get_absolute_url())
    assert f"/cases/propose/{person.pk}/" in page.content.decode()


def test_a_proposal_from_the_person_file_is_anonymised(cast, client_for):
    person = a_person(cast, "欧阳春晓")
    client = client_for(cast.shinan_station)
    photo = person.photos.get()
    response = client.post(f"/cases/propose/{person.pk}/", {
        "title": "欧阳春晓回家", "story": "欧阳春晓，电话15966881234，在站里住了五天。",
        "photos": [photo.pk]})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.public_title == "欧阳某回家"
    assert case.public_story == "欧阳某，电话（电话已隐去），在站里住了五天。"
    assert case.photos.get().source == photo


def test_a_refused_proposal_keeps_what_was_typed(cast, client_for):
    person = a_person(cast)
    response = client_for(cast.shinan_station).post(f"/cases/propose/{person.pk}/", {
        "title": "", "story": "王建国在寒夜里被送到站里。"})
    assert response.status_code == 200
    assert "王建国在寒夜里被送到站里。" in response.content.decode()
    assert not Case.objects.exists()


def test_a_bad_upload_is_refused_with_a_message(cast, client_for):
    person = a_person(cast)
    upload = io.BytesIO(b"not a photo")
    upload.name = "x.jpg"
    response = client_for(cast.shinan_station).post(f"/cases/propose/{person.pk}/", {
        "title": "一个冬夜", "story": "王建国被送到站里。", "upload": upload})
    assert response.status_code == 200
    assert "一个冬夜" in response.content.decode()
    assert not Case.objects.exists()


def test_a_refused_consent_keeps_what_was_typed(cast, client_for):
    case = proposed(cast)
    response = client_for(cast.shinan_station).post(f"/cases/{case.pk}/consent/", {
        "given_by": "guardian", "given_on": timezone.localdate().isoformat(),
        "method": "verbal", "witness": "张丽", "scope": "internal"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写同意的监护人姓名" in body and 'value="张丽"' in body


def test_the_other_districts_staff_get_404(cast, client_for):
    case = consented(proposed(cast), cast.shinan_station)
    for user in (cast.laoshan_admin, cast.laoshan_station):
        client = client_for(user)
        assert client.get(f"/cases/{case.pk}/").status_code == 404
        assert client.post(f"/cases/{case.pk}/submit/").status_code == 404
        assert client.get(f"/cases/{case.pk}/export.docx?audience=internal").status_code == 404
        assert client.get(f"/cases/photos/{case.photos.get().pk}/").status_code == 404
        assert case.public_title not in client.get("/cases/").content.decode()


def test_a_station_worker_is_not_offered_the_review(cast, client_for):
    case = consented(proposed(cast), cast.shinan_station)
    services.submit(case, by=cast.shinan_station)
    client = client_for(cast.shinan_station)
    assert 'id="review"' not in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(f"/cases/{case.pk}/review/", {"decision": "approve"})
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


def test_reading_the_original_text_is_audited(cast, client_for):
    case = proposed(cast)
    body = client_for(cast.shinan_admin).get(f"/cases/{case.pk}/").content.decode()
    assert "王建国的冬夜" in body and "王某的冬夜" in body
    event = AuditEvent.objects.get(action="read_sensitive", object_id=str(case.pk))
    assert event.actor == cast.shinan_admin and set(event.changes["fields"]) == {"title", "story"}


def test_staff_without_case_permissions_see_no_case(cast, client_for):
    case = proposed(cast)
    client = client_for(cast.shinan_dispatcher)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get("/cases/").status_code == 403


def test_the_library_hides_a_withdrawn_case_and_its_export(cast, client_for):
    case = approved(cast)
    client = client_for(cast.shinan_admin)
    assert case.public_title in client.get("/cases/").content.decode()
    services.withdraw(case, on=timezone.localdate(), reason="本人要求删除", by=cast.shinan_admin)
    assert "王某的冬夜" not in client.get("/cases/").content.decode()
    assert client.get(f"/cases/{case.pk}/export.docx?audience=internal").status_code == 404
    response = client.get("/cases/export.docx?audience=internal")
    assert response.status_code == 302
    shown = client.get("/cases/?status=withdrawn").content.decode()
    assert f"案例 {case.pk}" in shown and "王某的冬夜" not in shown


def test_the_list_export_holds_only_what_consent_allows(cast, client_for):
    public = approved(cast)
    internal = approved(cast, "internal", person=a_person(cast, "李秀英"))
    response = client_for(cast.city_admin).get("/cases/export.docx?audience=public")
    assert response.status_code == 200
    headings = [p.text for p in Document(io.BytesIO(response.content)).paragraphs
                if p.style.name.startswith("Heading")]
    assert public.public_title in headings and internal.public_title not in headings
    assert "李秀英" not in response.content.decode("latin-1")


def test_a_laoshan_admin_sees_only_laoshan_cases(cast, client_for):
    approved(cast)
    person = a_person(cast, "孙德福", code=LAOSHAN)
    laoshan_case = services.propose(person, services.Proposal(
        title="孙德福的冬天", story="孙德福在沙子口过冬。", photos=[], uploads=[a_photo("white")]),
        by=cast.laoshan_station)
    body = client_for(cast.laoshan_admin).get("/cases/").content.decode()
    assert laoshan_case.public_title in body and "王某的冬夜" not in body


def test_a_case_can_start_from_an_encounter_on_the_person_file(cast, client_for):
    person = a_person(cast, "赵桂兰")
    squad = make_squad("市南一队", members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher, place="青岛站广场")
    dispatch.record_encounter(task, dispatch.EncounterInput(
        client_request_id=uuid.uuid4().hex, outcome=EncounterOutcome.ESCORTED,
        site_id=cast.shinan_substation.pk, note="赵桂兰在广场长椅上，手脚冰凉。",
        people=[dispatch.PersonMet(person_id=person.pk)]), by=cast.shinan_patroller)
    encounter = Encounter.objects.get()
    client = client_for(cast.shinan_admin)
    link = f"/cases/propose/{person.pk}/?encounter={encounter.pk}"
    assert link in client.get(person.get_absolute_url()).content.decode()
    assert "赵桂兰在广场长椅上" in client.get(link).content.decode()
    client.post(f"/cases/propose/{person.pk}/", {
        "title": "广场上的一夜", "story": "赵桂兰在广场长椅上，手脚冰凉。",
        "encounter": encounter.pk})
    case = Case.objects.get()
    assert case.encounter == encounter and case.public_story == "赵某在广场长椅上，手脚冰凉。"


def test_withdrawing_on_the_page_takes_the_case_down(cast, client_for):
    case = approved(cast)
    client = client_for(cast.shinan_station)
    refused = client.post(f"/cases/{case.pk}/withdraw/", {
        "withdrawn_on": timezone.localdate().isoformat(), "reason": ""})
    assert refused.status_code == 400 and "请填写撤回原因" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.APPROVED
    client.post(f"/cases/{case.pk}/withdraw/", {
        "withdrawn_on": timezone.localdate().isoformat(), "reason": "家属不同意公开"})
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已撤回" in body and "王某的冬夜" not in body and "王建国" not in body
    assert AuditEvent.objects.filter(action="consent_withdrawn", actor=cast.shinan_station).exists()
