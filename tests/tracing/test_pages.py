"""Tracing pages through HTTP: the public report with its texted code, cases, the liaison."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.notify.models import Outbox
from songnuan.tracing.models import CaseStatus, ComparisonRequest, MissingReport
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db


def _report_post(cast, **extra):
    data = {"name": "张卫东", "sex": "M", "birth_year": "1968", "height_cm": "170",
            "native_place": "山东菏泽", "features": "左手小指缺失", "reporter_name": "张丽",
            "reporter_phone": "13800000001", "reporter_relation": "女儿",
            "district": cast.laoshan_substation.district_id, "action": "submit"}
    data.update(extra)
    return data


def test_a_family_files_a_report_after_the_texted_code(client, cast):
    url = reverse("tracing:public_report")
    page = client.post(url, {"reporter_phone": "138 0000 0001", "action": "send_code"})
    assert "13800000001" in page.content.decode()
    code = "".join(ch for ch in Outbox.objects.latest("id").text if ch.isdigit())[:6]
    wrong = client.post(url, _report_post(cast, code="999999" if code != "999999" else "1"))
    assert wrong.status_code == 200 and not MissingReport.objects.exists()
    done = client.post(url, _report_post(cast, code=code))
    report = MissingReport.objects.get()
    assert report.reference in done.content.decode()
    assert report.phone_verified_at and report.source == "public"


def test_an_impossible_birth_year_is_an_error_at_the_field(client, cast):
    page = client.post(reverse("tracing:public_report"),
                       _report_post(cast, birth_year="2999", code="123456"))
    assert page.status_code == 200 and not MissingReport.objects.exists()
    assert page.context["form"].errors["birth_year"]


def test_the_officer_confirms_from_the_case_page_and_the_announcement_comes_down(
        client_for, cast):
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    officer = client_for(cast.laoshan_tracing)
    page = officer.get(case.get_absolute_url())
    assert report.reference in page.content.decode()
    officer.post(reverse("tracing:announce", args=[case.pk]), {"found_place": "沙子口"})
    public = officer.get(reverse("tracing:public_announcements"), {"q": "沙子口"})
    assert "沙子口" in public.content.decode()
    review = case.candidates.get(report=report)
    officer.post(reverse("tracing:decide", args=[review.pk]),
                 {"decision": "confirmed", "reason": "女儿辨认"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IDENTIFIED
    public = officer.get(reverse("tracing:public_announcements"), {"q": "沙子口"})
    assert not public.context["rows"]


def test_the_case_page_shows_the_true_reports_probability_and_its_evidence(client_for, cast):
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    review = case.candidates.get(report=report)
    page = client_for(cast.laoshan_tracing).get(case.get_absolute_url()).content.decode()
    assert review.score >= 0.5
    assert f"{review.score:.3f}" in page
    assert "口音与籍贯吻合" in page


def test_a_case_in_another_district_is_not_found(client_for, cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    assert client_for(cast.shinan_tracing).get(case.get_absolute_url()).status_code == 404


def test_the_liaison_acknowledges_and_records_a_result_with_evidence(client_for, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    officer = client_for(cast.laoshan_tracing)
    officer.post(reverse("tracing:compare", args=[case.pk]),
                 {"kind": "dna", "liaison": cast.police_liaison.pk, "message": "请采集"})
    item = ComparisonRequest.objects.get()
    police = client_for(cast.police_liaison)
    assert police.get(reverse("tracing:comparisons")).status_code == 200
    police.post(item.get_absolute_url(), {"action": "acknowledge"})
    police.post(item.get_absolute_url(), {
        "matched": "no", "evidence": SimpleUploadedFile("r.pdf", b"%PDF", "application/pdf")})
    item.refresh_from_db()
    assert item.status == "no_match"
    assert police.get(case.get_absolute_url()).status_code in (403, 404)


def test_announcements_export_as_csv(client, cast):
    response = client.get(reverse("tracing:announcements_export"))
    assert response.status_code == 200 and b"found_place" in response.content
