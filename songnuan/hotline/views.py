"""Hotline pages: the call list with its filters, logging a call, a call with its recordings.
Thin: parse, call `services`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts import audit
from songnuan.accounts.models import User
from songnuan.hotline import services
from songnuan.hotline.forms import CallForm, FilterForm, ShortenForm
from songnuan.hotline.models import Call, Recording
from songnuan.leads.models import Lead
from songnuan.notify.phones import mask_mobile
from songnuan.private_files import send_privately
from songnuan.refusals import Refused, add_to_form

LIST_ROWS = 300


def _visible_calls(user):
    return Call.objects.restrict(user, "view").select_related(
        "operator", "district", "lead", "missing_report")


def _masked(call: Call) -> Call:
    call.phone_masked = mask_mobile(call.caller_phone) if call.caller_phone else ""
    return call


@login_required
@permission_required("hotline.view_call", raise_exception=True)
def call_list(request: HttpRequest) -> HttpResponse:
    calls = _visible_calls(request.user)
    operators = User.objects.filter(pk__in=calls.values("operator")).order_by("username")
    form = FilterForm(request.GET or None, operators=operators)
    if form.is_valid():
        data = form.cleaned_data
        if data["day"]:
            calls = calls.filter(started_at__date=data["day"])
        if data["kind"]:
            calls = calls.filter(kind=data["kind"])
        if data["operator"]:
            calls = calls.filter(operator_id=data["operator"])
    return render(request, "hotline/call_list.html", {
        "form": form, "calls": [_masked(call) for call in calls[:LIST_ROWS]],
        "limit": LIST_ROWS})


@login_required
@permission_required("hotline.add_call", raise_exception=True)
def call_new(request: HttpRequest) -> HttpResponse:
    """Log a call; `?lead=<id>` (from the hotline lead form) attaches the lead it became."""
    form = CallForm(request.POST or None, initial={"lead": request.GET.get("lead")})
    lead_id = form["lead"].value()
    lead = (Lead.objects.restrict(request.user).filter(pk=lead_id).first()
            if str(lead_id or "").isdigit() else None)
    if lead is not None and not form.is_bound:
        form.initial["kind"] = "report"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call_input = services.CallInput(
            started_at=data["started_at"], kind=data["kind"], duration_s=data["duration_s"],
            caller_phone=data["caller_phone"], note=data["note"], lead=lead)
        for refusal in services.call_refusals(call_input, timezone.now()):
            add_to_form(form, refusal)
        if form.is_valid():
            try:
                call = services.log_call(call_input, by=request.user)
            except Refused as refusal:
                add_to_form(form, refusal)
            else:
                messages.success(request, _("Call logged."))
                return redirect("hotline:call_detail", call.pk)
    return render(request, "hotline/call_form.html", {"form": form, "lead": lead})


def _call(request, pk: int) -> Call:
    return get_object_or_404(_visible_calls(request.user), pk=pk)


@login_required
@permission_required("hotline.view_call", raise_exception=True)
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = _masked(_call(request, pk))
    now = timezone.now()
    recordings = list(call.recordings.all()) if request.user.has_perm(
        "hotline.view_recording") else []
    return render(request, "hotline/call_detail.html", {
        "call": call, "recordings": recordings, "now": now,
        "may_shorten": request.user.has_perm(services.SHORTEN_PERMISSION),
        "shorten_form": ShortenForm(),
    })


@login_required
@permission_required("hotline.view_recording", raise_exception=True)
def recording_audio(request: HttpRequest, pk: int) -> HttpResponse:
    """The recording itself: every playback is logged as a sensitive read."""
    recording = get_object_or_404(Recording.objects.restrict(request.user, "view"), pk=pk)
    response = send_privately(recording.audio, content_type=services.CONTENT_TYPES.get(
        recording.extension, "application/octet-stream"))
    audit.record_sensitive_read(recording, ["audio"], user=request.user)
    return response


@login_required
@require_POST
@permission_required("hotline.shorten_retention", raise_exception=True)
def recording_shorten(request: HttpRequest, pk: int) -> HttpResponse:
    recording = get_object_or_404(Recording.objects.restrict(request.user, "change")
                                  .select_related("call"), pk=pk)
    form = ShortenForm(request.POST)
    if form.is_valid():
        try:
            services.shorten_retention(recording, days=form.cleaned_data["days"],
                                       reason=form.cleaned_data["reason"], by=request.user)
        except Refused as refusal:
            add_to_form(form, refusal)
        else:
            messages.success(request, _("The recording is now kept until %(day)s.") % {
                "day": timezone.localtime(recording.keep_until).strftime("%Y-%m-%d")})
            return redirect("hotline:call_detail", recording.call_id)
    call = _masked(recording.call)
    return render(request, "hotline/call_detail.html", {
        "call": call, "recordings": list(call.recordings.all()), "may_shorten": True,
        "shorten_form": form, "shortening": recording.pk}, status=422)
