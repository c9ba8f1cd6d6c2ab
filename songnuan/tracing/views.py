"""Tracing pages: thin — parse, call a service, render. Public: report form, announcements."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan import formulas, pending_uploads
from songnuan.accounts import audit
from songnuan.accounts.models import User
from songnuan.accounts.roles import SENSITIVE, Role
from songnuan.network import partners
from songnuan.network.models import PartnerMessage, PartnerMessageStatus
from songnuan.network.transfer import ImportFileError
from songnuan.people.models import IdentityStatus
from songnuan.refusals import Refused, add_to_form, form_errors_text, refusals_of
from songnuan.shelter.discharge import DischargeInput
from songnuan.tracing import (
    announcements,
    casework,
    comparisons,
    followups,
    forms,
    imports,
    matching,
    missing_reports,
    partner_inbox,
    partner_reports,
    phone_codes,
    returns,
    reunion,
    settlement,
)
from songnuan.tracing.models import (
    LIVE_STATUSES,
    CandidateReview,
    CaseStatus,
    CaseStep,
    ComparisonRequest,
    FollowUp,
    MissingReport,
    Publication,
    ReportSource,
    ReturnPlan,
    ReturnStatus,
    TracingCase,
)


def _model_errors_to_form(form, error: ValidationError) -> None:
    """A report's own `full_clean` errors, field by field."""
    for refused in refusals_of(error):
        add_to_form(form, refused)


# --- Staff: cases ---------------------------------------------------------------------------

@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def case_list(request: HttpRequest) -> HttpResponse:
    cases = TracingCase.objects.restrict(request.user).select_related("person", "site", "officer")
    held_by = request.GET.get("officer", "")
    if held_by == "me":
        cases = cases.filter(officer=request.user)
    elif held_by == "none":
        cases = cases.filter(officer__isnull=True, status__in=LIVE_STATUSES)
    overdue = casework.overdue_steps(CaseStep.objects.restrict(request.user))
    late = {}
    for step in overdue:
        late.setdefault(step.case_id, []).append(step)
    if request.GET.get("overdue"):
        cases = cases.filter(pk__in=late.keys())
    rows = [(case, late.get(case.pk, [])) for case in cases[:200]]
    return render(request, "tracing/case_list.html", {"rows": rows, "held_by": held_by})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(TracingCase.objects.restrict(request.user).select_related(
        "person", "site", "stay"), pk=pk)
    return render(request, "tracing/case_detail.html", _case_context(request, case))


def _case_context(request: HttpRequest, case: TracingCase, **forms_in_use) -> dict:
    candidates = list(CandidateReview.objects.filter(case=case).select_related("report")[:10])
    decided = forms_in_use.pop("decided_review", None)
    refused_decision = forms_in_use.pop("decision_form", None)
    for review in candidates:
        review.decision_form = (refused_decision if review.pk == decided
                                else forms.DecisionForm())
    context = {
        "case": case, "steps": case.steps.all(), "candidates": candidates,
        "comparisons": case.comparisons.select_related("liaison"),
        "announcement": getattr(case, "announcement", None),
        "photo": case.person.photos.order_by("-taken_at").first(),
        "held_identities": case.person.identities.filter(status=IdentityStatus.HELD),
        "announcement_form": forms.AnnouncementForm(initial=announcements.prefill(case)),
        "refresh_form": forms.RefreshForm(),
        "publications": Publication.objects.filter(announcement__case=case),
        "refresh_due": announcements.refresh_due_at(case.announcement)
        if hasattr(case, "announcement") else None,
        "comparison_form": forms.ComparisonForm(),
        "officer_form": forms.OfficerForm(initial={"officer": case.officer_id},
                                          officers=casework.eligible_officers(case)),
        "discharge_form": forms.DischargeHomeForm(initial=_home_initial(case),
                                                  auto_id="id_home_%s"),
        "return_plan": case.returns.exclude(status=ReturnStatus.CANCELLED).first(),
        "return_form": forms.ReturnPlanForm(initial=_return_initial(case),
                                            staff=_escorts(case)),
        "follow_ups": _follow_ups(case, forms_in_use.pop("follow_up_form", None),
                                  forms_in_use.pop("followed_up", None)),
        "re_encounters": case.re_encounters.select_related("person"),
        "now": timezone.now(),
        "settlement_rows": _settlement_rows(case, forms_in_use.pop("settlement_form", None),
                                            forms_in_use.pop("settlement_kind", "")),
        "may_change": request.user.has_perm("tracing.change_tracingcase"),
    }
    context.update(forms_in_use)
    return context


def _follow_ups(case: TracingCase, refused, refused_pk: int | None) -> list:
    """The case's follow-ups, each with its form; one just refused keeps its input."""
    items = list(case.follow_ups.all())
    for item in items:
        item.form = refused if item.pk == refused_pk else forms.FollowUpForm()
    return items


def _settlement_rows(case: TracingCase, bound, bound_kind: str) -> list[tuple]:
    """Each settlement step with the form to record it: the first step not done gets one (the
    order is the rule), and a step just refused keeps its input and the reason."""
    rows, next_open = [], True
    for step in case.settlement_steps.select_related("owner"):
        form = None
        if bound is not None and bound_kind == step.kind:
            form = bound
        elif step.done_at is None and next_open:
            form = forms.SettlementStepForm(initial={"kind": step.kind})
        next_open = next_open and step.done_at is not None
        rows.append((step, form))
    return rows


def _escorts(case: TracingCase):
    return User.objects.filter(is_active=True, district=case.site.district_id).order_by(
        "last_name", "first_name", "pk")


def _return_initial(case: TracingCase) -> dict:
    report = case.matched_report
    if report is None:
        return {"travel_mode": "escort", "receiver_kind": "family"}
    return {"destination": report.native_place, "receiver_name": report.reporter_name,
            "receiver_phone": report.reporter_phone, "receiver_kind": "family",
            "travel_mode": "escort"}


def _home_initial(case: TracingCase) -> dict:
    report = case.matched_report
    if report is None:
        return {}
    return {"destination": report.native_place, "family_contact": report.reporter_name,
            "family_phone": report.reporter_phone, "travel_mode": "family"}


def _editable_case(request: HttpRequest, pk: int) -> TracingCase:
    return get_object_or_404(TracingCase.objects.restrict(request.user, "change"), pk=pk)


def _post_on_case(request: HttpRequest, case: TracingCase, name: str, form, act,
                  done_message: str, *, shown: bool | None = None, **more) -> HttpResponse:
    """Send the case page's form `name` to the service (`act`, given the cleaned data); done,
    back to the case. Refused, the case page again with the form as it was sent and the reason
    on it, or, where the page no longer shows that form (`shown`; by default, while the case is
    live), the reason above the page."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, done_message)
            return redirect(case)
    if not (case.is_live if shown is None else shown):
        messages.error(request, form_errors_text(form))
        return redirect(case)
    return render(request, "tracing/case_detail.html",
                  _case_context(request, case, **{name: form}, **more), status=422)


@login_required
@require_POST
def rank(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    matching.rank_candidates(case)
    return redirect(case)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(CandidateReview.objects.restrict(request.user, "change"), pk=pk)
    return _post_on_case(
        request, review.case, "decision_form", forms.DecisionForm(request.POST),
        lambda data: matching.decide(review, by=request.user, **data),
        _("Decision recorded."), decided_review=review.pk)


@login_required
@require_POST
def announce(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    form = forms.AnnouncementForm(request.POST)
    return _post_on_case(
        request, case, "announcement_form", form,
        lambda data: announcements.publish_announcement(
            case, by=request.user, found_place=data["found_place"], contact=data["contact"],
            references=form.references()),
        _("Announcement published."))


@login_required
@require_POST
def refresh_announcement(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    return _post_on_case(
        request, case, "refresh_form", forms.RefreshForm(request.POST),
        lambda data: announcements.refresh_announcement(case, by=request.user, **data),
        _("Refresh recorded."))


@login_required
@require_POST
def request_comparison(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    return _post_on_case(
        request, case, "comparison_form", forms.ComparisonForm(request.POST),
        lambda data: comparisons.request_comparison(case, by=request.user, **data),
        _("Request sent to the police liaison."))


@login_required
@require_POST
def assign_officer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    if request.POST.get("take") and request.user.role == Role.TRACING_OFFICER:
        officer = request.user
    else:
        form = forms.OfficerForm(request.POST, officers=casework.eligible_officers(case))
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("officer", [])))
            return redirect(case)
        officer = form.cleaned_data["officer"]
    try:
        casework.assign_officer(case, officer)
    except Refused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(officer)s now holds this case.") % {"officer": officer}
                         if officer else _("Nobody holds this case now."))
    return redirect(case)


@login_required
@require_POST
def discharge_home(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    return _post_on_case(
        request, case, "discharge_form",
        forms.DischargeHomeForm(request.POST, auto_id="id_home_%s"),
        lambda data: reunion.discharge_home(case, DischargeInput(**data), by=request.user),
        _("Discharged home: the case is closed."),
        shown=case.status == CaseStatus.IDENTIFIED)


@login_required
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    form = forms.ReturnPlanForm(request.POST, staff=_escorts(case))
    if form.is_valid():
        try:
            plan = returns.plan_return(case, form.cleaned_data, by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Return planned. The escort confirms the departure on "
                                        "this page."))
            return redirect(plan)
    return render(request, "tracing/case_detail.html",
                  _case_context(request, case, return_form=form), status=422)


def _plan_for(request: HttpRequest, pk: int, action: str = "view") -> ReturnPlan:
    return get_object_or_404(ReturnPlan.objects.restrict(request.user, action).select_related(
        "case__person", "case__site", "escort_user"), pk=pk)


@login_required
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The escort's phone page: the plan, one button to confirm the departure."""
    plan = _plan_for(request, pk)
    return render(request, "tracing/return_detail.html", {
        "plan": plan, "code": request.session.pop(f"return-code:{plan.pk}", None),
        "link": request.build_absolute_uri(returns.receiving_link(plan)),
        "may_change": request.user.has_perm("tracing.change_returnplan")})


@login_required
@require_POST
def confirm_departure(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk, "change")
    try:
        plan, code = returns.confirm_departure(plan, by=request.user)
    except Refused as error:
        messages.error(request, str(error.message))
    else:
        request.session[f"return-code:{plan.pk}"] = code
        messages.success(request, _("Departure confirmed: the stay is discharged home."))
    return redirect(plan)


@login_required
@require_POST
def reissue_return_code(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk, "change")
    try:
        request.session[f"return-code:{plan.pk}"] = returns.reissue_code(plan, by=request.user)
    except Refused as error:
        messages.error(request, str(error.message))
    return redirect(plan)


def receive(request: HttpRequest, token: str) -> HttpResponse:
    """The receiving side's page (family, bureau or another city's station): what they need
    to meet the person, and the code to confirm the arrival."""
    plan = ReturnPlan.objects.select_related("case__person", "case__site").filter(
        link_token=token).first()
    if plan is None:
        raise Http404
    form = forms.ArrivalForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            plan = returns.confirm_arrival(token, **form.cleaned_data)
        except Refused as error:
            add_to_form(form, error)
            status = error.status
            plan.refresh_from_db()
        else:
            return redirect("tracing:receive", token=token)
    elif request.method == "POST":
        status = 422
    return render(request, "tracing/public/receive.html", {"plan": plan, "form": form},
                  status=status)


@login_required
@require_POST
def record_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FollowUp.objects.restrict(request.user, "change"), pk=pk)
    return _post_on_case(
        request, item.case, "follow_up_form", forms.FollowUpForm(request.POST),
        lambda data: followups.record(item, outcome=data["outcome"], by=request.user),
        _("Follow-up recorded."), shown=item.done_at is None, followed_up=item.pk)


@login_required
@require_POST
def settlement_step(request: HttpRequest, pk: int) -> HttpResponse:
    case = _editable_case(request, pk)
    form = forms.SettlementStepForm(request.POST, request.FILES)
    step = case.settlement_steps.filter(kind=request.POST.get("kind", "")).first()
    if step is None:
        messages.error(request, _("The settlement path opens three months after admission."))
        return redirect(case)
    if form.is_valid():
        for refused in settlement.step_refusals(step, form.cleaned_data):
            add_to_form(form, refused)
    if form.is_valid():
        try:
            settlement.complete(step, form.cleaned_data, by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Settlement step recorded."))
            return redirect(case)
    return render(request, "tracing/case_detail.html", _case_context(
        request, case, settlement_form=form, settlement_kind=step.kind), status=422)


# --- Staff: reports -------------------------------------------------------------------------

@login_required
@permission_required("tracing.view_missingreport", raise_exception=True)
def report_list(request: HttpRequest) -> HttpResponse:
    reports = MissingReport.objects.restrict(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        reports = reports.filter(name__icontains=query) | reports.filter(
            reference__iexact=query)
    return render(request, "tracing/report_list.html", {"reports": reports[:200],
                                                        "query": query})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MissingReport.objects.restrict(request.user), pk=pk)
    return render(request, "tracing/report_detail.html", _report_context(request, report))


def _report_context(request: HttpRequest, report: MissingReport, send_form=None) -> dict:
    cities = partner_reports.destinations(report)
    return {
        "report": report, "candidates": report.candidates.select_related("case__person"),
        "partner_name": partners.sender_name(report.partner_city) if report.partner_city else "",
        "sendings": [(sending, partners.sender_name(sending.to_city))
                     for sending in partner_reports.sendings(report)],
        "send_form": send_form or (forms.SendToPartnerForm(cities=cities) if cities else None),
        "may_send": request.user.has_perm("tracing.add_missingreport"),
    }


@login_required
@require_POST
@permission_required("tracing.add_missingreport", raise_exception=True)
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MissingReport.objects.restrict(request.user), pk=pk)
    form = forms.SendToPartnerForm(request.POST, cities=partner_reports.destinations(report))
    if form.is_valid():
        try:
            partner_reports.send_report(report, form.cleaned_data["to_city"], by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The report will be sent to %(city)s.")
                             % {"city": partners.sender_name(form.cleaned_data["to_city"])})
            return redirect(report)
    return render(request, "tracing/report_detail.html",
                  _report_context(request, report, send_form=form), status=422)


@login_required
@permission_required("tracing.add_missingreport", raise_exception=True)
def report_add(request: HttpRequest) -> HttpResponse:
    files, token = request.FILES, request.POST.get("photo_token", "")
    if request.method == "POST" and "photo" not in files:
        held = pending_uploads.held(token, request.user)
        files = MultiValueDict({"photo": [held]}) if held is not None else files
    form = forms.StaffReportForm(request.POST or None, files or None)
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.source = ReportSource.STAFF
        try:
            missing_reports.file_report(report, by=request.user)
            pending_uploads.release([token], request.user)
            return redirect(report)
        except ValidationError as error:
            _model_errors_to_form(form, error)
    if form.errors and "photo" in request.FILES and "photo" not in form.errors:
        # The family's photo is kept for the next attempt instead of being asked for again.
        token = pending_uploads.hold(request.FILES["photo"], request.user)
    return render(request, "tracing/report_form.html", {
        "form": form, "photo_token": token if form.errors else ""})


@login_required
@permission_required("tracing.add_missingreport", raise_exception=True)
def report_import(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = file_error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = imports.read_reports(upload.name, upload.read())
        except ImportFileError as error:
            file_error = str(error)
        else:
            result = imports.import_reports(table, district=form.cleaned_data["district"],
                                            user=request.user)
            if result.ok:
                messages.success(request, _("Imported %(n)d reports.") % {
                    "n": len(result.created)})
                return redirect("tracing:reports")
    return render(request, "tracing/report_import.html", {
        "form": form, "result": result, "file_error": file_error, "columns": imports.COLUMNS})


# --- Staff: messages from partner cities ----------------------------------------------------

INBOX_VIEW = "tracing.view_missingreport"
INBOX_ACT = "tracing.add_missingreport"


@login_required
@permission_required(INBOX_VIEW, raise_exception=True)
def partner_inbox_list(request: HttpRequest) -> HttpResponse:
    found = PartnerMessage.objects.restrict(request.user)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in partner_inbox.KIND_LABELS:
        found = found.filter(kind=kind)
    if status in PartnerMessageStatus.values:
        found = found.filter(status=status)
    rows = [(message, partners.sender_name(message.sender_code),
             partner_inbox.kind_label(message), partner_inbox.summary(message))
            for message in found[:200]]
    return render(request, "tracing/partner_inbox.html", {
        "rows": rows, "kind": kind, "status": status, "kinds": partner_inbox.KIND_LABELS,
        "statuses": PartnerMessageStatus.choices})


@login_required
@permission_required(INBOX_VIEW, raise_exception=True)
def partner_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(PartnerMessage.objects.restrict(request.user), pk=pk)
    return render(request, "tracing/partner_message.html",
                  _partner_message_context(request, message, forms.DismissForm()))


def _partner_message_context(request: HttpRequest, message: PartnerMessage, dismiss_form) -> dict:
    report = partner_inbox.report_of(message)
    return {
        "message": message, "content": partner_inbox.readable_content(message),
        "sender_name": partners.sender_name(message.sender_code),
        "kind_label": partner_inbox.kind_label(message),
        "report": report,
        "may_see_report": report is not None and MissingReport.objects.restrict(
            request.user).filter(pk=report.pk).exists(),
        "id_number": partner_inbox.handover_id_number(message),
        "may_act": request.user.has_perm(INBOX_ACT) and message.is_new,
        "dismiss_form": dismiss_form,
    }


@login_required
@require_POST
@permission_required(INBOX_ACT, raise_exception=True)
def partner_take(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(PartnerMessage.objects.restrict(request.user), pk=pk)
    try:
        report = partner_inbox.take(message, by=request.user)
    except Refused as error:
        messages.error(request, str(error.message))
    else:
        if report is not None:
            messages.success(request, _("Taken into tracing as report %(reference)s.")
                             % {"reference": report.reference})
        else:
            messages.success(request, _("Marked as taken into tracing."))
    return redirect("tracing:partner_message", message.pk)


@login_required
@require_POST
@permission_required(INBOX_ACT, raise_exception=True)
def partner_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(PartnerMessage.objects.restrict(request.user), pk=pk)
    form = forms.DismissForm(request.POST)
    if form.is_valid():
        try:
            partners.dismiss(message, form.cleaned_data["reason"], by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Message dismissed."))
            return redirect("tracing:partner_message", message.pk)
    return render(request, "tracing/partner_message.html",
                  _partner_message_context(request, message, form), status=422)


# --- Police liaison -------------------------------------------------------------------------

@login_required
@permission_required("tracing.view_comparisonrequest", raise_exception=True)
def comparison_list(request: HttpRequest) -> HttpResponse:
    rows = ComparisonRequest.objects.restrict(request.user).select_related("case__person",
                                                                           "liaison")
    return render(request, "tracing/comparison_list.html", {"rows": rows[:200]})


@login_required
def comparison_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ComparisonRequest.objects.restrict(request.user).select_related(
        "case__person"), pk=pk)
    form = forms.ResultForm()
    if request.method == "POST":
        item = get_object_or_404(ComparisonRequest.objects.restrict(request.user, "change"),
                                 pk=pk)
        if request.POST.get("action") == "acknowledge":
            comparisons.acknowledge(item, by=request.user)
            return redirect(item)
        form = forms.ResultForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                comparisons.record_result(item, comparisons.ComparisonResult(**form.cleaned_data),
                                       by=request.user)
                return redirect(item)
            except Refused as error:
                add_to_form(form, error)
    return render(request, "tracing/comparison_detail.html", {
        "item": item, "form": form, "brief": comparisons.brief(item)})


@login_required
def comparison_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The person's photo for the liaison the request was sent to (and the case's staff)."""
    item = get_object_or_404(ComparisonRequest.objects.restrict(request.user), pk=pk)
    photo = item.case.person.photos.order_by("-taken_at").first()
    if photo is None:
        raise Http404
    audit.record_sensitive_read(item.case.person, ["photo"], user=request.user)
    return _file(photo.image, private=True)


# --- Public ---------------------------------------------------------------------------------

FAMILY_FIELDS = ("reporter_phone", "code", "reporter_name", "reporter_relation")


def public_report(request: HttpRequest) -> HttpResponse:
    """A family reports a missing person from a phone; the phone is checked by a texted code."""
    form = forms.PublicReportForm(request.POST or None, request.FILES or None)
    sent_to = ""
    if request.method == "POST" and request.POST.get("action") == "send_code":
        form = forms.PublicReportForm(initial=request.POST.dict())
        try:
            sent_to = phone_codes.send_code(request.POST.get("reporter_phone", ""))
        except Refused as error:
            form.add_error("reporter_phone", str(error.message))
    elif request.method == "POST" and form.is_valid():
        try:
            phone = phone_codes.check_code(form.cleaned_data["reporter_phone"],
                                        form.cleaned_data["code"])
        except Refused as error:
            form.add_error("code", str(error.message))
        else:
            report = form.save(commit=False)
            report.reporter_phone, report.phone_verified_at = phone, timezone.now()
            report.source = ReportSource.PUBLIC
            missing_reports.file_report(report)
            return render(request, "tracing/public/report_done.html", {"report": report})
    person_fields = [form[name] for name in form.fields if name not in FAMILY_FIELDS]
    return render(request, "tracing/public/report_form.html", {
        "form": form, "sent_to": sent_to, "person_fields": person_fields})


@login_required
def report_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A family's photo of the missing person: for staff who may see sensitive data, in scope."""
    if not request.user.has_perm(SENSITIVE):
        raise Http404
    report = get_object_or_404(MissingReport.objects.restrict(request.user), pk=pk)
    audit.record_sensitive_read(report, ["photo"], user=request.user)
    return _file(report.photo, private=True)


@login_required
def comparison_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The police's comparison report, to those who may open the comparison."""
    item = get_object_or_404(ComparisonRequest.objects.restrict(request.user), pk=pk)
    audit.record_sensitive_read(item, ["evidence"], user=request.user)
    return _file(item.evidence, private=True)


def announcement_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The face crop of a live announcement: public as the announcement is, each fetch logged;
    gone the moment the announcement comes down."""
    row = get_object_or_404(announcements.public_announcements(), pk=pk)
    if not announcements.is_public_crop(row.photo):
        raise Http404
    audit.record_sensitive_read(row, ["public_photo"])
    response = _file(row.photo, private=False)
    response["Cache-Control"] = "public, no-cache"  # a face taken down must not linger
    return response


def _file(field: FieldFile, *, private: bool) -> FileResponse:
    """Uploaded files are never served as public media: each goes through a view that
    decides who may see it."""
    if not field:
        raise Http404
    try:
        response = FileResponse(field.open("rb"))
    except FileNotFoundError:
        raise Http404 from None
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response


def public_announcements(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    rows = announcements.public_announcements(query)[:100]
    return render(request, "tracing/public/announcements.html", {"rows": rows, "query": query})


def announcements_export(request: HttpRequest) -> HttpResponse:
    """The live announcements as CSV, for other platforms to repost."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="announcements.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(("id", "title", "sex", "age_estimate", "height_cm", "features",
                     "found_place", "found_on", "contact", "text"))
    for row in announcements.public_announcements():
        writer.writerow(formulas.safe_row((
            row.pk, row.title, row.sex, row.age_estimate or "", row.height_cm or "", row.features,
            row.found_place, row.found_on, row.contact, row.text)))
    return response
