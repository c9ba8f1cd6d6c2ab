"""Street encounters on the person file: every time a squad met the person, what became of them,
what they were handed and the follow-up it scheduled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.outreach.models import EncounterPerson, FollowUp
from songnuan.people.timeline import TimelineEvent


@dataclass
class MetRow:
    """One encounter as the person file shows it."""

    met: EncounterPerson
    supplies: list[Any]  # issue movements
    follow_ups: list[FollowUp]

    @property
    def encounter(self):
        return self.met.encounter


def encounters_of(person) -> list[MetRow]:
    met = list(person.outreach_encounters.select_related(
        "encounter__squad", "encounter__site", "encounter__district")
        .order_by("-encounter__at"))
    ids = [row.encounter_id for row in met]
    issued: dict[int, list] = {}
    for movement in person.supply_movements.filter(encounter_id__in=ids).select_related(
            "stock__item").order_by("pk"):
        issued.setdefault(movement.encounter_id, []).append(movement)
    follow_ups: dict[int, list] = {}
    for follow_up in person.outreach_follow_ups.filter(encounter_id__in=ids):
        follow_ups.setdefault(follow_up.encounter_id, []).append(follow_up)
    return [MetRow(row, issued.get(row.encounter_id, []), follow_ups.get(row.encounter_id, []))
            for row in met]


def events(person) -> Iterator[TimelineEvent]:
    for row in encounters_of(person):
        encounter = row.encounter
        parts = [str(row.met.get_outcome_display())]
        if encounter.site_id and row.met.outcome == "escorted":
            parts.append(str(encounter.site))
        for follow_up in row.follow_ups:
            due = timezone.localtime(follow_up.due_at)
            parts.append(_("follow-up %(status)s %(due)s") % {
                "status": follow_up.get_status_display(), "due": f"{due:%m-%d %H:%M}"})
        yield TimelineEvent(
            encounter.at, "encounter",
            _("Met by %(squad)s at %(place)s") % {"squad": encounter.squad,
                                                  "place": encounter.place or "—"},
            " · ".join(parts))
