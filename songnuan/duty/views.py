"""Duty pages: the week roster of a district or the city, its shifts, and my alerts."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import may_place_in, scope_of
from songnuan.duty import services
from songnuan.duty.forms import ShiftForm
from songnuan.duty.models import Alert, DutyRole, DutyShift
from songnuan.network.services import districts_for
from songnuan.refusals import Refused, add_to_form

CITY = "city"


def _scopes(user) -> list[tuple[str, str]]:
    """(value, label) of the rosters a user may look at: their districts, and the city's."""
    choices = [(str(d.pk), str(d)) for d in districts_for(user).order_by("code")]
    if scope_of(user).reach is Reach.CITY:
        choices.insert(0, (CITY, _("The whole city")))
    return choices


def _week(value: str | None) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        day = timezone.localdate()
    return services.week_of(day)


@login_required
@permission_required("duty.view_dutyshift", raise_exception=True)
def roster(request: HttpRequest) -> HttpResponse:
    scopes = _scopes(request.user)
    if not scopes:
        return render(request, "403.html", status=403)
    own = request.user.district_id or (request.user.site.district_id
                                       if request.user.site_id else None)
    chosen = request.GET.get("scope") or (str(own) if own else scopes[0][0])
    if chosen not in dict(scopes):
        return render(request, "403.html", status=403)
    district = None if chosen == CITY else districts_for(request.user).get(pk=chosen)
    monday = _week(request.GET.get("week"))
    shifts = _scope_shifts(request.user, district)
    return render(request, "duty/roster.html", {
        "scopes": scopes, "chosen": chosen, "scope_name": services.scope_name(district),
        "monday": monday, "days": services.roster_week(shifts, monday),
        "previous_week": monday - datetime.timedelta(days=7),
        "next_week": monday + datetime.timedelta(days=7),
        "leaders_now": services.leaders_on_duty(district),
        "officers_now": services.on_duty(DutyRole.OFFICER, district),
        "today": timezone.localdate(),
    })


def _scope_shifts(user, district):
    shifts = DutyShift.objects.restrict(user, "view")
    return shifts.filter(district=district) if district else shifts.filter(district__isnull=True)


def _roster_url(shift: DutyShift) -> str:
    scope = shift.district_id or CITY
    week = services.week_of(timezone.localtime(shift.starts_at).date())
    return f"{reverse('duty:roster')}?scope={scope}&week={week:%Y-%m-%d}"


def _edit(request: HttpRequest, shift: DutyShift | None) -> HttpResponse:
    form = ShiftForm(request.POST or None, instance=shift, editor=request.user,
                     initial=_initial(request) if shift is None else None)
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        if not may_place_in(request.user, candidate.district_id):
            return render(request, "403.html", status=403)
        try:
            services.save_shift(candidate)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Roster saved."))
            return redirect(_roster_url(candidate))
    return render(request, "duty/shift_form.html", {"form": form, "shift": shift})


def _initial(request: HttpRequest) -> dict:
    scope = request.GET.get("scope")
    initial: dict = {"district": scope} if scope and scope != CITY else {}
    day = request.GET.get("day")
    try:
        start = datetime.datetime.combine(datetime.date.fromisoformat(day or ""),
                                          datetime.time(8))
    except ValueError:
        return initial
    initial["starts_at"] = start
    initial["ends_at"] = start + datetime.timedelta(days=1)
    return initial


@login_required
@permission_required("duty.add_dutyshift", raise_exception=True)
def shift_add(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
@permission_required("duty.change_dutyshift", raise_exception=True)
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(DutyShift.objects.restrict(request.user, "change"), pk=pk)
    return _edit(request, shift)


@login_required
@permission_required("duty.delete_dutyshift", raise_exception=True)
@require_POST
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(DutyShift.objects.restrict(request.user, "delete"), pk=pk)
    back = _roster_url(shift)
    shift.delete()
    messages.success(request, _("Shift removed from the roster."))
    return redirect(back)


@login_required
@permission_required("duty.view_alert", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    alerts = list(services.inbox(request.user).order_by(
        F("acknowledged_at").asc(nulls_first=True), "-created_at")[:200])
    services.mark_read(alerts)
    return render(request, "duty/inbox.html", {
        "alerts": alerts, "shifts_now": services.on_duty_now(request.user)})


@login_required
@permission_required("duty.change_alert", raise_exception=True)
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Alert.objects.restrict(request.user, "change")
                             .filter(recipient=request.user), pk=pk)
    services.acknowledge(item, by=request.user)
    messages.success(request, _("Alert acknowledged."))
    return redirect("duty:inbox")
