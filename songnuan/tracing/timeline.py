"""Tracing on the person file: each case opened, its deadlines met, the family-search
announcement, police comparison requests and their answers, candidate decisions and the
reunion or closing."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from songnuan.people.timeline import TimelineEvent
from songnuan.tracing.models import (
    CaseStatus,
    ComparisonStatus,
    Decision,
    Ranking,
    StepKind,
    TracingCase,
)


def events(person) -> Iterator[TimelineEvent]:
    cases = (TracingCase.objects.filter(person=person)
             .select_related("site", "matched_report", "announcement")
             .prefetch_related("steps", "comparisons", "candidates__report"))
    for case in cases:
        yield from _case_events(case)


def _case_events(case: TracingCase) -> Iterator[TimelineEvent]:
    url = case.get_absolute_url()
    yield TimelineEvent(case.opened_at, "tracing",
                        _("Tracing case opened at %(site)s") % {"site": case.site},
                        case.found_place, url=url)
    yield from _ranking_events(case)
    announcement = getattr(case, "announcement", None)
    for step in case.steps.all():
        # The announcement's own events below say it better than its deadline step.
        if step.done_at and not (step.kind == StepKind.ANNOUNCEMENT and announcement):
            yield TimelineEvent(step.done_at, "tracing",
                                _("Tracing step done: %(step)s") % {
                                    "step": step.get_kind_display()}, step.note, url=url)
    if announcement is not None:
        yield TimelineEvent(announcement.published_at, "announcement",
                            _("Family-search announcement published"), announcement.title,
                            url=url)
        if announcement.taken_down_at:
            yield TimelineEvent(announcement.taken_down_at, "announcement",
                                _("Family-search announcement taken down"),
                                announcement.taken_down_reason, url=url)
    for request in case.comparisons.all():
        yield from _comparison_events(request)
    for review in case.candidates.all():
        if review.decided_at and review.decision != Decision.PENDING:
            title = (_("Missing-person report %(ref)s confirmed as this person")
                     if review.decision == Decision.CONFIRMED
                     else _("Missing-person report %(ref)s ruled out"))
            yield TimelineEvent(review.decided_at, "tracing",
                                title % {"ref": review.report.reference}, review.reason,
                                url=url)
    if case.closed_at:
        reunited = case.status == CaseStatus.CLOSED and case.matched_report_id
        yield TimelineEvent(
            case.closed_at, "reunion" if reunited else "tracing",
            _("Reunited with the family") if reunited else _("Tracing case closed"),
            case.matched_report.reference if reunited else "", url=url)


def _ranking_events(case: TracingCase) -> Iterator[TimelineEvent]:
    """Where the comparison with the open reports stands: waiting or failed while the worker has
    not done it, then the candidates still to review."""
    url = case.get_absolute_url()
    if case.ranking != Ranking.DONE:
        yield TimelineEvent(case.ranked_at or case.opened_at, "tracing", case.get_ranking_display(),
                            url=url)
        return
    pending = sum(review.decision == Decision.PENDING for review in case.candidates.all())
    if pending and case.is_live:
        yield TimelineEvent(case.ranked_at or case.opened_at, "tracing", ngettext(
            "%(count)s missing-person report resembles this person: to review",
            "%(count)s missing-person reports resemble this person: to review", pending) % {
            "count": pending}, url=url)


def _comparison_events(request) -> Iterator[TimelineEvent]:
    url = request.get_absolute_url()
    kind = request.get_kind_display()
    yield TimelineEvent(request.sent_at, "comparison",
                        _("%(kind)s comparison requested from the police") % {"kind": kind},
                        url=url)
    if request.acknowledged_at:
        yield TimelineEvent(request.acknowledged_at, "comparison",
                            _("Police acknowledged the %(kind)s comparison") % {"kind": kind},
                            url=url)
    if request.result_at:
        matched = request.status == ComparisonStatus.MATCHED
        yield TimelineEvent(
            request.result_at, "comparison",
            _("%(kind)s comparison answered: %(result)s") % {
                "kind": kind, "result": request.get_status_display()},
            request.matched_identity if matched else request.result_notes,
            url=url, sensitive=matched)
