"""How a case ends: a reunion discharges the person home through the shelter, then the case
closes and its announcement comes down."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.refusals import Conflict
from songnuan.shelter.discharge import discharge
from songnuan.shelter.models import Outcome, StayStatus
from songnuan.tracing.announcements import take_down
from songnuan.tracing.models import (
    CaseStatus,
    TracingCase,
)
from songnuan.words import for_the_record


@transaction.atomic
def discharge_home(case: TracingCase, data: Any, *, by: Any,
                   now: datetime.datetime | None = None) -> TracingCase:
    """Reunion: the shelter's discharge home, then the case closes."""
    case = TracingCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.status != CaseStatus.IDENTIFIED:
        raise Conflict(_("Confirm the family's report before discharging home."))
    data.outcome = Outcome.RETURNED_HOME
    stay = case.stay
    if stay is not None and stay.status == StayStatus.OPEN:
        discharge(stay, data, by=by, now=now)
    case.status, case.closed_at = CaseStatus.CLOSED, now or timezone.now()
    case.save()
    with for_the_record():
        take_down(case, reason=_("Reunited with the family"), now=now)
    return case
