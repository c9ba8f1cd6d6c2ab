"""Spreadsheet formulas in exported and imported tables (OWASP "CSV injection").

Excel, WPS and LibreOffice run a cell whose text starts with = + - @ (or TAB or CR before one,
and WPS also the full-width ＝ ＋ － ＠) as a formula: a site's address of
`=HYPERLINK("http://…", "点击")` becomes a live link in the bureau's own spreadsheet, and `@SUM`
or DDE formulas can do worse. The one rule, used by every export and every import:

- A text cell starting with one of those characters is a formula, *unless* it is only a number
  or a telephone number: an optional + or -, then digits, spaces, dots, hyphens and brackets
  (`-12.5`, `+86 532 8888 6666`, `-3`, or a lone `-` standing for "none"). Such text names no
  function and no cell, so it can run nothing and reach nothing; it stays as it is so that
  phone numbers and negative temperatures remain usable. Numbers (int, float, Decimal) are
  written as numbers.
- Exports write a formula with a leading apostrophe (`'=HYPERLINK(…)`): spreadsheets show it as
  text and run nothing.
- Imports refuse a row holding a formula, naming its row and column, like any other bad cell:
  what is stored never carries a formula back out, and nothing is altered silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
NEUTRALISER = "'"
_NUMBER_OR_PHONE = re.compile(r"[+-]?(?:\d[\d .()\-]*)?")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run this text as a formula (see the module's rule)."""
    return bool(text) and text[0] in TRIGGERS and not _NUMBER_OR_PHONE.fullmatch(text)


def neutralise(value: Any) -> Any:
    """The value as an export writes it: a formula as text, anything else unchanged."""
    if isinstance(value, str) and is_formula(value):
        return NEUTRALISER + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


def safe_rows(rows: Iterable[Iterable[Any]]) -> Iterable[list[Any]]:
    return (safe_row(row) for row in rows)


def refusals(row: dict[str, str], columns: Iterable[str]) -> list[tuple[str, str]]:
    """(column, message) for each cell of an imported row, among the columns the import
    reads, that holds a formula."""
    return [(column, refusal(row[column])) for column in columns
            if isinstance(row.get(column), str) and is_formula(row[column])]


def refusal(text: str) -> str:
    sign = {"\t": "TAB", "\r": "CR"}.get(text[0], text[0])
    return _("Starts with %(sign)s, which spreadsheets run as a formula: remove the sign or "
             "begin the cell with other text.") % {"sign": sign}
