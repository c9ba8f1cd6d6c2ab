"""Staff API for tracing: cases with their deadlines, ranked candidates, reports, comparisons.

The same scoping as the pages: officers see their district's cases; a police liaison sees only
the comparison requests sent to them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from songnuan.accounts import audit
from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.roles import SENSITIVE
from songnuan.accounts.schemas import Message
from songnuan.accounts.scoping import may_place_in
from songnuan.refusals import Refused
from songnuan.tracing import comparisons, forms, missing_reports
from songnuan.tracing.models import (
    CandidateReview,
    ComparisonRequest,
    ReportSource,
    TracingCase,
)
from songnuan.tracing.schemas import CandidateOut, CaseOut, ComparisonOut, ReportIn, ReportOut

router = Router(tags=["tracing"], auth=staff_auth)
MAX_ROWS = 200


def _case_out(case: TracingCase) -> dict:
    now = timezone.now()
    return {"id": case.pk, "person_id": case.person_id, "person": case.person.display_name,
            "site_id": case.site_id, "status": case.status, "opened_at": case.opened_at,
            "found_place": case.found_place, "matched_report_id": case.matched_report_id,
            "officer_id": case.officer_id,
            "officer": str(case.officer) if case.officer_id else None,
            "steps": [{"kind": s.kind, "label": str(s.get_kind_display()), "due_at": s.due_at,
                       "done_at": s.done_at, "overdue": s.is_overdue(now),
                       "calendar_gap": s.calendar_gap} for s in case.steps.all()]}


def _cases(request: HttpRequest):
    return TracingCase.objects.restrict(request.user, "view").select_related(
        "person", "officer").prefetch_related("steps")


@router.get("/tracing/cases", response=list[CaseOut])
def list_cases(request: HttpRequest, status: str = "", officer: str = "", limit: int = 50):
    """`officer=me` lists the caller's own cases, `officer=none` those nobody holds."""
    cases = _cases(request)
    if status:
        cases = cases.filter(status=status)
    if officer == "me":
        cases = cases.filter(officer=request.user)
    elif officer == "none":
        cases = cases.filter(officer__isnull=True)
    return [_case_out(case) for case in cases[:min(max(limit, 1), MAX_ROWS)]]


@router.get("/tracing/cases/{case_id}", response=CaseOut)
def get_case(request: HttpRequest, case_id: int):
    return _case_out(get_object_or_404(_cases(request), pk=case_id))


@router.get("/tracing/cases/{case_id}/candidates", response=list[CandidateOut])
def case_candidates(request: HttpRequest, case_id: int):
    case = get_object_or_404(_cases(request), pk=case_id)
    reviews = CandidateReview.objects.restrict(request.user, "view").filter(
        case=case).select_related("report")
    return [{"id": r.pk, "report_id": r.report_id, "report_reference": r.report.reference,
             "report_name": r.report.name, "score": r.score, "decision": r.decision,
             "reason": r.reason,
             "explanation": [{"code": code, "bits": bits, "text": text}
                             for code, bits, text in r.explanation]} for r in reviews]


@router.post("/tracing/reports", response={201: ReportOut, 403: Message})
def file_report(request: HttpRequest, payload: ReportIn):
    """File a report as staff; it is ranked against the live cases at once."""
    data = payload.dict()
    if not request.user.has_perm("tracing.add_missingreport") or not may_place_in(
            request.user, data["district_id"]):
        return Status(403, {"message": _("You may not file reports in this district.")})
    if data["id_number"] and not request.user.has_perm(SENSITIVE):
        raise Refused(_("Needs the sensitive-data permission."), field="id_number")
    form = forms.StaffReportForm({**data, "district": data["district_id"]})
    if not form.is_valid():
        raise ValidationError(dict(form.errors))
    report = form.save(commit=False)
    report.source = ReportSource.STAFF
    return Status(201, missing_reports.file_report(report, by=request.user))


@router.get("/tracing/comparisons", response=list[ComparisonOut])
def list_comparisons(request: HttpRequest, status: str = ""):
    rows = ComparisonRequest.objects.restrict(request.user, "view")
    if status:
        rows = rows.filter(status=status)
    rows = list(rows[:MAX_ROWS])
    for item in rows:
        if item.matched_identity:  # a biometric comparison's result, read as on its page
            audit.record_sensitive_read(item, ["matched_identity"])
    return [_comparison_out(item) for item in rows]


@router.post("/tracing/comparisons/{request_id}/acknowledge", response=ComparisonOut)
def acknowledge(request: HttpRequest, request_id: int):
    item = get_object_or_404(ComparisonRequest.objects.restrict(request.user, "change"),
                             pk=request_id)
    return _comparison_out(comparisons.acknowledge(item, by=request.user))


@router.post("/tracing/comparisons/{request_id}/result", response=ComparisonOut)
def record_result(request: HttpRequest, request_id: int, matched: Form[bool],
                  identity: Form[str] = "", notes: Form[str] = "", reference: Form[str] = "",
                  id_number: Form[str] = "", evidence: File[UploadedFile] = None):
    """The police's result, as a multipart form with the comparison report attached."""
    item = get_object_or_404(ComparisonRequest.objects.restrict(request.user, "change"),
                             pk=request_id)
    result = comparisons.ComparisonResult(matched=matched, identity=identity, notes=notes,
                                          evidence=evidence, reference=reference,
                                          id_number=id_number)
    return _comparison_out(comparisons.record_result(item, result, by=request.user))


def _comparison_out(item: ComparisonRequest) -> dict:
    return {"id": item.pk, "case_id": item.case_id, "kind": item.kind, "status": item.status,
            "message": item.message, "sent_at": item.sent_at,
            "acknowledged_at": item.acknowledged_at, "result_at": item.result_at,
            "matched_identity": item.matched_identity, "result_notes": item.result_notes,
            "has_evidence": bool(item.evidence), "due_at": item.due_at,
            "police_reference": item.police_reference}


