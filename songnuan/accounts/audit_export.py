"""The filtered audit log as an XLSX workbook, for city administrators' reviews and inspections."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from songnuan import formulas
from songnuan.accounts import audit_labels

# Events turned into labels per round trip: bounded memory, one query per referenced model.
CHUNK = 2000
# A workbook past this is a sign the filter is wrong, and Excel grows slow long before its limit.
MAX_ROWS = 200_000


def audit_workbook(events: QuerySet) -> bytes:
    """One row per event, newest first, in the same words and local times as the log page."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit log"))
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["F"].width = 60
    header = [_("Time"), _("User"), _("Action"), _("Object type"), _("Object"), _("Changes"),
              _("IP address")]
    sheet.append([_bold(sheet, text) for text in header])
    ids = list(events.values_list("pk", flat=True)[:MAX_ROWS])
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = events.model.objects.filter(pk__in=chunk).order_by("-at", "-id")
        for row in audit_labels.shown(rows):
            sheet.append(formulas.safe_row([
                row.at.strftime(audit_labels.LOCAL_TIME_FORMAT), row.actor, row.action,
                row.object_type, row.object_name, _changes_text(row.changes),
                row.event.ip or "",
            ]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(text))
    cell.font = Font(bold=True)
    return cell


def _changes_text(changes: list[audit_labels.Change]) -> str:
    lines = []
    for change in changes:
        if change.new is None:
            lines.append(f"{change.field}: {change.old}")
        else:
            lines.append(f"{change.field}: {change.old} → {change.new}")
    return "\n".join(lines)
