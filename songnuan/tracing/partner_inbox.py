"""What tracing does with the partner cities' messages in the inbox (network.partners).

A family-search report (寻亲登记 filed in another city) becomes a missing-person report here, so
the matching against everyone in our stations runs on it. The handler registered for
`family_search` files it as the message arrives; messages kept before it existed, or that it
could not file, wait in the inbox until an officer takes them (`take_family_search`) or
`songnuan take-partner-reports` does. Taking a message twice files one report.

An escorted return's ID number is sealed as it arrives (encrypted, as every stored ID number);
the other kinds wait as they came for an officer to read, take in hand or dismiss.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.actors import recorded
from songnuan.network import partners
from songnuan.network.models import District, PartnerMessage, PartnerMessageStatus, Site, SiteLevel
from songnuan.people import crypto
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import missing_reports
from songnuan.tracing.models import MissingReport, ReportSource

FAMILY_SEARCH = "family_search"
ESCORT_HANDOVER = "escort_handover"
ANNOUNCEMENT = "announcement"
PERSON_MOVED = "person_moved"
SEALED_ID = "id_number_cipher"
TIME_FIELDS = ("sent_at", "arrives_at", "last_seen_at")
KIND_LABELS = {
    FAMILY_SEARCH: gettext_lazy("Family-search report"),
    ESCORT_HANDOVER: gettext_lazy("Escorted return"),
    ANNOUNCEMENT: gettext_lazy("Announcement of a person found"),
    PERSON_MOVED: gettext_lazy("Person moving here"),
}


def readable_content(message: PartnerMessage) -> dict[str, Any]:
    """The content for a page: times as times, the sealed ID number left out."""
    content = {key: value for key, value in message.payload.items() if key != SEALED_ID}
    for key in TIME_FIELDS:
        if content.get(key):
            content[key] = parse_datetime(content[key])
    return content


def kind_label(message: PartnerMessage) -> str:
    return str(KIND_LABELS.get(message.kind, message.kind))


def summary(message: PartnerMessage) -> str:
    """One line saying who the message is about, for the inbox list."""
    content = message.payload
    if message.kind == FAMILY_SEARCH:
        who, where = content.get("name") or _("(no name)"), content.get("last_seen_place", "")
    elif message.kind == ESCORT_HANDOVER:
        who, where = content.get("person_name", ""), content.get("receiving_place", "")
    elif message.kind == ANNOUNCEMENT:
        who, where = content.get("text", "")[:40], content.get("found_place", "")
    else:
        who = content.get("name") or content.get("description", "")[:40]
        where = content.get("heading_to") or content.get("last_seen_place", "")
    return " · ".join(part for part in (who, where) if part)


def new_count(user: Any) -> int:
    """The messages waiting for an officer, beside the menu entry."""
    return PartnerMessage.objects.restrict(user).filter(
        status=PartnerMessageStatus.NEW).count()


def take(message: PartnerMessage, *, by: Any) -> MissingReport | None:
    """An officer takes a message into tracing: a family-search report is filed as a
    missing-person report (returned); any other kind is marked as taken in hand."""
    if message.kind == FAMILY_SEARCH:
        return take_family_search(message, by=by)
    with transaction.atomic():
        message = PartnerMessage.objects.select_for_update().get(pk=message.pk)
        partners.mark_taken(message, by=by)
    return None


def on_family_search(message: PartnerMessage) -> None:
    """The inbox handler: file the report as the message arrives."""
    take_family_search(message)


@transaction.atomic
def take_family_search(message: PartnerMessage, *, by: Any = None) -> MissingReport:
    """The missing-person report filed for a partner's family-search message, filing it (and
    ranking it against the live cases) the first time."""
    message = PartnerMessage.objects.select_for_update().get(pk=message.pk)
    if message.kind != FAMILY_SEARCH:
        raise Refused(_("Only a family-search report can be taken into tracing as a "
                        "missing-person report."), code="kind")
    report = report_of(message)
    if report is None:
        if message.status == PartnerMessageStatus.DISMISSED:
            raise Conflict(_("This message was dismissed: %(reason)s")
                           % {"reason": message.dismiss_reason}, code="dismissed")
        report = missing_reports.file_report(_report_from(message, by), by=by)
    partners.mark_taken(message, by=by)
    return report


def on_escort_handover(message: PartnerMessage) -> None:
    """The inbox handler: keep the escorted person's ID number only encrypted."""
    number = message.payload.pop("id_number", "")
    if number:
        message.payload[SEALED_ID] = crypto.encrypt(number)
    message.save(update_fields=["payload"])


def handover_id_number(message: PartnerMessage) -> str:
    """The escorted person's ID number: callers show it only to staff with
    accounts.view_sensitive (the `{% sensitive %}` tag)."""
    sealed = message.payload.get(SEALED_ID)
    return crypto.decrypt(sealed) if sealed else ""


def report_of(message: PartnerMessage) -> MissingReport | None:
    return MissingReport.objects.filter(partner_city=message.sender_code,
                                        partner_message_id=message.message_id).first()


def take_waiting(*, by: Any = None) -> tuple[int, list[tuple[PartnerMessage, str]]]:
    """Take every new family-search message into tracing: (how many were taken, the messages
    refused with the reason)."""
    taken, refused = 0, []
    waiting = PartnerMessage.objects.filter(kind=FAMILY_SEARCH, status=PartnerMessageStatus.NEW)
    for message in waiting.order_by("received_at", "pk"):
        try:
            take_family_search(message, by=by)
            taken += 1
        except Refused as error:
            refused.append((message, str(error.message)))
    return taken, refused


def _report_from(message: PartnerMessage, by: Any) -> MissingReport:
    content = message.payload
    last_seen_on = content.get("last_seen_on")
    return MissingReport(
        name=content.get("name", ""), sex=content.get("sex", ""),
        birth_year=content.get("birth_year"), height_cm=content.get("height_cm"),
        native_place=content.get("native_place", ""), dialect=content.get("dialect", ""),
        features=content.get("features", ""),
        missing_since=datetime.date.fromisoformat(last_seen_on) if last_seen_on else None,
        last_seen_place=content.get("last_seen_place", ""),
        description=content.get("description", ""),
        reporter_name=content.get("contact_name", ""),
        reporter_phone=content.get("contact_phone", ""),
        reporter_relation=content.get("contact_relation", ""),
        district=_receiving_district(by), source=ReportSource.PARTNER,
        partner_city=message.sender_code, partner_message_id=message.message_id)


def _receiving_district(by: Any) -> District:
    """Where a partner's report is filed: the taking officer's district, else the central
    station's (the city's rescue station answers for what comes from other cities)."""
    user = recorded(by)
    if user is not None and user.district_id:
        return user.district
    central = Site.objects.filter(level=SiteLevel.CENTRAL_STATION).select_related(
        "district").order_by("pk").first()
    district = central.district if central else District.objects.order_by("code").first()
    if district is None:
        raise Refused(_("This deployment has no districts yet to file the report in."),
                      code="no_district")
    return district
