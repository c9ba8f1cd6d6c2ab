"""Incidents on the person file's timeline and in the daily log of the station they happened at."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.incidents.models import Incident
from songnuan.people.timeline import TimelineEvent
from songnuan.shelter.listeners import LoggedElsewhere


def events(person) -> Iterator[TimelineEvent]:
    for incident in person.incidents.select_related("district").order_by("-reported_at"):
        title = _("Incident: %(kind)s (%(level)s)") % {
            "kind": incident.get_kind_display(), "level": incident.get_level_display()}
        detail = f"{incident.place} · {incident.get_status_display()}"
        yield TimelineEvent(incident.occurred_at, "incident", title, detail,
                            url=incident.get_absolute_url())


def at_site_on(user, site, day: datetime.date) -> list[LoggedElsewhere]:
    """The incidents that happened at the station on `day` (local), as the register has them."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    incidents = (Incident.objects.restrict(user, "view")
                 .filter(site=site, occurred_at__gte=start,
                         occurred_at__lt=start + datetime.timedelta(days=1))
                 .order_by("occurred_at", "pk"))
    return [LoggedElsewhere(incident.occurred_at, _("Incident: %(kind)s (%(level)s)") % {
        "kind": incident.get_kind_display(), "level": incident.get_level_display()}
        + f" · {incident.get_status_display()}", incident.get_absolute_url())
        for incident in incidents]
