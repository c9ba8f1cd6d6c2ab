"""Public announcements (寻亲公告) of a person nobody can name: prefilled from the case,
published on channels with the reference each returned, refreshed monthly with a reminder to the
case officer, taken down on identification; the public photo is a close crop of the face."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan import images
from songnuan.actors import recorded
from songnuan.network.city import served_city
from songnuan.people import faces
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import workdays
from songnuan.tracing.casework import complete_step, notify_case_people
from songnuan.tracing.models import (
    LIVE_STATUSES,
    Announcement,
    Channel,
    Publication,
    StepKind,
    TracingCase,
)
from songnuan.words import for_the_record, said_to_each

SEX_WORDS = {"M": "男", "F": "女"}


def announcement_text(case: TracingCase, found_place: str, contact: str) -> tuple[str, str]:
    """The usual 寻亲公告 wording: what the person looks like, where and when found, who to call."""
    person = case.person
    found_on = timezone.localdate(case.opened_at)
    age = person.age_on(found_on)
    parts = [f"性别：{SEX_WORDS.get(person.sex, '不详')}",
             f"估计年龄：{age}岁左右" if age is not None else "估计年龄：不详",
             f"身高：约{person.height_cm}厘米" if person.height_cm else "身高：不详"]
    if person.marks:
        parts.append(f"体貌特征：{person.marks}")
    if person.dialect:
        parts.append(f"口音：{person.dialect}")
    found_place = found_place or served_city().name
    title = f"寻亲公告（{found_on:%Y年%m月%d日}，{found_place}）"
    text = (f"{found_on.year}年{found_on.month}月{found_on.day}日，"
            f"我站在{found_place}救助一名身份不明人员。"
            + "；".join(parts) + "。"
            "因其无法提供准确身份信息，现发布寻亲公告，请其亲属或知情者与我站联系。"
            f"联系方式：{contact}。")
    return title, text


def station_contact(case: TracingCase) -> str:
    """The station, its phone and the case officer's, as the announcement gives them."""
    parts = [case.site.name]
    if case.site.phone:
        parts.append(case.site.phone)
    officer = case.officer
    if officer is not None and getattr(officer, "phone", ""):
        parts.append(_("case officer %(name)s %(phone)s") % {
            "name": officer, "phone": officer.phone})
    if case.site.phone:
        return " ".join(parts)
    return settings.TRACING_STATION_CONTACT or served_city().station_contact


def prefill(case: TracingCase) -> dict[str, str]:
    """What the system already knows: where the person was found, and whom to call."""
    found_place = case.found_place
    arrival = getattr(case.stay, "arrival", None) if case.stay_id else None
    if not found_place and arrival is not None:
        found_place = arrival.coming_from
    return {"found_place": found_place, "contact": station_contact(case)}


PUBLIC_FOLDER = "tracing/announcements/"


def is_public_crop(photo: Any) -> bool:
    """Whether the announcement's photo is a face crop made for the public (older rows pointed
    at the person's whole photo, which is never sent)."""
    return bool(photo) and photo.name.startswith(PUBLIC_FOLDER)


def public_face(case: TracingCase) -> ContentFile | None:
    """The person's latest photo cropped close to the face: all the public ever sees of it."""
    for photo in case.person.photos.order_by("-taken_at"):
        try:
            with photo.image.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, OSError):
            continue
        crop = faces.cropped_to_face(data, margin=faces.TIGHT_MARGIN)
        if crop is not None:
            return images.ScrubbedPhoto(crop, name="face.jpg")
    return None


@transaction.atomic
def publish_announcement(case: TracingCase, *, found_place: str, by: Any,
                         contact: str = "", references: dict[str, str] | None = None,
                         now: datetime.datetime | None = None) -> Announcement:
    """Publish (or publish again) the case's announcement on this site and on each channel
    given a reference; the first publication date is kept."""
    now = now or timezone.now()
    if not case.is_live:
        raise Conflict(_("This case is already identified or closed."))
    contact = contact.strip() or station_contact(case)
    found_place = found_place.strip()
    title, text = announcement_text(case, found_place, contact)
    person = case.person
    announcement = Announcement.objects.filter(case=case).first() or Announcement(
        case=case, published_at=now)
    if announcement.taken_down_at is not None:
        announcement.published_at = now
    announcement.title, announcement.text, announcement.sex = title, text, person.sex
    announcement.age_estimate = person.age_on(timezone.localdate(case.opened_at))
    announcement.height_cm, announcement.features = person.height_cm, person.marks
    announcement.found_place, announcement.contact = found_place, contact
    announcement.found_on = timezone.localdate(case.opened_at)
    announcement.taken_down_at, announcement.taken_down_reason = None, ""
    face = public_face(case)
    if face is not None:
        announcement.photo.save(face.name, face, save=False)
    else:
        announcement.photo = ""
    announcement.save()
    record_publications(announcement, {Channel.SITE: "", **(references or {})}, by=by,
                        refresh=False, now=now)
    case.found_place = found_place
    case.save()
    step = case.steps.filter(kind=StepKind.ANNOUNCEMENT).first()
    if step is not None:
        with for_the_record():
            complete_step(step, by=by, note=_("Announcement published"), now=now)
    return announcement


def record_publications(announcement: Announcement, references: dict[str, str], *, by: Any,
                        refresh: bool, now: datetime.datetime) -> list[Publication]:
    made = []
    for channel, reference in references.items():
        if channel not in Channel.values:
            raise Refused(_("Unknown channel."), field="channel")
        if channel != Channel.SITE and not reference.strip():
            continue
        made.append(Publication.objects.create(
            announcement=announcement, channel=channel, reference=reference.strip()[:100],
            is_refresh=refresh, published_at=now, published_by=recorded(by)))
    return made


@transaction.atomic
def refresh_announcement(case: TracingCase, *, channel: str, reference: str = "", by: Any,
                         now: datetime.datetime | None = None) -> Publication:
    """The monthly refresh (每月更新): a new publication on a channel; the first date stays."""
    now = now or timezone.now()
    announcement = Announcement.objects.select_for_update().filter(case=case).first()
    if announcement is None or not announcement.is_public or not case.is_live:
        raise Conflict(_("Only a public announcement of a live case can be refreshed."))
    if channel != Channel.SITE and not reference.strip():
        raise Refused(_("Give the reference the channel returned."), field="reference")
    made = record_publications(announcement, {channel: reference}, by=by, refresh=True, now=now)
    announcement.refreshed_at = now
    announcement.save(update_fields=["refreshed_at"])
    return made[0]


def refresh_due_at(announcement: Announcement) -> datetime.datetime:
    last = announcement.refreshed_at or announcement.published_at
    return workdays.add_months(last, settings.TRACING_ANNOUNCEMENT_REFRESH_MONTHS)


def remind_refresh(now: datetime.datetime | None = None) -> int:
    """Tell the case officer (or the district's tracing officers) once per due refresh."""
    now = now or timezone.now()
    sent = 0
    rows = Announcement.objects.filter(taken_down_at__isnull=True,
                                       case__status__in=LIVE_STATUSES).select_related(
        "case__site__district", "case__officer", "case__person")
    for row in rows:
        due = refresh_due_at(row)
        if due > now:
            continue
        text = said_to_each(_refresh_due_text, row.case, due)
        sent += bool(notify_case_people(row.case, text=text, key=(
            f"tracing-announcement-refresh:{row.pk}:{due:%Y%m%d}"), now=now))
    return sent


def _refresh_due_text(case: TracingCase, due: datetime.datetime) -> str:
    return _("%(case)s: the family-search announcement is due for its monthly refresh "
             "(since %(due)s).") % {"case": case, "due": f"{timezone.localtime(due):%m-%d}"}


def take_down(case: TracingCase, *, reason: str, now: datetime.datetime | None = None) -> None:
    Announcement.objects.filter(case=case, taken_down_at__isnull=True).update(
        taken_down_at=now or timezone.now(), taken_down_reason=reason[:200])


def public_announcements(query: str = "") -> QuerySet:
    rows = Announcement.objects.filter(taken_down_at__isnull=True)
    for word in query.split()[:5]:
        rows = rows.filter(text__icontains=word)
    return rows
