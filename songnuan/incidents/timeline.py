"""Incidents on the person file's timeline."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from songnuan.people.timeline import TimelineEvent


def events(person) -> Iterator[TimelineEvent]:
    for incident in person.incidents.select_related("district").order_by("-reported_at"):
        title = _("Incident: %(kind)s (%(level)s)") % {
            "kind": incident.get_kind_display(), "level": incident.get_level_display()}
        detail = f"{incident.place} · {incident.get_status_display()}"
        yield TimelineEvent(incident.occurred_at, "incident", title, detail,
                            url=incident.get_absolute_url())
