"""Incident rules: reporting one (from a task, a site, the phone's position or a typed place),
recording what was done, and closing it with a review.

Reporting is one transaction: the incident, its chain's steps, the first alerts and the plan's
checklist are committed together or not at all, and the same `client_request_id` sent again
returns the incident already reported.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.models import User
from songnuan.images import check_photo, scrubbed
from songnuan.incidents import escalation, plans
from songnuan.incidents.models import (
    ActionKind,
    Attachment,
    Incident,
    IncidentAction,
    Kind,
    Level,
    Status,
)
from songnuan.network.geography import district_for_point
from songnuan.network.models import District, Site
from songnuan.outreach.models import Task
from songnuan.people.models import Person
from songnuan.refusals import Conflict, Refused

MAX_PEOPLE = 20


@dataclass
class IncidentInput:
    client_request_id: str
    kind: str = ""
    level: str = Level.GENERAL
    task: Task | None = None
    site: Site | None = None
    district: District | None = None
    lat: float | None = None
    lon: float | None = None
    place: str = ""
    occurred_at: datetime.datetime | None = None
    people: list[Person] = field(default_factory=list)
    description: str = ""
    actions_taken: str = ""


def report(data: IncidentInput, *, by: User,
           now: datetime.datetime | None = None) -> tuple[Incident, bool]:
    """Record an incident and start its reporting chain; (incident, created)."""
    now = now or timezone.now()
    existing = Incident.objects.filter(client_request_id=data.client_request_id).first()
    if existing is not None:
        return existing, False
    incident = _validated(data, by, now)
    try:
        with transaction.atomic():
            incident.save()
            incident.people.set(data.people)
            IncidentAction.objects.create(
                incident=incident, kind=ActionKind.REPORTED, at=now, by=by,
                text=_("Reported by %(user)s.") % {"user": by})
            escalation.plan_steps(incident)
            escalation.send_due_steps(now, incident=incident)
            plans.open_checklist(incident, now=now)
    except IntegrityError:
        # the same report sent twice at once: the other one was committed
        return Incident.objects.get(client_request_id=data.client_request_id), False
    return incident, True


def _validated(data: IncidentInput, by: User, now: datetime.datetime) -> Incident:
    if data.kind not in Kind.values:
        raise Refused(_("Choose the type of incident."), "kind")
    if data.level not in Level.values:
        raise Refused(_("Choose how serious it is."), "level")
    if data.occurred_at is not None and data.occurred_at > now + datetime.timedelta(minutes=5):
        raise Refused(_("The incident cannot have happened in the future."), "occurred_at")
    if len(data.people) > MAX_PEOPLE:
        raise Refused(_("At most %(n)s people per incident.") % {"n": MAX_PEOPLE}, "people")
    place, district, site = _where(data, by)
    return Incident(
        client_request_id=data.client_request_id, kind=data.kind, level=data.level,
        district=district, site=site, task=data.task, place=place[:200], lat=data.lat,
        lon=data.lon, occurred_at=data.occurred_at or now, reported_at=now, reported_by=by,
        description=data.description.strip(), actions_taken=data.actions_taken.strip())


def _where(data: IncidentInput, by: User) -> tuple[str, District, Site | None]:
    """The place and district, from the first of: the task, the site, the phone's position,
    the typed place (in the chosen district or the reporter's own).

    Any reporter may report in any district (an escort crosses district lines): the incident
    belongs to where it happened, and its reporter keeps seeing it."""
    typed = data.place.strip()
    task, site = data.task, data.site or (by.site if by.site_id else None)
    if (data.lat is None) != (data.lon is None):
        raise Refused(_("The phone's position came incomplete: try again or type the place."),
                      "place")
    if task is not None:
        return typed or task.place or str(task.district), task.district, site
    located = district_for_point(data.lat, data.lon) if data.lat is not None else None
    if data.lat is not None and located is None:
        raise Refused(_("That position is outside the city: type the place instead."), "place")
    district = data.district or located or (site.district if site else None) or by.district
    if district is None:
        raise Refused(_("Choose the district."), "district")
    if typed:
        return typed, district, site
    if site is not None and data.site is not None:
        return site.name, district, site
    if data.lat is not None:
        return _("Phone position %(lat).5f, %(lon).5f") % {"lat": data.lat, "lon": data.lon}, \
            district, site
    raise Refused(_("Say where it happened: from a task, a site, the phone's position, "
                    "or typed."), "place")


def missing_from_station(stay: Any, by: User) -> Incident:
    """A person who left a station without a discharge: a "missing from a station" incident,
    reported by whoever recorded the departure, once per stay (shelter's departure listener)."""
    when = stay.discharged_at or timezone.now()
    incident, _created = report(IncidentInput(
        client_request_id=f"stay-left-{stay.pk}", kind=Kind.MISSING, site=stay.site,
        district=stay.site.district, place=stay.site.name, occurred_at=when,
        people=[stay.person],
        description=_("Left %(site)s without a discharge: %(notes)s") % {
            "site": stay.site.name, "notes": stay.discharge_notes}),
        by=by, now=when)
    return incident


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# What an attachment may be, by its content: a photo (re-encoded without metadata), PDF, Word.
CONTENT_TYPES = {"jpg": "image/jpeg", "pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document"}


def attach(incident: Incident, upload: UploadedFile, *, by: User,
           now: datetime.datetime | None = None) -> Attachment:
    """Keep a photo or a document with the incident, and note it on its timeline."""
    if incident.is_closed:
        raise Conflict(_("This incident is closed."))
    if not upload.size:
        raise Refused(_("The file is empty."), "file")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise Refused(_("The file is larger than 10 MB."), "file")
    data = upload.read()
    extension, content = _kind_of(data)
    now = now or timezone.now()
    name = (upload.name or "")[:120]
    with transaction.atomic():
        attachment = Attachment(incident=incident, name=name, extension=extension,
                                size=len(content), by=by, at=now)
        attachment.file.save(f"x.{extension}", ContentFile(content), save=False)
        attachment.save()
        IncidentAction.objects.create(incident=incident, kind=ActionKind.NOTE, at=now, by=by,
                                      text=(_("Attached %(name)s.") % {"name": name})[:1000])
    return attachment


def _kind_of(data: bytes) -> tuple[str, bytes]:
    """The stored extension and bytes: a photo re-encoded without its metadata, a PDF or a
    Word document as sent; anything else refused."""
    if data.startswith(b"%PDF-"):
        return "pdf", data
    if data.startswith(b"PK\x03\x04") and _is_word(data):
        return "docx", data
    try:
        check_photo(data)
    except ValidationError:
        raise Refused(_("Attach a photo (JPEG, PNG, WebP), a PDF or a Word document (.docx)."),
                      "file") from None
    return "jpg", scrubbed(ContentFile(data)).read()


def _is_word(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def add_action(incident: Incident, text: str, *, by: User) -> IncidentAction:
    text = text.strip()
    if not text:
        raise Refused(_("Write what was done."), "text")
    if incident.is_closed:
        raise Conflict(_("This incident is closed."))
    return IncidentAction.objects.create(incident=incident, kind=ActionKind.NOTE, by=by,
                                         text=text[:1000])


@transaction.atomic
def close(incident: Incident, *, cause: str, lessons: str, measures: str, by: User,
          now: datetime.datetime | None = None) -> Incident:
    """Close with a review (cause, lessons, measures); the chain goes no further."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.is_closed:
        raise Conflict(_("This incident is already closed."))
    review = {"cause": cause.strip(), "lessons": lessons.strip(), "measures": measures.strip()}
    for name, label in (("cause", _("the cause")), ("lessons", _("the lessons")),
                        ("measures", _("the measures"))):
        if not review[name]:
            raise Refused(_("The review needs %(part)s.") % {"part": label}, name)
    incident.review_cause, incident.review_lessons = review["cause"], review["lessons"]
    incident.review_measures = review["measures"]
    incident.status, incident.closed_at, incident.closed_by = Status.CLOSED, now, by
    incident.save()
    escalation.stop(incident, now)
    IncidentAction.objects.create(incident=incident, kind=ActionKind.CLOSED, at=now, by=by,
                                  text=_("Closed with a review by %(user)s.") % {"user": by})
    return incident
