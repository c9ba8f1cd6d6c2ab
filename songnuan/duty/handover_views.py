"""Handover pages: a scope's handover log, writing one, and the next shift's acknowledgement."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import scope_of
from songnuan.duty import handovers, services
from songnuan.duty.handovers import SECTIONS, Handover
from songnuan.network.services import districts_for
from songnuan.refusals import Refused, add_to_form

CITY = "city"


class HandoverForm(forms.ModelForm):
    class Meta:
        model = Handover
        fields = list(SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in SECTIONS}
        help_texts = {"watch": gettext_lazy("Weather, people at risk, places to revisit.")}


def _scope(request: HttpRequest):
    """(value, district or None) of the log asked for, or None when the user may not see it."""
    own = request.user.district_id or (request.user.site.district_id
                                       if request.user.site_id else None)
    chosen = request.GET.get("scope") or (str(own) if own else CITY)
    if chosen == CITY:
        return (CITY, None) if scope_of(request.user).reach is Reach.CITY else None
    district = districts_for(request.user).filter(pk=chosen if chosen.isdigit() else 0).first()
    return (chosen, district) if district else None


@login_required
@permission_required("duty.view_handover", raise_exception=True)
def handover_log(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope is None:
        return render(request, "403.html", status=403)
    chosen, district = scope
    notes = Handover.objects.restrict(request.user, "view").filter(district=district)
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and request.user.has_perm("duty.add_handover") \
            and form.is_valid():
        try:
            handovers.write(district, by=request.user, **form.cleaned_data)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Handover written: the next shift will acknowledge it."))
            return redirect(f"{request.path}?scope={chosen}")
    return render(request, "duty/handovers.html", {
        "form": form, "scope": chosen, "scope_name": services.scope_name(district),
        "notes": notes.select_related("written_by", "acknowledged_by")[:50],
    }, status=422 if form.errors else 200)


@login_required
@permission_required("duty.change_handover", raise_exception=True)
@require_POST
def handover_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Handover.objects.restrict(request.user, "change"), pk=pk)
    try:
        handovers.acknowledge(note, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Handover acknowledged."))
    return redirect(f"{note.get_absolute_url()}")


@login_required
@permission_required("duty.view_handover", raise_exception=True)
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Handover.objects.restrict(request.user, "view")
                             .select_related("written_by", "acknowledged_by", "district"), pk=pk)
    return render(request, "duty/handover.html", {"note": note})
