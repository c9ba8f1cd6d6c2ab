"""Police comparisons (fingerprint, face, DNA): requested of a liaison, acknowledged, and their
results recorded on the case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.roles import Role
from songnuan.actors import recorded
from songnuan.refusals import Conflict, Refused
from songnuan.tracing.casework import complete_step
from songnuan.tracing.models import (
    ComparisonKind,
    ComparisonRequest,
    ComparisonStatus,
    StepKind,
    TracingCase,
)

# Sending a fingerprint or face comparison is not taking them: the biometrics step is done by
# `casework.complete_biometrics_when_taken` once they are on file.
STEP_OF_COMPARISON = {ComparisonKind.DNA: StepKind.DNA_REQUEST}


@transaction.atomic
def request_comparison(case: TracingCase, *, kind: str, liaison: Any, message: str, by: Any,
                       now: datetime.datetime | None = None) -> ComparisonRequest:
    now = now or timezone.now()
    if kind not in ComparisonKind.values:
        raise Refused(_("Choose fingerprint, face or DNA."), field="kind")
    if getattr(liaison, "role", None) != Role.POLICE_LIAISON or not liaison.is_active:
        raise Refused(_("Send the request to an active police liaison."), field="liaison")
    request = ComparisonRequest.objects.create(case=case, kind=kind, liaison=liaison,
                                               message=message.strip(), sent_at=now,
                                               sent_by=recorded(by))
    step = case.steps.filter(kind=STEP_OF_COMPARISON.get(kind, "")).first()
    if step is not None:
        complete_step(step, by=by, note=str(request.get_kind_display()), now=now)
    return request


@transaction.atomic
def acknowledge(request: ComparisonRequest, *, by: Any,
                now: datetime.datetime | None = None) -> ComparisonRequest:
    if request.status == ComparisonStatus.SENT:
        request.status = ComparisonStatus.ACKNOWLEDGED
        request.acknowledged_at = now or timezone.now()
        request.save()
    return request


@dataclass
class ComparisonResult:
    matched: bool
    identity: str = ""
    notes: str = ""
    evidence: Any = None


@transaction.atomic
def record_result(request: ComparisonRequest, result: ComparisonResult, *, by: Any,
                  now: datetime.datetime | None = None) -> ComparisonRequest:
    now = now or timezone.now()
    if request.status in (ComparisonStatus.MATCHED, ComparisonStatus.NO_MATCH):
        raise Conflict(_("The result of this request is already recorded."))
    if result.matched and not result.identity.strip():
        raise Refused(_("Whose identity did the comparison find?"), field="identity")
    if result.evidence is None and not request.evidence:
        raise Refused(_("Attach the comparison report."), field="evidence")
    request.status = ComparisonStatus.MATCHED if result.matched else ComparisonStatus.NO_MATCH
    request.matched_identity = result.identity.strip()[:200]
    request.result_notes = result.notes.strip()
    request.acknowledged_at = request.acknowledged_at or now
    request.result_at = now
    if result.evidence is not None:
        request.evidence = result.evidence
    request.save()
    return request
