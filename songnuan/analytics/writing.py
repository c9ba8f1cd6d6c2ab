"""Writing a queued report in the worker: its figures read as the person who asked (or, for a
scheduled briefing, as the city), its Word file and PDF saved on the row, progress kept as it
goes, a failure kept with its reason; a scheduled briefing is then sent to the leaders on duty."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.analytics import documents, reports
from songnuan.analytics.models import IN_FLIGHT, GeneratedReport, ReportKind, ReportStatus
from songnuan.analytics.selection import Selection, covered_districts
from songnuan.duty.models import Topic
from songnuan.duty.services import alert
from songnuan.network.models import District, district_names
from songnuan.refusals import Refused
from songnuan.words import listed

log = logging.getLogger(__name__)
DOCUMENT_LANGUAGE = "zh-hans"  # the bureau files its reports in Chinese
# A report queued or running this long was lost with its worker: it is marked failed, so that
# asking again (or retrying) is not held up by it. A winter's report takes well under a minute.
LOST_AFTER = datetime.timedelta(hours=1)


def generate(report_id: int, now: datetime.datetime | None = None) -> bool:
    """Write a queued report's documents; a failure is kept on the row with its reason."""
    now = now or timezone.now()
    if not GeneratedReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            status=ReportStatus.RUNNING, progress=1):
        return False  # another worker has it, or it is no longer queued
    report = GeneratedReport.objects.get(pk=report_id)
    try:
        with override(DOCUMENT_LANGUAGE):
            outline = _outline(report, now)
            _progress(report, 0.85)
            docx = documents.to_docx(outline)
            _progress(report, 0.9)
            pdf = documents.to_pdf(outline)
        name = f"{report.kind}-{report.first:%Y%m%d}-{report.last:%Y%m%d}-{report.pk}"
        report.docx.save(f"{name}.docx", ContentFile(docx), save=False)
        report.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    except Exception as error:  # the row must say why, whatever broke
        log.exception("report %s failed", report_id)
        GeneratedReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now())
        return False
    report.status, report.progress, report.finished_at = ReportStatus.DONE, 100, timezone.now()
    report.save(update_fields=["docx", "pdf", "status", "progress", "finished_at"])
    if report.kind == ReportKind.BRIEFING and report.requested_by is None:
        _tell_leaders(report)
    return True


def _progress(report: GeneratedReport, share: float) -> None:
    GeneratedReport.objects.filter(pk=report.pk).update(progress=max(1, int(share * 100)))


def _reader(report: GeneratedReport) -> User:
    """Who the figures are read as: the person who asked, or for a scheduled briefing a city
    administrator (the briefing covers the city or a whole district)."""
    if report.requested_by is not None:
        return report.requested_by
    reader = User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk").first()
    if reader is None:
        raise RuntimeError("no active city administrator to read the figures as")
    return reader


def _outline(report: GeneratedReport, now: datetime.datetime) -> documents.Outline:
    reader = _reader(report)
    covered = {d.pk for d in covered_districts(reader)}
    if not set(report.district_ids) <= covered:
        raise Refused(_("You do not cover every district of this report."))
    sel = Selection(reader, report.first, report.last, frozenset(report.district_ids))
    if report.kind == ReportKind.BRIEFING:
        return documents.briefing_outline(reports.briefing_figures(sel, now), report.scope_name)
    found = reports.campaign_figures(sel, lambda share: _progress(report, share))
    return documents.campaign_outline(found, report.texts, report.scope_name,
                                      lambda share: _progress(report, share))


def _tell_leaders(report: GeneratedReport) -> None:
    district = (District.objects.get(pk=report.district_ids[0])
                if len(report.district_ids) == 1 else None)
    url = reverse("analytics:briefings")
    # Staff pages live on the same host as the public ones the text messages link to.
    link = settings.LEADS_PUBLIC_BASE_URL.rstrip("/") + url
    text = _("Daily briefing for %(scope)s, night of %(night)s: %(url)s") % {
        "scope": report.scope_name, "night": report.last, "url": link}
    alert(district, topic=Topic.BRIEFING, text=text, url=url, key=f"briefing:{report.pk}")


def scope_name(district_ids) -> str:
    """全市 for every district, else the districts' names."""
    names = list(district_names(district_ids).values())
    every = District.objects.count()
    if len(names) == every and every > 1:
        return str(_("the whole city"))
    return listed(names)


def _key(district_ids) -> str:
    return ",".join(str(pk) for pk in sorted(district_ids))


def give_up_lost(now: datetime.datetime | None = None, **same) -> int:
    """Mark failed the reports (these parameters, or all) in flight for longer than
    `LOST_AFTER`."""
    cutoff = (now or timezone.now()) - LOST_AFTER
    with override(DOCUMENT_LANGUAGE):
        reason = str(_("The worker did not finish it within an hour: generate it again."))
    return GeneratedReport.objects.filter(status__in=IN_FLIGHT, created_at__lt=cutoff,
                                          **same).update(status=ReportStatus.FAILED,
                                                         error=reason,
                                                         finished_at=timezone.now())


def new_report(kind: str, first: datetime.date, last: datetime.date, district_ids, name: str,
               texts: dict, by: User | None, now: datetime.datetime | None = None
               ) -> tuple[GeneratedReport, bool]:
    """A new queued row, or (not created) the same report already in flight."""
    now = now or timezone.now()
    key = _key(district_ids)
    same = {"kind": kind, "first": first, "last": last, "districts_key": key}
    give_up_lost(now, **same)
    running = GeneratedReport.objects.filter(status__in=IN_FLIGHT, **same).first()
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            report = GeneratedReport.objects.create(
                **same, district_ids=sorted(district_ids), scope_name=name, texts=texts,
                requested_by=by, created_at=now)
    except IntegrityError:
        return GeneratedReport.objects.get(status__in=IN_FLIGHT, **same), False
    return report, True


def new_morning_briefings(now: datetime.datetime | None = None) -> list[GeneratedReport]:
    """From `BRIEFING_HOUR` on, last night's briefing for the city and each district, once."""
    now = now or timezone.now()
    give_up_lost(now)
    if timezone.localtime(now).hour < settings.BRIEFING_HOUR:
        return []
    night = reports.last_night(now)
    districts = list(District.objects.order_by("code"))
    scopes = [([d.pk for d in districts], None)] + [([d.pk], d) for d in districts]
    queued = []
    with override(DOCUMENT_LANGUAGE):
        for ids, district in scopes:
            if not ids or GeneratedReport.objects.filter(
                    kind=ReportKind.BRIEFING, first=night, last=night, districts_key=_key(ids),
                    requested_by__isnull=True).exclude(status=ReportStatus.FAILED).exists():
                continue
            name = str(district or _("the whole city"))
            report, created = new_report(ReportKind.BRIEFING, night, night, ids, name, {}, None,
                                         now)
            if created:
                queued.append(report)
    return queued
