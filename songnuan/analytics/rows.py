"""The rows behind a figure's cell: the leads or encounters a number was counted from.

A cell is named by the figure and a key (`leads_grid` + "0-23" is Monday night's 23:00 hour);
the rows are found by the same rules the figure used, so the list always adds up to the cell.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from songnuan.analytics import figures, where
from songnuan.analytics.selection import Selection
from songnuan.outreach.models import EncounterOutcome
from songnuan.outreach.patrols import night_of
from songnuan.refusals import Refused

LEADS, ENCOUNTERS = "leads", "encounters"
FIGURES = ("leads_grid", "people_grid", "night", "service", "outcome", "refusals", "hotspot",
           "proposal")


@dataclass
class Drill:
    kind: str  # LEADS or ENCOUNTERS
    title: str
    rows: Any  # a queryset of Lead or Encounter


def _bad_cell() -> Refused:
    return Refused(_("This figure has no such cell."), field="cell", code="bad_cell")


def _grid_cell(cell: str) -> tuple[int, int]:
    try:
        day, hour = (int(part) for part in cell.split("-"))
    except ValueError:
        raise _bad_cell() from None
    if day not in figures.WEEKDAYS or hour not in figures.HOURS:
        raise _bad_cell()
    return day, hour


def _cell_words(cell: tuple[int, int]) -> dict:

    return {"weekday": figures.weekday_names()[cell[0]], "hour": cell[1]}


def _night(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise _bad_cell() from None


def drill(sel: Selection, figure: str, cell: str) -> Drill:
    if figure not in FIGURES:
        raise Refused(_("There is no such figure."), field="figure", code="bad_figure")
    return globals()[f"_drill_{figure}"](sel, cell)


def _drill_leads_grid(sel: Selection, cell: str) -> Drill:
    wanted = _grid_cell(cell)
    pks = [pk for pk, at in sel.leads().values_list("pk", "received_at")
           if figures.cell_of(at) == wanted]
    return Drill(LEADS, _("Leads on %(weekday)s nights at %(hour)02d:00") % _cell_words(wanted),
                 sel.leads().filter(pk__in=pks))


def _drill_people_grid(sel: Selection, cell: str) -> Drill:
    wanted = _grid_cell(cell)
    pks = {pk for pk, at in sel.people_found().values_list("encounter_id", "encounter__at")
           if figures.cell_of(at) == wanted}
    return Drill(ENCOUNTERS, _("People found on %(weekday)s nights at %(hour)02d:00")
                 % _cell_words(wanted),
                 sel.encounters().filter(pk__in=pks))


def _drill_night(sel: Selection, cell: str) -> Drill:
    night = _night(cell)
    pks = {pk for pk, at in sel.people_found().values_list("encounter_id", "encounter__at")
           if night_of(at) == night}
    return Drill(ENCOUNTERS, _("Encounters with people found on the night of %(night)s")
                 % {"night": night.isoformat()}, sel.encounters().filter(pk__in=pks))


def _drill_service(sel: Selection, cell: str) -> Drill:
    district, _sep, night_text = cell.partition(":")
    if not district.isdigit() or int(district) not in sel.district_ids:
        raise _bad_cell()
    leads = sel.leads().filter(district_id=int(district))
    if night_text == "all":
        return Drill(LEADS, _("Leads of one district in the period"), leads)
    night = _night(night_text)
    pks = [pk for pk, at in leads.values_list("pk", "received_at") if night_of(at) == night]
    return Drill(LEADS, _("Leads of the night of %(night)s") % {"night": night.isoformat()},
                 sel.leads().filter(pk__in=pks))


def _drill_outcome(sel: Selection, cell: str) -> Drill:
    if cell not in figures.OUTCOME_KEYS:
        raise _bad_cell()
    title = dict(outcome_labels())[cell]
    people = sel.people_found()
    if cell == "admitted":
        pks = set(people.filter(outcome=EncounterOutcome.ESCORTED).values_list("encounter_id",
                                                                                flat=True))
    elif cell == "hospital":
        pks = set(people.filter(outcome=EncounterOutcome.HOSPITAL).values_list("encounter_id",
                                                                                flat=True))
    elif cell in ("refused_supplies", "refused_nothing"):
        pks = {row["encounter_id"] for row in figures.refusal_rows(sel)
               if row["supplied"] == (cell == "refused_supplies")}
    else:
        outcome = (EncounterOutcome.NOT_FOUND if cell == "not_found"
                   else EncounterOutcome.FALSE_REPORT)
        pks = set(sel.encounters().filter(outcome=outcome).values_list("pk", flat=True))
    return Drill(ENCOUNTERS, title, sel.encounters().filter(pk__in=pks))


def _drill_refusals(sel: Selection, cell: str) -> Drill:
    if not cell.isdigit():
        raise _bad_cell()
    pks = {row["encounter_id"] for row in figures.refusal_rows(sel)
           if row["person_id"] == int(cell)}
    return Drill(ENCOUNTERS, _("Refusals of one person"), sel.encounters().filter(pk__in=pks))


def _drill_hotspot(sel: Selection, cell: str) -> Drill:
    if not cell.isdigit():
        raise _bad_cell()
    pks = where.encounters_at_hotspot(sel, int(cell))
    return Drill(ENCOUNTERS, _("Encounters at this hotspot"), sel.encounters().filter(pk__in=pks))


def _drill_proposal(sel: Selection, cell: str) -> Drill:
    if not cell.isdigit():
        raise _bad_cell()
    proposal = next((p for p in where.proposals(sel) if p.number == int(cell)), None)
    if proposal is None:
        raise _bad_cell()
    return Drill(ENCOUNTERS, _("Encounters behind proposed hotspot %(n)s") % {"n": cell},
                 sel.encounters().filter(pk__in=proposal.encounter_ids))


def outcome_labels() -> list[tuple[str, str]]:
    return [
        ("admitted", _("Admitted (escorted to a site)")),
        ("hospital", _("Sent to hospital")),
        ("refused_supplies", _("Refused, supplies given")),
        ("refused_nothing", _("Refused, nothing given")),
        ("not_found", _("Not found")),
        ("false_report", _("False report")),
    ]
