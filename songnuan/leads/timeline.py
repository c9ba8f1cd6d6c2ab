"""The reports behind a person on the person file: every lead whose squad met the person (lead →
task → encounter → person), with the duplicate reports of the same incident and their photos."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from songnuan.accounts.roles import LEAD_PHOTOS
from songnuan.leads.models import Lead
from songnuan.people.timeline import TimelineEvent


def leads_behind(person) -> list[Lead]:
    """The reports that led a squad to this person, and the other reports of those incidents."""
    met = Lead.objects.filter(tasks__encounters__people__person=person).values("pk")
    return list(
        Lead.objects.filter(Q(pk__in=met) | Q(duplicate_of__in=met))
        .select_related("district").prefetch_related("photos").distinct()
    )


def events(person) -> Iterator[TimelineEvent]:
    for lead in leads_behind(person):
        parts = [str(lead.get_source_display())]
        if lead.people_count > 1:
            parts.append(_("%(n)d people") % {"n": lead.people_count})
        parts.extend(lead.flag_labels())
        if lead.description:
            parts.append(lead.description)
        yield TimelineEvent(
            lead.received_at, "lead",
            _("Reported at %(place)s (%(code)s)") % {
                "place": lead.place or (str(lead.district) if lead.district_id else "—"),
                "code": lead.tracking_code},
            " · ".join(parts),
            url=reverse("leads:lead_detail", args=[lead.pk]),
            photos=tuple(reverse("leads:lead_photo", args=[lead.pk, photo.pk])
                         for photo in lead.photos.all()),
            photo_permission=LEAD_PHOTOS,
        )
