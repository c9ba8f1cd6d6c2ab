"""Police comparisons (fingerprint, face, DNA): requested of a liaison with what they need to
compare, due within a month (reminded before, alerted after), and their answer recorded on the
case — a match becomes the person's identity."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.roles import Role
from songnuan.actors import recorded
from songnuan.duty.models import Severity, Topic
from songnuan.duty.services import deliver
from songnuan.people import identities
from songnuan.people.identity import IdNumberError, parse_id_number
from songnuan.people.models import IdentitySource, IdentityStatus
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import announcements, workdays
from songnuan.tracing.casework import complete_step, notify_case_people
from songnuan.tracing.models import (
    CaseStatus,
    ComparisonKind,
    ComparisonRequest,
    ComparisonStatus,
    StepKind,
    TracingCase,
)
from songnuan.words import for_the_record, said_to_each

# Sending a fingerprint or face comparison is not taking them: the biometrics step is done by
# `casework.complete_biometrics_when_taken` once they are on file.
ID_NUMBER_IN_TEXT = re.compile(r"\d{17}[\dXx]|\d{15}")
STEP_OF_COMPARISON = {ComparisonKind.DNA: StepKind.DNA_REQUEST}


@transaction.atomic
def request_comparison(case: TracingCase, *, kind: str, liaison: Any, message: str, by: Any,
                       now: datetime.datetime | None = None) -> ComparisonRequest:
    now = now or timezone.now()
    if kind not in ComparisonKind.values:
        raise Refused(_("Choose fingerprint, face or DNA."), field="kind")
    if getattr(liaison, "role", None) != Role.POLICE_LIAISON or not liaison.is_active:
        raise Refused(_("Send the request to an active police liaison."), field="liaison")
    request = ComparisonRequest.objects.create(
        case=case, kind=kind, liaison=liaison, message=message.strip(), sent_at=now,
        sent_by=recorded(by), due_at=due_at(now))
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


def due_at(sent_at: datetime.datetime) -> datetime.datetime:
    """The police answer within `TRACING_COMPARISON_DUE_MONTHS` calendar months (one by
    default), counted as the rescue rules count a month, holidays included."""
    return workdays.add_months(sent_at, settings.TRACING_COMPARISON_DUE_MONTHS)


def brief(request: ComparisonRequest) -> dict[str, Any]:
    """What the liaison needs to compare: the person as found, and whom to answer."""
    case = request.case
    person = case.person
    found_on = timezone.localdate(case.opened_at)
    return {
        "person": person, "sex": person.get_sex_display(), "age": person.age_on(found_on),
        "height_cm": person.height_cm, "features": person.marks, "dialect": person.dialect,
        "found_place": case.found_place or announcements.prefill(case)["found_place"],
        "found_on": found_on, "station": case.site, "station_phone": case.site.phone,
        "officer": case.officer, "officer_phone": getattr(case.officer, "phone", ""),
        "photo": person.photos.order_by("-taken_at").first(),
        "fingerprints": person.fingerprints.first(),
    }


def remind_due(now: datetime.datetime | None = None) -> int:
    """Remind the liaison `TRACING_COMPARISON_REMIND_DAYS` before an answer is due, and alert
    the case's people and the liaison once it is overdue; each once."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(days=settings.TRACING_COMPARISON_REMIND_DAYS)
    open_requests = ComparisonRequest.objects.filter(
        status__in=(ComparisonStatus.SENT, ComparisonStatus.ACKNOWLEDGED),
        due_at__isnull=False, due_at__lte=soon).select_related(
        "case__site__district", "case__officer", "case__person", "liaison")
    sent = 0
    for item in open_requests:
        due = f"{timezone.localtime(item.due_at):%Y-%m-%d}"
        if item.due_at <= now:
            text = said_to_each(_answer_late, item, due)
            sent += bool(notify_case_people(item.case, text=text, key=f"comparison-late:{item.pk}",
                                            now=now))
            sent += bool(deliver([item.liaison], at=now, district=item.case.site.district,
                                 topic=Topic.TRACING_OVERDUE, text=text,
                                 url=item.get_absolute_url(),
                                 key=f"comparison-late:{item.pk}", severity=Severity.WARNING))
        else:
            text = said_to_each(_answer_due, item, due)
            sent += bool(deliver([item.liaison], at=now, district=item.case.site.district,
                                 topic=Topic.TRACING_OVERDUE, text=text,
                                 url=item.get_absolute_url(),
                                 key=f"comparison-soon:{item.pk}", severity=Severity.INFO))
    return sent


def _answer_late(item: ComparisonRequest, due: str) -> str:
    return _("%(request)s for %(case)s: the police answer was due %(due)s.") % {
        "request": item.get_kind_display(), "case": item.case, "due": due}


def _answer_due(item: ComparisonRequest, due: str) -> str:
    return _("%(request)s for %(case)s: the answer is due %(due)s.") % {
        "request": item.get_kind_display(), "case": item.case, "due": due}


@dataclass
class ComparisonResult:
    matched: bool
    identity: str = ""
    notes: str = ""
    evidence: Any = None
    reference: str = ""
    id_number: str = ""


@transaction.atomic
def record_result(request: ComparisonRequest, result: ComparisonResult, *, by: Any,
                  now: datetime.datetime | None = None) -> ComparisonRequest:
    now = now or timezone.now()
    if request.status in (ComparisonStatus.MATCHED, ComparisonStatus.NO_MATCH):
        raise Conflict(_("The result of this request is already recorded."))
    if result.matched and not result.identity.strip():
        raise Refused(_("Whose identity did the comparison find?"), field="identity")
    if result.evidence is None and not request.evidence and not result.reference.strip():
        raise Refused(_("Give the police reference of the comparison, or attach its report."),
                      field="evidence")
    request.status = ComparisonStatus.MATCHED if result.matched else ComparisonStatus.NO_MATCH
    request.matched_identity = result.identity.strip()[:200]
    request.result_notes = result.notes.strip()
    request.acknowledged_at = request.acknowledged_at or now
    request.result_at = now
    request.police_reference = result.reference.strip()[:60]
    if result.evidence is not None:
        request.evidence = result.evidence
    request.save()
    if result.matched:
        _write_back(request, result, by=by, now=now)
    return request


def _write_back(request: ComparisonRequest, result: ComparisonResult, *, by: Any,
                now: datetime.datetime) -> None:
    """Into the case: the identity the police found (held when it contradicts the one in force).
    A number written into the identity text ("王建国 3702…") is read from it; one that fails
    its checks stays in the text only, where the officer sees it."""
    name, number = result.identity.strip(), result.id_number.strip()
    found = ID_NUMBER_IN_TEXT.search(name)
    if not number and found:
        name = (name[:found.start()] + name[found.end():]).strip(" ,，;；")
        try:
            number = parse_id_number(found.group()).number
        except IdNumberError:
            number = ""
    identity = identities.record_identity(
        request.case.person, source=IdentitySource.POLICE, name=name[:50], id_number=number,
        reference=request.police_reference or str(request), by=by, hold_on_conflict=True,
        now=now)
    case = TracingCase.objects.select_for_update().get(pk=request.case_id)
    if identity.status == IdentityStatus.IN_FORCE and case.is_live:
        case.status = CaseStatus.IDENTIFIED
        case.save()
        with for_the_record():
            announcements.take_down(case, reason=_("Identified by a police comparison"), now=now)
