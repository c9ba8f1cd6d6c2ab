"""Asking for report documents: on a page, or each morning for the briefings; one row per
generation with its progress, its error and its two files, written in the worker (`writing`).

The same kind of report over the same nights and districts is generated once at a time: asking
again while one is queued or running gives that one (a partial unique constraint holds it
across workers). A failure keeps why it failed, and a retry queues the same row again.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from songnuan.accounts.models import User
from songnuan.analytics import writing
from songnuan.analytics.models import IN_FLIGHT, GeneratedReport, ReportStatus
from songnuan.analytics.selection import covered_districts, select
from songnuan.analytics.tasks import generate_report
from songnuan.network.models import District
from songnuan.refusals import Refused
from songnuan.weather.protocol import current_campaign

TEXT_PARTS = ("overview", "cases", "problems", "next_steps")


def campaign_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The current (or latest) campaign with its approved extensions, up to last night; the
    last fourteen nights when no campaign is recorded."""
    today = today or timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    campaign = current_campaign(today)
    if campaign is None:
        return yesterday - datetime.timedelta(days=13), yesterday
    return campaign.starts_on, max(campaign.starts_on, min(campaign.ends_on, yesterday))


def request_report(kind: str, *, by: User, first: datetime.date | None = None,
                   last: datetime.date | None = None, district: District | None = None,
                   texts: dict[str, str] | None = None) -> GeneratedReport:
    """Queue a report over what `by` covers (refused beyond it); an identical one already in
    flight is returned instead of a second."""
    sel = select(by, first, last, district)
    texts = {part: (texts or {}).get(part, "").strip() for part in TEXT_PARTS}
    with override(writing.DOCUMENT_LANGUAGE):
        name = writing.scope_name(sel.district_ids)
    report, created = writing.new_report(kind, sel.first, sel.last, sel.district_ids, name,
                                         texts, by)
    if created:
        _enqueue(report)
    return report


def _enqueue(report: GeneratedReport) -> None:
    transaction.on_commit(lambda: generate_report.enqueue(report.pk))


def retry(report: GeneratedReport, *, by: User) -> GeneratedReport:
    """Queue a failed (or lost) report again; if the same report is in flight meanwhile,
    that one."""
    if writing.give_up_lost(pk=report.pk):
        report.refresh_from_db()
    if report.status != ReportStatus.FAILED:
        raise Refused(_("Only a failed report can be generated again."))
    if not may_read(by, report):
        raise Refused(_("You do not cover every district of this report."))
    same = GeneratedReport.objects.filter(
        status__in=IN_FLIGHT, kind=report.kind, first=report.first, last=report.last,
        districts_key=report.districts_key).first()
    if same is not None:
        return same
    try:
        with transaction.atomic():
            claimed = GeneratedReport.objects.filter(
                pk=report.pk, status=ReportStatus.FAILED).update(
                status=ReportStatus.QUEUED, progress=0, error="", finished_at=None,
                created_at=timezone.now())  # asked for again: lost an hour from now
    except IntegrityError:
        return GeneratedReport.objects.get(
            status__in=IN_FLIGHT, kind=report.kind, first=report.first, last=report.last,
            districts_key=report.districts_key)
    report.refresh_from_db()
    if claimed:
        _enqueue(report)
    return report


def may_read(user: User, report: GeneratedReport) -> bool:
    covered = {d.pk for d in covered_districts(user)}
    return bool(covered) and set(report.district_ids) <= covered


def readable(user: User, kind: str):
    """The reports of a kind the user may read: those within the districts they cover."""
    covered = {d.pk for d in covered_districts(user)}
    rows = GeneratedReport.objects.filter(kind=kind).select_related("requested_by")
    return [row for row in rows if covered and set(row.district_ids) <= covered]


