"""The figures and the rows behind them as XLSX workbooks, in the shape they show on the page."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from songnuan.analytics import figures, rows, where
from songnuan.analytics.selection import Selection
from songnuan.words import listed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(book: Workbook, title: str, header: list[Any], body) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append([str(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in body:
        sheet.append(list(line))
    sheet.freeze_panes = "A2"


def _cover(book: Workbook, sel: Selection, names: list[str], title: str) -> None:
    sheet = book.active
    sheet.title = _("Selection")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("First night"), sel.first.isoformat()])
    sheet.append([_("Last night"), sel.last.isoformat()])
    sheet.append([_("Districts"), listed(names)])
    sheet.append([_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    sheet.append([_("A night runs from 08:00 to 08:00: an event after midnight counts on the "
                    "evening's date.")])


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _grid_body(grid: figures.Grid):
    for hour, counts in grid.rows():
        yield [f"{hour:02d}:00", *counts]


def when_workbook(sel: Selection, names: list[str]) -> bytes:
    book = Workbook()
    _cover(book, sel, names, _("When and how: figures"))
    hours_header = [_("Hour"), *figures.weekday_names()]
    _sheet(book, _("Leads by hour"), hours_header, _grid_body(figures.leads_grid(sel)))
    _sheet(book, _("People found by hour"), hours_header, _grid_body(figures.people_grid(sel)))
    _sheet(book, _("Nights and cold"),
           [_("Night of"), _("People found"), _("Leads"), _("Minimum temperature (°C)")],
           ([n.night, n.people, n.leads, n.min_c] for n in figures.nights_vs_cold(sel)))
    nightly = figures.service_times(sel)
    _sheet(book, _("Service by district"),
           [_("District"), _("Leads"), _("Median minutes to assign"), _("p90 minutes to assign"),
            _("Median minutes to arrive"), _("p90 minutes to arrive"),
            _("Nights under protocol")],
           ([r.district, r.leads, r.median_assign(), r.p90_assign(), r.median_arrive(),
             r.p90_arrive(), r.protocol_nights] for r in figures.service_by_district(nightly)))
    _sheet(book, _("Service times"),
           [_("Night of"), _("District"), _("Leads"), _("Median minutes to assign"),
            _("p90 minutes to assign"), _("Median minutes to arrive"), _("p90 minutes to arrive"),
            _("Protocol level"), _("Levels during the night")],
           ([r.night, r.district, r.leads, r.median_assign(), r.p90_assign(), r.median_arrive(),
             r.p90_arrive(), r.level.label, " → ".join(r.level_labels())]
            for r in nightly))
    counts = figures.outcomes(sel)
    _sheet(book, _("Outcomes"), [_("Outcome"), _("Count")],
           ([label, counts[key]] for key, label in rows.outcome_labels()))
    _sheet(book, _("Repeat refusals"),
           [_("Person"), _("Refusals"), _("Of which supplies given"), _("First"), _("Last")],
           ([r.person.display_name, r.refusals, r.with_supplies, _local(r.first), _local(r.last)]
            for r in figures.repeat_refusals(sel)))
    return _bytes(book)


def where_workbook(sel: Selection, names: list[str]) -> bytes:
    book = Workbook()
    _cover(book, sel, names, _("Where people gather: figures"))
    _sheet(book, _("Hotspots"),
           [_("Rank"), _("Hotspot"), _("District"), _("People found"), _("Encounters"),
            _("Leads")],
           ([rank, r.hotspot.name, str(r.hotspot.district), r.people, r.encounters, r.leads]
            for rank, r in enumerate(where.ranked_hotspots(sel), start=1)))
    _sheet(book, _("Proposed hotspots"),
           [_("Number"), _("Latitude"), _("Longitude"), _("District"), _("People found"),
            _("Encounters"), _("Nights"), _("First night"), _("Last night"), _("Radius (m)")],
           ([p.number, p.lat, p.lon, p.district, p.people, len(p.encounter_ids), p.nights,
             p.first, p.last, p.radius_m] for p in where.proposals(sel)))
    return _bytes(book)


def _local(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def rows_workbook(sel: Selection, names: list[str], drill: rows.Drill) -> bytes:
    book = Workbook()
    _cover(book, sel, names, drill.title)
    if drill.kind == rows.LEADS:
        _sheet(book, _("Leads"),
               [_("Tracking code"), _("Received"), _("District"), _("Place"), _("People"),
                _("Status"), _("Outcome")],
               ([lead.tracking_code, _local(lead.received_at), str(lead.district) if
                 lead.district_id else "", lead.place, lead.people_count,
                 lead.get_status_display(), lead.get_outcome_display()]
                for lead in drill.rows.select_related("district").order_by("received_at")))
    else:
        _sheet(book, _("Encounters"),
               [_("Time"), _("District"), _("Place"), _("Squad"), _("Outcome"),
                _("People found")],
               ([_local(e.at), str(e.district), e.place, e.squad.name, e.get_outcome_display(),
                 e.found]
                for e in drill.rows.select_related("district", "squad")
                .annotate(found=Count("people")).order_by("at")))
    return _bytes(book)


def ledger_workbook(entries, names: list[str]) -> bytes:
    """The ledger as a bureau files it: a titled, numbered table, one person a row."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Key-information ledger")[:31]
    sheet.append([_("%(districts)s key-information ledger") % {"districts": listed(names)}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("As of %(time)s") % {"time": _local(timezone.now())}])
    header = [_("No."), _("Name or alias"), _("Sex"), _("Age"), _("District"), _("Status"),
              _("Risk level"), _("Why on the ledger"), _("Last contact"), _("Next follow-up")]
    sheet.append([str(cell) for cell in header])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, entry in enumerate(entries, start=1):
        person = entry.person
        sheet.append([number, person.display_name, person.get_sex_display(), person.age,
                      str(person.district) if person.district_id else "",
                      person.get_status_display(), person.get_risk_level_display(),
                      "；".join(entry.reasons),
                      _local(entry.last_contact) if entry.last_contact else "",
                      _local(entry.next_follow_up) if entry.next_follow_up else ""])
    sheet.freeze_panes = "A4"
    return _bytes(book)
