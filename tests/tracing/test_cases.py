"""Cases open on admission, rank the families' reports, and end in a reunion."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from songnuan.notify.models import Outbox
from songnuan.refusals import Refused
from songnuan.shelter.discharge import DischargeInput
from songnuan.tracing import (
    announcements,
    casework,
    comparisons,
    matching,
    phone_codes,
    reunion,
    tasks,
)
from songnuan.tracing.comparisons import ComparisonResult
from songnuan.tracing.models import (
    CaseStatus,
    ComparisonKind,
    ComparisonRequest,
    Decision,
    ReportStatus,
    StepKind,
)
from tests.people.factories import id_number, make_person
from tests.shelter.factories import make_zone
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db


def test_admitting_a_person_of_unknown_identity_opens_a_case_with_its_deadlines(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    assert case.status == CaseStatus.OPEN
    assert {s.kind for s in case.steps.all()} == set(StepKind.values)
    dna = case.steps.get(kind=StepKind.DNA_REQUEST)
    assert dna.due_at > case.opened_at + datetime.timedelta(days=7)


def test_admitting_someone_with_an_id_number_opens_no_case(cast):
    from songnuan.shelter.admission import AdmissionInput, admit

    make_zone(cast.laoshan_substation)
    person = make_person("王建国", id_number=id_number(), site=cast.laoshan_substation)
    admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
    assert not person.tracing_cases.exists()


def test_the_familys_report_is_the_top_candidate_with_an_explanation(cast):
    make_report("赵敏", district=cast.shinan_substation.district, sex="F", birth_year=1990,
                features="", native_place="黑龙江", dialect="")
    report = make_report(district=cast.shinan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    top, *others = case.candidates.all()
    assert top.report == report
    assert all(top.score > other.score * 10 for other in others)
    assert any(code == "features" for code, _bits, _text in top.explanation)


def test_the_shipped_fitted_parameters_give_a_true_pair_a_probability_above_one_half(cast):
    assert matching.linkage_parameters().right_size > 0, "fitted parameters load by default"
    for n, (name, sex, year) in enumerate((("赵敏", "F", 1990), ("孙立群", "M", 1975),
                                           ("马秀兰", "F", 1952))):
        make_report(name, district=cast.shinan_substation.district, sex=sex, birth_year=year,
                    native_place="黑龙江", dialect="东北口音", features="",
                    reporter_phone=f"1380000010{n}")
    report = make_report(district=cast.shinan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    top = case.candidates.get(report=report)
    assert top.score >= 0.5
    assert {"dialect", "features", "birth_year"} <= {code for code, bits, _text
                                                    in top.explanation if bits > 0}
    features = next(text for code, _bits, text in top.explanation if code == "features")
    assert "左手缺指" in features and not re.search("[a-z]", features)


def test_a_report_filed_after_admission_is_ranked_against_the_live_cases(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    report = make_report(district=cast.laoshan_substation.district)
    assert case.candidates.filter(report=report).exists()


def test_confirming_a_candidate_identifies_the_case_and_takes_the_announcement_down(cast):
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    announcement = announcements.publish_announcement(case, found_place="崂山区沙子口",
                                                 by=cast.laoshan_tracing)
    assert "崂山区沙子口" in announcement.text and "约170厘米" in announcement.text
    assert announcements.public_announcements("沙子口").count() == 1
    review = case.candidates.get(report=report)
    with pytest.raises(Refused):
        matching.decide(review, decision=Decision.CONFIRMED, reason=" ", by=cast.laoshan_tracing)
    matching.decide(review, decision=Decision.CONFIRMED, reason="女儿视频辨认，特征一致",
                    by=cast.laoshan_tracing)
    case.refresh_from_db()
    report.refresh_from_db()
    assert case.status == CaseStatus.IDENTIFIED and case.matched_report == report
    assert report.status == ReportStatus.FOUND
    assert announcements.public_announcements().count() == 0


def test_reunion_discharges_the_person_home_and_closes_the_case(cast):
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    review = case.candidates.get(report=report)
    with pytest.raises(Refused):
        reunion.discharge_home(case, DischargeInput(), by=cast.laoshan_station)
    matching.decide(review, decision=Decision.CONFIRMED, reason="家属确认",
                    by=cast.laoshan_tracing)
    home = DischargeInput(destination="山东菏泽", travel_mode="family", family_contact="张丽",
                          family_phone="13800000001")
    case = reunion.discharge_home(case, home, by=cast.laoshan_station)
    case.refresh_from_db()
    case.stay.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.stay.outcome == "returned_home"


def test_the_liaison_sees_only_requests_sent_to_them(cast):
    from tests.factories import make_user

    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    other = make_user("police.other", role="police_liaison")
    mine = comparisons.request_comparison(
        case, kind=ComparisonKind.DNA, liaison=cast.police_liaison, message="请采集DNA",
        by=cast.laoshan_tracing)
    comparisons.request_comparison(case, kind=ComparisonKind.FACE, liaison=other,
                                   message="人像比对", by=cast.laoshan_tracing)
    assert list(ComparisonRequest.objects.restrict(cast.police_liaison)) == [mine]
    assert case.steps.get(kind=StepKind.DNA_REQUEST).done_at is not None
    with pytest.raises(Refused):
        comparisons.request_comparison(case, kind="dna", liaison=cast.laoshan_tracing, message="",
                                    by=cast.laoshan_tracing)


def test_a_result_needs_the_evidence_and_a_match_needs_the_identity(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    request = comparisons.request_comparison(case, kind="fingerprint", liaison=cast.police_liaison,
                                          message="", by=cast.laoshan_tracing)
    comparisons.acknowledge(request, by=cast.police_liaison)
    with pytest.raises(Refused):
        comparisons.record_result(request, ComparisonResult(matched=False),
                                  by=cast.police_liaison)
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4 comparison", "application/pdf")
    with pytest.raises(Refused):
        comparisons.record_result(request, ComparisonResult(matched=True, evidence=report),
                                  by=cast.police_liaison)
    comparisons.record_result(request, ComparisonResult(matched=False, evidence=report),
                              by=cast.police_liaison)
    assert request.status == "no_match" and request.evidence


def test_overdue_steps_are_listed_and_cases_become_stranded_then_settlement(cast):
    admitted = timezone.now() - datetime.timedelta(days=95)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, at=admitted)
    overdue = casework.overdue_steps(case.steps.all())
    assert StepKind.ANNOUNCEMENT in {s.kind for s in overdue}
    casework.advance_cases()
    case.refresh_from_db()
    assert case.status == CaseStatus.SETTLEMENT
    tasks.advance_cases.call()
    assert [step.kind for step in case.settlement_steps.all()] == [
        "application", "registration", "placement"]


def test_a_phone_code_is_texted_checked_once_and_wrong_guesses_count(cast):
    phone = phone_codes.send_code("+86 138-0000-0001")
    text = Outbox.objects.latest("id").text
    code = "".join(ch for ch in text if ch.isdigit())[:6]
    with pytest.raises(Refused):
        phone_codes.check_code(phone, "000000" if code != "000000" else "111111")
    assert phone_codes.check_code(phone, code) == "13800000001"
    with pytest.raises(Refused):
        phone_codes.check_code(phone, code)
    with pytest.raises(Refused):
        phone_codes.send_code("12345")


def test_engine_duplicates_suggest_the_same_person_filed_twice(cast):
    from songnuan.people.duplicates import possible_duplicates
    from songnuan.people.models import Person

    first = make_person("刘德明", age=60, site=cast.laoshan_substation, native_place="山东临沂")
    make_person("王芳", sex="F", age=30, site=cast.laoshan_substation)
    second = make_person("刘德民", age=61, site=cast.laoshan_substation, native_place="临沂")
    found = possible_duplicates(second, Person.objects.all())
    assert found and found[0].person == first
