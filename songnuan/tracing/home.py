"""Home-page panels: live cases and overdue legal deadlines."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from songnuan.shell import Panel


def panels(user: Any) -> list[Panel]:
    from songnuan.tracing.casework import live_cases, overdue_steps
    from songnuan.tracing.models import CaseStep, ComparisonRequest, ComparisonStatus, TracingCase

    found: list[Panel] = []
    if user.has_perm("tracing.view_tracingcase"):
        cases = live_cases().filter(pk__in=TracingCase.objects.restrict(user).values("pk"))
        overdue = overdue_steps(CaseStep.objects.restrict(user)).count()
        found.append(Panel(_("Open tracing cases"), reverse("tracing:cases"), cases.count(),
                           _("People of unknown identity in stations"), order=500))
        if overdue:
            found.append(Panel(_("Overdue tracing steps"), reverse("tracing:cases") + "?overdue=1",
                               overdue, _("Deadlines of the 2015 identity-enquiry opinion"),
                               tone="alert", order=10))
    if user.has_perm("tracing.view_comparisonrequest"):
        waiting = ComparisonRequest.objects.restrict(user).filter(
            status__in=(ComparisonStatus.SENT, ComparisonStatus.ACKNOWLEDGED)).count()
        found.append(Panel(_("Comparison requests awaiting a result"),
                           reverse("tracing:comparisons"), waiting, tone="warn" if waiting
                           else "ok", order=510))
    return found
