"""Sending a family's missing-person report to a partner city (network.partners), where the
person may have gone: that city's tracing files it and matches it against its stations."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.network import partners, tasks
from songnuan.network.models import OutgoingPartnerMessage, OutgoingStatus
from songnuan.refusals import Conflict, Refused
from songnuan.tracing.models import MissingReport, ReportStatus

FAMILY_SEARCH = "family_search"


def subject_of(report: MissingReport) -> str:
    return f"tracing.missingreport:{report.pk}"


def destinations(report: MissingReport) -> list[tuple[str, str]]:
    """(code, name) of the partner cities the report may go to: not back to the one it came
    from."""
    return [city for city in partners.sendable_cities() if city[0] != report.partner_city]


def sendings(report: MissingReport):
    """What was sent about this report, newest first."""
    return OutgoingPartnerMessage.objects.filter(subject=subject_of(report))


@transaction.atomic
def send_report(report: MissingReport, to_city: str, *, by: Any) -> OutgoingPartnerMessage:
    """Queue the report for a partner city; refused when it lacks what the partner needs or
    is already on its way there."""
    if report.status != ReportStatus.OPEN:
        raise Refused(_("Only an open report is sent to a partner city."), code="closed")
    if not (report.missing_since and report.last_seen_place):
        raise Refused(_("Fill in where and since when the person is missing before sending "
                        "the report."), "to_city", "incomplete")
    earlier = sendings(report).filter(to_city=to_city).exclude(
        status=OutgoingStatus.FAILED).first()
    if earlier is not None:
        raise Conflict(_("This report was already sent to %(city)s on %(day)s.")
                       % {"city": partners.sender_name(to_city),
                          "day": f"{timezone.localtime(earlier.created_at):%Y-%m-%d}"},
                       "to_city")
    attempt = sendings(report).filter(to_city=to_city).count() + 1
    message = partners.send(to_city, FAMILY_SEARCH, content_of(report), by=by,
                            subject=subject_of(report),
                            message_id=f"{report.reference}-{to_city}-{attempt}")
    transaction.on_commit(tasks.deliver_partner_messages.enqueue)
    return message


def content_of(report: MissingReport) -> dict[str, Any]:
    """The report as a partner's `family_search` content (no ID number, photo or address)."""
    return {
        "name": report.name, "sex": report.sex, "birth_year": report.birth_year,
        "height_cm": report.height_cm, "native_place": report.native_place,
        "dialect": report.dialect, "features": report.features,
        "last_seen_place": report.last_seen_place,
        "last_seen_on": report.missing_since.isoformat() if report.missing_since else None,
        "description": report.description, "contact_name": report.reporter_name,
        "contact_phone": report.reporter_phone, "contact_relation": report.reporter_relation,
    }
