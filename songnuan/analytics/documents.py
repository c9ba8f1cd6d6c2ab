"""The report documents: one neutral outline (`Outline`: headings, paragraphs, tables, charts)
built from the figures, written out as an editable Word file (python-docx) and as a PDF
(WeasyPrint, from an HTML template in the Noto Sans CJK font), so both say the same thing.

python-docx and WeasyPrint are imported by the functions that write, as matplotlib is by the
charts: together they take about a second to import, which every web process would otherwise pay
at start for a page that only queues a report for the worker."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from songnuan.analytics import charts
from songnuan.analytics.reports import BriefingFigures, CampaignFigures, Tally
from songnuan.weather.levels import ProtocolLevel

CJK_FAMILY = "Noto Sans CJK SC"
# WeasyPrint logs each layout step of each page at INFO: noise in the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    caption: str  # the alternative text; the chart carries its own title
    png: bytes

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    subtitle: str
    sections: list[Section]


def _number(value) -> str:
    return "—" if value is None else str(value)


def _tally_table(rows: list[Tally], first: str, label) -> Table:
    return Table([first, _("Leads"), _("People found"), _("Admitted or escorted"),
                  _("Refused, given supplies"), _("Not found"), _("Arrival p50 (min)"),
                  _("Arrival p90 (min)")],
                 [[label(row), str(row.leads), str(row.found), str(row.admitted),
                   str(row.refused_supplies), str(row.not_found), _number(row.p50_arrive),
                   _number(row.p90_arrive)] for row in rows])


def _counts(counts: dict[str, int], what: str) -> Table:
    return Table([what, _("Count")], [[label, str(n)] for label, n in counts.items()])


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def campaign_outline(found: CampaignFigures, texts: dict[str, str], scope_name: str,
                     progress=lambda share: None) -> Outline:
    sel, total = found.sel, found.total
    period = _("Nights %(first)s to %(last)s") % {"first": sel.first, "last": sel.last}
    overview = Section(_("1. Overview"), _paragraphs(texts.get("overview", "")))
    overview.tables.append(_tally_table([total], _("Whole period"), lambda row: scope_name))
    overview.paragraphs.append(_("Nights with the cold-weather protocol in force: %(n)s.")
                               % {"n": found.protocol_nights})
    overview.paragraphs.append(_("Deaths and serious cold injuries: %(n)s.")
                               % {"n": len(found.grave)})
    overview.paragraphs.extend(found.grave)
    if found.is_empty:
        overview.paragraphs.append(_("No lead, encounter or admission was recorded in this "
                                     "period: the tables below are empty."))
    overview.charts.append(Chart(_("People found per night and the night's minimum temperature"),
                                 charts.found_vs_cold(
                                     found.nights,
                                     title=_("People found per night and the night's minimum "
                                             "temperature"),
                                     people=_("People found"), leads=_("Leads"),
                                     minimum=_("Minimum temperature"))))
    progress(0.7)
    by_area = Section(_("2. Figures by district and by month"))
    by_area.tables.append(_tally_table(found.by_district, _("District"), lambda r: r.district))
    by_area.tables.append(_tally_table(found.by_month, _("Month"), lambda r: r.month))
    by_area.tables.append(Table(
        [_("District"), _("Month"), *_tally_table([], "", str).headers[1:]],
        [[row.district, row.month, *cells[1:]] for row, cells in zip(
            found.tallies, _tally_table(found.tallies, "", str).rows, strict=True)]))
    if found.by_district:
        by_area.charts.append(Chart(_("Leads by district"), charts.bars(
            [row.district for row in found.by_district], [row.leads for row in found.by_district],
            title=_("Leads by district"))))
    progress(0.8)
    net = found.network
    network = Section(_("3. The relief network"), [
        _("%(open)s sites open now, with %(beds)s beds and %(seats)s seats.")
        % {"open": net.open_sites, "beds": net.beds, "seats": net.seats}],
        [_counts(net.sites_by_level, _("Level of site"))])
    patrol = found.patrols
    patrols = Section(_("4. Patrols and rescue"), [
        _("%(squads)s squads recorded %(encounters)s encounters; a squad reached the scene of "
          "%(reached)s leads.") % {"squads": patrol.squads, "encounters": patrol.encounters,
                                   "reached": patrol.reached_leads}],
        [_counts(patrol.by_outcome, _("Outcome of the encounter"))])
    stays = found.admissions
    admissions = Section(_("5. Admissions"), [
        _("%(admitted)s admissions of %(people)s people; %(discharged)s discharges, staying "
          "%(days)s days on average.") % {"admitted": stays.admitted, "people": stays.people,
                                         "discharged": stays.discharged,
                                         "days": _number(stays.mean_days)}],
        [_counts(stays.by_outcome, _("Outcome of the stay"))])
    back = found.returns
    returns = Section(_("6. Tracing families and returns home"), [
        _("%(opened)s tracing cases opened, %(identified)s people identified, %(open)s cases "
          "still open; %(home)s people returned home.") % {
            "opened": back.cases_opened, "identified": back.identified,
            "open": back.still_open, "home": back.returned_home}],
        [_counts(back.by_travel, _("How they travelled"))])
    cases = Section(_("7. Typical cases"), _paragraphs(texts.get("cases", "")))
    problems = Section(_("8. Problems and next steps"),
                       _paragraphs(texts.get("problems", ""))
                       + _paragraphs(texts.get("next_steps", "")))
    return Outline(_("Winter relief campaign summary report"), f"{scope_name} · {period}",
                   [overview, by_area, network, patrols, admissions, returns, cases, problems])


def briefing_outline(found: BriefingFigures, scope_name: str) -> Outline:
    outcomes = found.outcomes

    def celsius(value: float | None) -> str:
        return "—" if value is None else f"{value:g} °C"

    figures = Table([_("Figure"), _("Value")], [
        [_("Leads last night"), str(found.leads)],
        [_("People found"), str(found.found)],
        [_("Admitted or escorted"), str(outcomes["admitted"])],
        [_("Refused, given supplies"), str(outcomes["refused_supplies"])],
        [_("Not found"), str(outcomes["not_found"])],
        [_("Leads overdue now"), str(found.overdue_leads)],
        [_("Beds free now"), str(found.beds_free)],
        [_("Supplies below reserve"), str(len(found.low_stocks))],
        [_("Protocol level last night"), str(ProtocolLevel(found.level_last_night).label)],
        [_("Protocol level now"), str(ProtocolLevel(found.level_now).label)],
        [_("Minimum temperature last night"), celsius(found.min_c_last_night)],
        [_("Forecast minimum tonight"), celsius(found.min_c_tonight)],
        [_("Open incidents"), str(found.open_incidents)],
        [_("Deaths and serious cold injuries"), str(len(found.grave))],
    ])
    section = Section(pgettext("briefing", "Last night"), list(found.grave), [figures])
    if found.low_stocks:
        section.paragraphs.append(_("Below reserve: %(list)s") % {
            "list": "；".join(found.low_stocks[:10])})
    section.charts.append(Chart(_("The last seven nights"), charts.found_vs_cold(
        found.week, title=_("The last seven nights"), people=_("People found"),
        leads=_("Leads"), minimum=_("Minimum temperature"))))
    return Outline(_("Daily briefing"),
                   f"{scope_name} · " + _("Night of %(night)s") % {"night": found.night}, [section])


# ------------------------------------------------------------------ Word

def to_docx(outline: Outline) -> bytes:
    from docx import Document  # slow to import: see the module's docstring
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    for style in ("Normal", "Title", "Heading 1"):
        _cjk(document.styles[style])
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(outline.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(outline.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in outline.sections:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        for table in section.tables:
            grid = document.add_table(rows=1, cols=len(table.headers))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
                cell.text = text
            for row in table.rows:
                for cell, text in zip(grid.add_row().cells, row, strict=True):
                    cell.text = text
            document.add_paragraph()
        for chart in section.charts:
            document.add_picture(io.BytesIO(chart.png), width=Cm(16))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cjk(style) -> None:
    """Word takes the East Asian font from its own attribute, not the font name."""
    from docx.oxml.ns import qn

    style.font.name = CJK_FAMILY
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), CJK_FAMILY)


# ------------------------------------------------------------------ PDF

def to_pdf(outline: Outline) -> bytes:
    html = render_to_string("analytics/document.html", {"outline": outline,
                                                        "family": CJK_FAMILY})
    from weasyprint import HTML  # slow to import: see the module's docstring

    return HTML(string=html).write_pdf()
