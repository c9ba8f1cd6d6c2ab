"""Missing-person reports (寻人登记): filed with a reference, and ranked at once against every
case still looking for a family."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from songnuan.actors import recorded
from songnuan.tracing.casework import live_cases
from songnuan.tracing.matching import rank_candidates
from songnuan.tracing.models import (
    MissingReport,
)


def _reference(day: datetime.date) -> str:
    return f"XR{day:%Y%m%d}{secrets.randbelow(10_000):04d}"


@transaction.atomic
def file_report(report: MissingReport, *, by: Any = None) -> MissingReport:
    """Save a new report and rank it against the live cases (one record against the store)."""
    report.reference = report.reference or new_reference()
    report.created_by = recorded(by)
    report.full_clean()
    report.save()
    rank_against_live_cases([report])
    return report


def new_reference() -> str:
    while True:
        reference = _reference(timezone.localdate())
        if not MissingReport.objects.filter(reference=reference).exists():
            return reference


def rank_against_live_cases(reports: list[MissingReport]) -> None:
    """New reports join the candidates of every case still looking for a family."""
    for case in live_cases():
        rank_candidates(case, reports=reports)
