"""Public announcements (寻亲公告) of a person nobody can name: the text, publishing and taking
down, and what the public page lists."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.network.city import served_city
from songnuan.refusals import Conflict
from songnuan.tracing.casework import complete_step
from songnuan.tracing.models import (
    Announcement,
    StepKind,
    TracingCase,
)

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


@transaction.atomic
def publish_announcement(case: TracingCase, *, found_place: str, by: Any,
                         contact: str = "", now: datetime.datetime | None = None) -> Announcement:
    now = now or timezone.now()
    if not case.is_live:
        raise Conflict(_("This case is already identified or closed."))
    contact = contact.strip() or settings.TRACING_STATION_CONTACT or served_city().station_contact
    found_place = found_place.strip()
    title, text = announcement_text(case, found_place, contact)
    person = case.person
    photo = person.photos.order_by("-taken_at").first() if hasattr(person, "photos") else None
    announcement, _created = Announcement.objects.update_or_create(case=case, defaults={
        "title": title, "text": text, "sex": person.sex,
        "age_estimate": person.age_on(timezone.localdate(case.opened_at)),
        "height_cm": person.height_cm, "features": person.marks, "found_place": found_place,
        "found_on": timezone.localdate(case.opened_at), "contact": contact,
        "photo": photo.image.name if photo else "", "published_at": now,
        "taken_down_at": None, "taken_down_reason": ""})
    case.found_place = found_place
    case.save()
    step = case.steps.filter(kind=StepKind.ANNOUNCEMENT).first()
    if step is not None:
        complete_step(step, by=by, note=_("Announcement published"), now=now)
    return announcement


def take_down(case: TracingCase, *, reason: str, now: datetime.datetime | None = None) -> None:
    Announcement.objects.filter(case=case, taken_down_at__isnull=True).update(
        taken_down_at=now or timezone.now(), taken_down_reason=reason[:200])


def public_announcements(query: str = "") -> QuerySet:
    rows = Announcement.objects.filter(taken_down_at__isnull=True)
    for word in query.split()[:5]:
        rows = rows.filter(text__icontains=word)
    return rows
