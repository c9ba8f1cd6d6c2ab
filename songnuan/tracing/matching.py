"""Candidates: the missing reports ranked against a case by record linkage, the rankings to
retry, and an officer's decision on each candidate."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.actors import recorded
from songnuan.linkage import Index, Parameters
from songnuan.linkage.tables import FITTED_PARAMETERS
from songnuan.people import identities
from songnuan.people.models import IdentitySource
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import records
from songnuan.tracing.announcements import take_down
from songnuan.tracing.casework import live_cases
from songnuan.tracing.models import (
    CandidateReview,
    CaseStatus,
    Decision,
    MissingReport,
    Ranking,
    ReportStatus,
    TracingCase,
)
from songnuan.words import for_the_record

# A comparison still waiting this long after its case was opened is queued again.
RANKING_RETRY_AFTER = datetime.timedelta(minutes=10)


def linkage_parameters() -> Parameters:
    """The parameters fitted on Chinese records (shipped), unless a deployment brings its own."""
    return _load_parameters(settings.TRACING_LINKAGE_PARAMS or str(FITTED_PARAMETERS))


def duplicate_parameters() -> Parameters:
    """For person-file duplicates: a deployment's own parameters, else the engine's priors.

    The shipped ones are fitted for ranking reports against a found person, where a shared full
    name is strong evidence; between files staff enter they would suggest namesakes of the
    other sex.
    """
    if settings.TRACING_LINKAGE_PARAMS:
        return _load_parameters(settings.TRACING_LINKAGE_PARAMS)
    return Parameters.default()


@functools.cache
def _load_parameters(path: str) -> Parameters:
    return Parameters.load(path)


def open_reports() -> QuerySet:
    return MissingReport.objects.filter(status=ReportStatus.OPEN)


@transaction.atomic
def rank_candidates(case: TracingCase, reports: Iterable[MissingReport] | None = None,
                    k: int | None = None) -> list[CandidateReview]:
    """Query the person against the open reports (an engine `Index`); keep the top k for review.

    Decisions already taken are kept; a pending suggestion's score is refreshed.
    """
    k = k or settings.TRACING_CANDIDATES
    pool = {f"R{r.pk}": r for r in (open_reports() if reports is None else reports)}
    if reports is None:
        _ranked(case, Ranking.DONE)
    if not pool:
        return []
    # The prior spreads over every open report even when only new ones are being ranked.
    index = Index(linkage_parameters().for_pool(max(len(pool), open_reports().count())),
                  (replace(records.report_record(r), seen_place=r.last_seen_place)
                   for r in pool.values()), one_to_one=True)
    # Where the person was found is weighed against where each missing person was last seen.
    person = replace(records.person_record(case.person, timezone.localdate()),
                     seen_place=case.found_place)
    matches = index.query(person, k=k)
    kept = []
    for match in matches:
        report = pool[match.right_id]
        review, created = CandidateReview.objects.get_or_create(
            case=case, report=report, defaults={
                "score": match.score, "explanation": [list(e) for e in match.explanation]})
        if not created and review.decision == Decision.PENDING:
            review.score = match.score
            review.explanation = [list(e) for e in match.explanation]
            review.save()
        kept.append(review)
    return kept


def _ranked(case: TracingCase, ranking: str) -> None:
    case.ranking, case.ranked_at = ranking, timezone.now()
    TracingCase.objects.filter(pk=case.pk).update(ranking=case.ranking, ranked_at=case.ranked_at)


def ranking_failed(case: TracingCase) -> None:
    """Say on the case that its comparison failed; `retry_rankings` tries it again."""
    _ranked(case, Ranking.FAILED)


def rankings_to_retry(now: datetime.datetime | None = None) -> QuerySet:
    """Live cases whose comparison failed, or still waits RANKING_RETRY_AFTER after the case
    was last saved (its job was lost with a worker or a database)."""
    cutoff = (now or timezone.now()) - RANKING_RETRY_AFTER
    waiting = Q(ranking=Ranking.WAITING) & (Q(ranked_at__lt=cutoff) | Q(
        ranked_at__isnull=True, opened_at__lt=cutoff))
    return live_cases().filter(Q(ranking=Ranking.FAILED) | waiting)


@transaction.atomic
def decide(review: CandidateReview, *, decision: str, reason: str, by: Any,
           now: datetime.datetime | None = None) -> CandidateReview:
    """An officer confirms or rejects a candidate, always with a reason."""
    now = now or timezone.now()
    if decision not in (Decision.CONFIRMED, Decision.REJECTED):
        raise Refused(_("Confirm or reject."), field="decision")
    if not reason.strip():
        raise Refused(_("Give the reason for the decision."), field="reason")
    review = CandidateReview.objects.select_for_update().select_related("case", "report").get(
        pk=review.pk)
    case = review.case
    if decision == Decision.CONFIRMED and not case.is_live:
        raise Conflict(_("This case is already identified or closed."))
    review.decision, review.reason = decision, reason.strip()[:200]
    review.decided_at, review.decided_by = now, recorded(by)
    review.save()
    if decision == Decision.CONFIRMED:
        case.status, case.matched_report = CaseStatus.IDENTIFIED, review.report
        case.save()
        report = review.report
        report.status = ReportStatus.FOUND
        report.save()
        with for_the_record():
            take_down(case, reason=_("Identified: family found"), now=now)
        write_back_report(case, report, by=by, now=now)
    return review


def write_back_report(case: TracingCase, report: MissingReport, *, by: Any,
                      now: datetime.datetime | None = None) -> None:
    """The confirmed report's name, ID number and native place become the person's identity
    (held for a decision on the person file when they contradict a confirmed one)."""
    number = report.id_number() if report.has_id_number else ""
    if not report.name and not number:
        return
    identities.record_identity(
        case.person, source=IdentitySource.MATCH, name=report.name, id_number=number,
        native_place=report.native_place, reference=report.reference, by=by,
        hold_on_conflict=True, now=now)
