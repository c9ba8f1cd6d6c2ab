"""Identity written back: each name given, confirmed match and police check is a record with
its source and time; one is in force and the file follows it; a contradiction needs a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.people.identities import history, in_force, record_identity, supersede_with
from songnuan.people.models import IdentitySource, IdentityStatus, Person
from songnuan.refusals import Refused
from songnuan.tracing import matching
from songnuan.tracing.models import CaseStatus
from tests.people.factories import id_number
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db


def unnamed(cast) -> Person:
    return admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station,
                              ranked=False).person


def test_a_given_name_shows_as_theirs_and_keeps_the_person_unidentified(cast):
    person = unnamed(cast)
    assert "无名" not in person.display_name or person.alias
    record_identity(person, source=IdentitySource.SELF_GIVEN, name="老徐",
                    by=cast.laoshan_station)
    person.refresh_from_db()
    assert person.self_name == "老徐" and person.name == ""
    assert person.display_name == "老徐 (as they say)"
    assert person.is_unidentified  # a nickname does not end the tracing


def test_a_confirmed_identity_supersedes_a_given_name_and_keeps_the_history(cast):
    person = unnamed(cast)
    given = record_identity(person, source=IdentitySource.SELF_GIVEN, name="老徐",
                            by=cast.laoshan_station)
    number = id_number("372901", "19660318")
    police = record_identity(person, source=IdentitySource.POLICE, name="徐国强",
                             id_number=number, native_place="山东省菏泽市牡丹区",
                             reference="鲁公比〔2026〕1187号", by=cast.laoshan_tracing)
    person.refresh_from_db()
    assert person.name == "徐国强" and person.display_name == "徐国强"
    assert person.native_place == "山东省菏泽市牡丹区" and person.id_number() == number
    assert not person.is_unidentified and person.birth_year == 1966
    given.refresh_from_db()
    assert given.status == IdentityStatus.SUPERSEDED and given.superseded_by == police
    assert in_force(person) == police
    assert [i.source for i in history(person)] == ["police", "self_given"]


def test_a_contradicting_identity_needs_a_reason_and_nothing_changes_without_it(cast):
    person = unnamed(cast)
    record_identity(person, source=IdentitySource.POLICE, name="徐国强",
                    reference="鲁公比〔2026〕1187号", by=cast.laoshan_tracing)
    with pytest.raises(Refused) as refused:
        record_identity(person, source=IdentitySource.STAFF, name="许国祥",
                        by=cast.laoshan_station)
    assert refused.value.field == "reason"
    person.refresh_from_db()
    assert person.name == "徐国强" and person.identities.count() == 1
    record_identity(person, source=IdentitySource.STAFF, name="许国祥",
                    reason="家属持户口本到站，公安比对有误", by=cast.laoshan_station)
    person.refresh_from_db()
    assert person.name == "许国祥"
    assert person.identities.get(status="superseded").name == "徐国强"


def test_an_agreeing_identity_needs_no_reason(cast):
    person = unnamed(cast)
    record_identity(person, source=IdentitySource.STAFF, name="徐国强", by=cast.laoshan_station)
    record_identity(person, source=IdentitySource.POLICE, name="徐国强",
                    reference="鲁公比〔2026〕1187号", by=cast.laoshan_tracing)
    assert in_force(person).source == "police"


def test_a_held_identity_is_put_in_force_only_with_a_reason(cast):
    person = unnamed(cast)
    record_identity(person, source=IdentitySource.POLICE, name="徐国强", by=cast.laoshan_tracing)
    held = record_identity(person, source=IdentitySource.MATCH, name="许国祥",
                           hold_on_conflict=True, by=cast.laoshan_tracing)
    assert held.status == IdentityStatus.HELD
    person.refresh_from_db()
    assert person.name == "徐国强"
    with pytest.raises(Refused):
        supersede_with(held, reason=" ", by=cast.laoshan_tracing)
    supersede_with(held, reason="女儿到站当面辨认", by=cast.laoshan_tracing)
    person.refresh_from_db()
    assert person.name == "许国祥"


def test_a_bad_id_number_is_refused_and_writes_nothing(cast):
    person = unnamed(cast)
    with pytest.raises(Refused) as refused:
        record_identity(person, source=IdentitySource.POLICE, id_number="370202196603181234",
                        by=cast.laoshan_tracing)
    assert refused.value.field == "id_number" and not person.identities.exists()


def test_a_confirmed_candidate_writes_the_reported_name_back(cast, client):
    report = make_report("张卫东", district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    review = case.candidates.get(report=report)
    matching.decide(review, decision="confirmed", reason="女儿视频辨认", by=cast.laoshan_tracing)
    case.refresh_from_db()
    assert case.status == CaseStatus.IDENTIFIED
    person = Person.objects.get(pk=case.person_id)
    assert person.name == "张卫东" and person.native_place == "山东菏泽"
    identity = in_force(person)
    assert (identity.source, identity.reference) == ("match", report.reference)
    client.force_login(cast.laoshan_tracing)
    for url in (person.get_absolute_url(), case.get_absolute_url(),
                reverse("tracing:cases")):
        assert "张卫东" in client.get(url).content.decode(), url


def test_the_file_page_records_an_identity_and_keeps_input_on_a_refusal(cast, client):
    person = unnamed(cast)
    record_identity(person, source=IdentitySource.POLICE, name="徐国强", by=cast.laoshan_tracing)
    client.force_login(cast.laoshan_station)
    url = reverse("people:identity_add", args=[person.pk])
    response = client.post(url, {"source": "self_given", "name": "老许",
                                 "native_place": "菏泽"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    page = response.content.decode()
    assert "老许" in page and "菏泽" in page
    response = client.post(url, {"source": "self_given", "name": "老许",
                                 "reason": "本人坚称姓许"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "" and person.display_name.startswith("老许")
    page = client.get(person.get_absolute_url()).content.decode()
    assert "老许" in page and "本人坚称姓许" in page


def test_the_edit_form_cannot_overwrite_a_name_on_the_history(cast, client):
    person = unnamed(cast)
    record_identity(person, source=IdentitySource.POLICE, name="徐国强", by=cast.laoshan_tracing)
    client.force_login(cast.laoshan_station)
    response = client.post(reverse("people:edit", args=[person.pk]), {
        "name": "许国祥", "alias": "无名氏", "sex": "M", "status": "in_station",
        "age_estimate": 58})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "徐国强" and person.identities.count() == 1


def test_a_file_opened_with_a_name_starts_its_history(cast, client):
    client.force_login(cast.laoshan_station)
    response = client.post(reverse("people:add"), {
        "name": "吕大海", "sex": "M", "status": "on_street", "age_estimate": 50})
    assert response.status_code == 302
    person = Person.objects.get(name="吕大海")
    assert in_force(person).source == IdentitySource.STAFF
