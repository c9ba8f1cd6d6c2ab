"""The duty desk's pages: roster coverage of the coming days, and who is on duty now."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from songnuan.duty import coverage, services
from songnuan.network.services import districts_for


@login_required
@permission_required("duty.view_dutyshift", raise_exception=True)
def coverage_page(request: HttpRequest) -> HttpResponse:
    districts = list(districts_for(request.user).order_by("code"))
    try:
        first = datetime.date.fromisoformat(request.GET.get("from") or "")
    except ValueError:
        first = timezone.localdate()
    return render(request, "duty/coverage.html", {
        "coverages": coverage.coverage(districts, first), "first": first,
        "hours": range(24)})


@login_required
def now_page(request: HttpRequest) -> HttpResponse:
    districts = list(districts_for(request.user).order_by("code"))
    return render(request, "duty/now.html", {"desks": services.desks_now(districts),
                                             "now": timezone.now()})
