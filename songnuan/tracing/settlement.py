"""Settlement (落户安置) of a person still unidentified three months after admission: the
application, the police household registration, the placement, in that order, each with its
owner, due date and document; the placement discharges the stay as settled and closes the case.

Source: 民发〔2015〕158号 (unidentified after three months: household registration and
settlement), with the provinces' settlement notices naming the documents.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.refusals import Conflict, Refused
from songnuan.shelter.discharge import DischargeInput, discharge
from songnuan.shelter.models import Outcome, StayStatus
from songnuan.tracing.announcements import take_down
from songnuan.tracing.casework import notify_case_people
from songnuan.tracing.models import (
    SETTLEMENT_ORDER,
    CaseStatus,
    PlacementKind,
    SettlementKind,
    SettlementStep,
    StepKind,
    TracingCase,
)
from songnuan.words import for_the_record, said_to_each

STEP_BEFORE = dict(zip(SETTLEMENT_ORDER[1:], SETTLEMENT_ORDER[:-1], strict=True))


def open_path(case: TracingCase, now: datetime.datetime | None = None) -> list[SettlementStep]:
    """The steps of a case whose settlement path opened, due one after another from the day
    it opened on the case's clock (its "settlement" deadline)."""
    opened = case.steps.filter(kind=StepKind.SETTLEMENT).values_list("due_at", flat=True).first()
    start = opened or now or timezone.now()
    days = datetime.timedelta(days=settings.TRACING_SETTLEMENT_STEP_DAYS)
    return [SettlementStep.objects.get_or_create(
        case=case, kind=kind, defaults={"due_at": start + days * (index + 1),
                                        "owner": case.officer})[0]
        for index, kind in enumerate(SETTLEMENT_ORDER)]


def open_due_paths(now: datetime.datetime | None = None) -> int:
    """Give every case on the settlement path its steps (periodic, after cases advance)."""
    cases = TracingCase.objects.filter(status=CaseStatus.SETTLEMENT).exclude(
        settlement_steps__isnull=False)
    opened = 0
    for case in cases:
        open_path(case, now)
        opened += 1
    return opened


def step_refusals(step: SettlementStep, data: dict[str, Any]) -> list[Refused]:
    """Everything missing in a step's input, field by field (a form shows them all)."""
    found = []
    if not (data.get("reference") or "").strip():
        found.append(Refused(_("Give the document's number."), field="reference"))
    if step.kind == SettlementKind.PLACEMENT:
        if data.get("placement") not in PlacementKind.values:
            found.append(Refused(_("Choose a welfare institution or a community."),
                                 field="placement"))
        if not (data.get("place") or "").strip():
            found.append(Refused(_("Name the institution or community."), field="place"))
    return found


@transaction.atomic
def assign_owner(step: SettlementStep, owner: Any) -> SettlementStep:
    step = SettlementStep.objects.select_for_update().get(pk=step.pk)
    if step.done_at is not None:
        raise Conflict(_("This step is done."))
    step.owner = owner
    step.save(update_fields=["owner"])
    return step


@transaction.atomic
def complete(step: SettlementStep, data: dict[str, Any], *, by: Any,
             now: datetime.datetime | None = None) -> SettlementStep:
    """Record a step done with its document; refused out of order or without the document's
    number, and nothing is written then. The placement settles the person and closes the case."""
    now = now or timezone.now()
    case = TracingCase.objects.select_for_update(of=("self",)).select_related("stay").get(
        pk=step.case_id)
    step = SettlementStep.objects.select_for_update().get(pk=step.pk)
    if case.status != CaseStatus.SETTLEMENT:
        raise Conflict(_("The settlement path opens three months after admission."))
    if step.done_at is not None:
        raise Conflict(_("This step is done."))
    earlier = STEP_BEFORE.get(step.kind)
    if earlier and not case.settlement_steps.filter(kind=earlier, done_at__isnull=False).exists():
        raise Conflict(_("“%(step)s” comes first.") % {
            "step": SettlementKind(earlier).label}, field="kind")
    refusals = step_refusals(step, data)
    if refusals:
        raise refusals[0]
    step.reference = data["reference"].strip()[:60]
    step.document = data.get("document") or step.document
    step.placement, step.place = data.get("placement") or "", (data.get("place") or "")[:100]
    step.done_at, step.done_by = now, by
    step.save()
    if step.kind == SettlementKind.PLACEMENT:
        _settle(case, step, by=by, now=now)
    return step


def _settle(case: TracingCase, step: SettlementStep, *, by: Any,
            now: datetime.datetime) -> None:
    stay = case.stay
    if stay is not None and stay.status == StayStatus.OPEN:
        discharge(stay, DischargeInput(outcome=Outcome.SETTLED, destination=step.place,
                                       notes=step.reference), by=by, now=now)
    case.status, case.closed_at = CaseStatus.CLOSED, now
    case.save()
    with for_the_record():
        take_down(case, reason=_("Settled"), now=now)


def alert_overdue(now: datetime.datetime | None = None) -> int:
    """Tell the case officer (or the district's tracing officers) of each overdue step, once."""
    now = now or timezone.now()
    sent = 0
    for step in SettlementStep.objects.filter(
            done_at__isnull=True, due_at__lt=now, case__status=CaseStatus.SETTLEMENT
    ).select_related("case__site__district", "case__person", "case__officer"):
        sent += bool(notify_case_people(step.case, text=said_to_each(_step_late_text, step),
                                        now=now,
                                        key=f"tracing-settlement:{step.pk}"))
    return sent


def _step_late_text(step: SettlementStep) -> str:
    return _("%(case)s: settlement step “%(step)s” was due %(due)s.") % {
        "case": step.case, "step": step.get_kind_display(),
        "due": f"{timezone.localtime(step.due_at):%Y-%m-%d}"}
