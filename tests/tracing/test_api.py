"""The tracing staff API over HTTP with tokens: the same scoping as the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from songnuan.accounts.models import AuditEvent
from songnuan.accounts.services import issue_token
from songnuan.tracing import casework, comparisons
from songnuan.tracing.models import ComparisonRequest, MissingReport, ReportSource, StepKind
from tests.factories import make_user
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db


def test_an_officer_lists_their_districts_cases_with_steps_and_deadlines(api_for, cast):
    admitted = timezone.now() - datetime.timedelta(days=3)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, at=admitted)
    response = api_for(cast.laoshan_tracing).get("/api/v1/tracing/cases")
    assert response.status_code == 200
    [data] = response.json()
    assert data["id"] == case.pk and data["status"] == "open"
    steps = {s["kind"]: s for s in data["steps"]}
    assert steps["announcement"]["overdue"] is True  # 24 hours after admission
    assert steps["settlement"]["overdue"] is False
    assert steps["dna_request"]["label"] == str(StepKind.DNA_REQUEST.label)
    assert api_for(cast.laoshan_tracing).get(f"/api/v1/tracing/cases/{case.pk}").json()[
        "steps"] == data["steps"]


def test_an_officer_lists_only_their_own_cases_with_officer_me(api_for, cast):
    mine = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    nobodys = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, age=30)
    casework.assign_officer(mine, cast.laoshan_tracing)
    api = api_for(cast.laoshan_tracing)
    [data] = api.get("/api/v1/tracing/cases?officer=me").json()
    assert data["id"] == mine.pk and data["officer"] == "杨娟"
    assert data["officer_id"] == cast.laoshan_tracing.pk
    assert [c["id"] for c in api.get("/api/v1/tracing/cases?officer=none").json()] == [nobodys.pk]


def test_another_districts_case_is_neither_listed_nor_found(api_for, cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    shinan = api_for(cast.shinan_tracing)
    assert shinan.get("/api/v1/tracing/cases").json() == []
    assert shinan.get(f"/api/v1/tracing/cases/{case.pk}").status_code == 404
    assert shinan.get(f"/api/v1/tracing/cases/{case.pk}/candidates").status_code == 404


def test_a_cases_ranked_candidates_come_with_their_explanations(api_for, cast):
    make_report("赵敏", district=cast.laoshan_substation.district, sex="F", birth_year=1990,
                features="", native_place="黑龙江", dialect="东北口音",
                reporter_phone="13800000102")
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    rows = api_for(cast.laoshan_tracing).get(f"/api/v1/tracing/cases/{case.pk}/candidates").json()
    assert rows[0]["report_reference"] == report.reference and rows[0]["score"] >= 0.5
    assert rows == sorted(rows, key=lambda r: -r["score"])
    codes = {e["code"] for e in rows[0]["explanation"] if e["bits"] > 0}
    assert {"dialect", "features"} <= codes
    assert all(e["text"] for e in rows[0]["explanation"])


def test_filing_a_report_ranks_it_and_checks_district_fields_and_permission(api_for, cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    payload = {"name": "张卫东", "sex": "M", "birth_year": 1968, "height_cm": 170,
               "native_place": "山东菏泽", "dialect": "山东口音",
               "features": "左手小指缺失；右脸颊有黑痣", "reporter_name": "张丽",
               "reporter_phone": "13800000001", "reporter_relation": "女儿",
               "id_number": "37290119680315001x",
               "district_id": cast.laoshan_substation.district.pk}
    officer = api_for(cast.laoshan_tracing)
    response = officer.post("/api/v1/tracing/reports", payload)
    assert response.status_code == 201, response.json()
    report = MissingReport.objects.get(pk=response.json()["id"])
    assert report.source == ReportSource.STAFF and report.id_number() == "37290119680315001X"
    assert response.json()["has_id_number"] and "id_number" not in response.json()
    assert case.candidates.get().report == report
    elsewhere = {**payload, "district_id": cast.shinan_substation.district.pk}
    assert officer.post("/api/v1/tracing/reports", elsewhere).status_code == 403
    bad = officer.post("/api/v1/tracing/reports", {**payload, "birth_year": 1850})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["birth_year"]
    viewer = api_for(cast.laoshan_viewer)
    assert viewer.post("/api/v1/tracing/reports", payload).status_code == 403
    assert MissingReport.objects.count() == 1


def test_the_liaison_lists_only_their_requests_acknowledges_and_records_a_result(
        api_for, client, cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    other = make_user("police.other", role="police_liaison")
    mine = comparisons.request_comparison(case, kind="dna", liaison=cast.police_liaison,
                                       message="请采集DNA", by=cast.laoshan_tracing)
    theirs = comparisons.request_comparison(case, kind="face", liaison=other, message="人像比对",
                                         by=cast.laoshan_tracing)
    police = api_for(cast.police_liaison)
    assert [r["id"] for r in police.get("/api/v1/tracing/comparisons").json()] == [mine.pk]
    assert police.get("/api/v1/tracing/cases").json() == []
    assert police.post(f"/api/v1/tracing/comparisons/{theirs.pk}/acknowledge").status_code == 404
    acked = police.post(f"/api/v1/tracing/comparisons/{mine.pk}/acknowledge").json()
    assert acked["status"] == "acknowledged" and acked["acknowledged_at"]
    url = f"/api/v1/tracing/comparisons/{mine.pk}/result"
    headers = {"Authorization": f"Bearer {issue_token(cast.police_liaison)}"}
    no_evidence = client.post(url, {"matched": "false"}, headers=headers)
    assert no_evidence.status_code == 422
    assert no_evidence.json()["errors"][0]["field"] == "evidence"
    report = SimpleUploadedFile("比对报告.pdf", b"%PDF-1.4 comparison", "application/pdf")
    done = client.post(url, {"matched": "true", "identity": "王建国 370212195801011234",
                             "notes": "指纹比中", "evidence": report}, headers=headers)
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "matched" and done.json()["has_evidence"]
    mine.refresh_from_db()
    assert mine.matched_identity.startswith("王建国") and mine.evidence
    assert ComparisonRequest.objects.get(pk=theirs.pk).status == "sent"
    assert police.get("/api/v1/tracing/comparisons").json()[0]["matched_identity"]
    read = AuditEvent.objects.get(action="read_sensitive", object_id=str(mine.pk))
    assert read.actor == cast.police_liaison and read.changes == {"fields": ["matched_identity"]}


def test_no_token_no_tracing_data(client, cast):
    assert client.get("/api/v1/tracing/cases").status_code == 401
