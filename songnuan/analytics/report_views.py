"""The report pages: the campaign summary report and the daily briefings, generated in the
worker (`generation`), polled for progress, downloaded through a view that checks the reader
covers every district of the document."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from songnuan.analytics import generation, reports
from songnuan.analytics.forms import BriefingForm, ReportForm
from songnuan.analytics.models import GeneratedReport, ReportKind
from songnuan.analytics.selection import covered_districts, select
from songnuan.private_files import send_privately
from songnuan.refusals import Refused, add_to_form

_view_figures = permission_required("analytics.view_figure", raise_exception=True)
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _readable_or_404(request: HttpRequest, pk: int) -> GeneratedReport:
    report = get_object_or_404(GeneratedReport, pk=pk)
    if not generation.may_read(request.user, report):
        raise Http404
    return report


@login_required
@_view_figures
def report_page(request: HttpRequest) -> HttpResponse:
    districts = covered_districts(request.user)
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, districts=districts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = generation.request_report(
                    ReportKind.CAMPAIGN, by=request.user, first=data["first"],
                    last=data["last"], district=data["district"],
                    texts={part: data[part] for part in generation.TEXT_PARTS})
            except Refused as refused:
                add_to_form(form, refused)
            else:
                return redirect(f"{reverse('analytics:reports')}?report={report.pk}")
        status = 400
    else:
        form, status = _drafted(request, districts)
    return render(request, "analytics/reports.html", {
        "form": form, "districts": districts,
        "reports": generation.readable(request.user, ReportKind.CAMPAIGN)[:20],
        "just": request.GET.get("report", "")}, status=status)


def _just_asked(request: HttpRequest) -> GeneratedReport | None:
    """The campaign report the page was sent back to after asking, if the reader may see it."""
    pk = request.GET.get("report", "")
    report = (GeneratedReport.objects.filter(pk=int(pk), kind=ReportKind.CAMPAIGN).first()
              if pk.isdigit() else None)
    return report if report is not None and generation.may_read(request.user, report) else None


def _drafted(request: HttpRequest, districts) -> tuple[ReportForm, int]:
    """The form with first drafts of the written parts from the figures: of the campaign
    period, or of the nights and district asked for (keeping what was typed in the others)."""
    just = _just_asked(request)
    if just is not None:
        only = just.district_ids[0] if len(just.district_ids) == 1 else None
        return ReportForm(initial={"first": just.first, "last": just.last, "district": only,
                                   **just.texts}, districts=districts), 200
    if "first" not in request.GET:
        first, last = generation.campaign_period()
        try:
            drafts = reports.suggested_texts(reports.campaign_figures(select(request.user, first,
                                                                             last)))
        except Refused:
            drafts = {}
        return ReportForm(initial={"first": first, "last": last, **drafts},
                          districts=districts), 200
    asked = ReportForm(request.GET, districts=districts)
    if not asked.is_valid():
        return asked, 400
    data = asked.cleaned_data
    try:
        sel = select(request.user, data["first"], data["last"], data["district"])
    except Refused as refused:
        add_to_form(asked, refused)
        return asked, 400
    drafts = reports.suggested_texts(reports.campaign_figures(sel))
    return ReportForm(initial={**data, "first": sel.first, "last": sel.last,
                               "overview": drafts["overview"], "problems": drafts["problems"]},
                      districts=districts), 200


@login_required
@_view_figures
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    report = _readable_or_404(request, pk)
    return JsonResponse({
        "status": report.status, "label": str(report.get_status_display()),
        "progress": report.progress, "error": report.error,
        "docx": reverse("analytics:report_file", args=[report.pk, "docx"]) if report.docx else "",
        "pdf": reverse("analytics:report_file", args=[report.pk, "pdf"]) if report.pdf else "",
    })


@login_required
@_view_figures
def report_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    report = _readable_or_404(request, pk)
    field = report.docx if kind == "docx" else report.pdf
    if kind not in DOCUMENT_TYPES:
        raise Http404
    return send_privately(field, as_attachment=True, content_type=DOCUMENT_TYPES[kind],
                          filename=f"{report.scope_name}-{report.first}-{report.last}"
                                   f"-{report.get_kind_display()}.{kind}")


@login_required
@_view_figures
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable_or_404(request, pk)
    try:
        report = generation.retry(report, by=request.user)
    except Refused as refused:
        return HttpResponse(str(refused.message), status=409)
    target = "analytics:briefings" if report.kind == ReportKind.BRIEFING else "analytics:reports"
    return redirect(f"{reverse(target)}?report={report.pk}")


@login_required
@_view_figures
def briefing_page(request: HttpRequest) -> HttpResponse:
    districts = covered_districts(request.user)
    status = 200
    if request.method == "POST":
        form = BriefingForm(request.POST, districts=districts)
        if form.is_valid():
            night = reports.last_night(timezone.now())
            try:
                report = generation.request_report(
                    ReportKind.BRIEFING, by=request.user, first=night, last=night,
                    district=form.cleaned_data["district"])
            except Refused as refused:
                add_to_form(form, refused)
            else:
                return redirect(f"{reverse('analytics:briefings')}?report={report.pk}")
        status = 400
    else:
        form = BriefingForm(districts=districts)
    return render(request, "analytics/briefings.html", {
        "form": form, "reports": generation.readable(request.user, ReportKind.BRIEFING)[:60],
        "briefing_hour": settings.BRIEFING_HOUR,
        "just": request.GET.get("report", "")}, status=status)
