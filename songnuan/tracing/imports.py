"""Import of missing-person reports from CSV or XLSX lists (all rows or none).

Lists exported from family-search websites name their columns in Chinese or English; every row is
checked before anything is saved, and the imported reports are ranked against the live cases
like reports filed one by one.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan import formulas
from songnuan.actors import recorded
from songnuan.linkage.idnumber import parse_id
from songnuan.network.models import District
from songnuan.network.transfer import read_table
from songnuan.refusals import Refused
from songnuan.tracing import missing_reports, phone_codes
from songnuan.tracing.models import MissingReport, ReportSource

MAX_ROWS = 5_000
FIRST_YEAR = 1900
# Canonical column → the header cells it may appear as (compared in lower case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "record_id": ("外部编号", "编号", "寻亲编号", "登记编号", "record id", "id"),
    "name": ("姓名", "走失者姓名"),
    "sex": ("性别", "gender"),
    "birth_year": ("出生年份", "出生年", "birth year"),
    "missing_since": ("走失日期", "失踪日期", "走失时间", "missing since", "date missing"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id number"),
    "native_place": ("籍贯", "户籍地", "native place"),
    "height_cm": ("身高", "身高(cm)", "身高（厘米）", "height", "height (cm)"),
    "features": ("体貌特征", "特征", "features"),
    "dialect": ("口音", "方言", "dialect"),
    "last_seen_place": ("走失地点", "失踪地点", "last seen at", "last seen place"),
    "description": ("走失经过", "情况说明", "description"),
    "reporter_name": ("联系人", "报告人", "contact", "contact name"),
    "reporter_phone": ("联系电话", "联系人电话", "电话", "phone", "contact phone"),
    "reporter_relation": ("与走失者关系", "关系", "relation"),
}
ALIASES = {alias.lower(): column for column, aliases in COLUMNS.items()
           for alias in (column, *aliases)}
REQUIRED = ("record_id", "reporter_name", "reporter_phone")
SEXES = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
TEXT_COLUMNS = ("name", "native_place", "features", "dialect", "last_seen_place", "description",
                "reporter_name", "reporter_relation")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[MissingReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_reports(name: str, content: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded list, keyed by canonical column (transfer.ImportFileError)."""
    return read_table(name, content, required=REQUIRED, aliases=ALIASES)


def column_label(field_name: str) -> str:
    """A column as officers see it in their files: the usual Chinese header and its code."""
    column = "record_id" if field_name == "external_id" else field_name
    return f"{COLUMNS[column][0]} / {column}" if column in COLUMNS else column


def import_reports(table: list[dict[str, str]], *, district: District, user: Any = None,
                   today: datetime.date | None = None) -> ImportResult:
    """Check every row; only when all are valid, save them all and rank them against the cases."""
    today = today or timezone.localdate()
    result = ImportResult(rows=len(table))
    if len(table) > MAX_ROWS:
        result.errors.append(RowError(0, "", _("At most %(n)d rows at a time.") % {"n": MAX_ROWS}))
        return result
    reports = []
    for number, report in _built(table, district, today, result.errors):
        try:
            report.full_clean(exclude=["reference"])
        except ValidationError as error:
            result.errors.extend(RowError(number, column_label(name), message)
                                 for name, messages in error.message_dict.items()
                                 for message in messages)
        reports.append(report)
    result.errors.sort(key=lambda error: error.row)
    if result.errors:
        return result
    with transaction.atomic():
        for report in reports:
            report.reference = missing_reports.new_reference()
            report.created_by = recorded(user)
            report.save()
        missing_reports.rank_against_live_cases(reports)
    result.created = reports
    return result


def _built(table: list[dict[str, str]], district: District, today: datetime.date,
           errors: list[RowError]):
    """Rows that parse, as unsaved reports; each bad cell adds an error naming row and column."""
    seen: dict[str, int] = {}
    ids = [row.get("record_id", "") for row in table]
    taken = dict(MissingReport.objects.filter(external_id__in=[i for i in ids if i])
                 .values_list("external_id", "reference"))
    for number, row in enumerate(table, start=2):
        problems: list[tuple[str, str]] = formulas.refusals(row, COLUMNS)
        record_id = row.get("record_id", "")
        if not record_id:
            problems.append(("record_id", _("The record number is missing.")))
        elif record_id in seen:
            problems.append(("record_id", _("Duplicate: row %(row)d has the same record number.")
                             % {"row": seen[record_id]}))
        elif record_id in taken:
            problems.append(("record_id", _("Already imported as report %(ref)s.")
                             % {"ref": taken[record_id]}))
        seen.setdefault(record_id, number)
        report = MissingReport(external_id=record_id, district=district,
                               source=ReportSource.IMPORT,
                               **{c: row.get(c, "") for c in TEXT_COLUMNS})
        for column, parse in PARSERS.items():
            try:
                setattr(report, column, parse(row.get(column, ""), today))
            except ValueError as error:
                problems.append((column, str(error)))
        try:
            report.set_id_number(_id_number(row.get("id_number", "")))
        except ValueError as error:
            problems.append(("id_number", str(error)))
        if not problems:
            problems.extend(_consistency(report))
        errors.extend(RowError(number, column_label(c), m) for c, m in problems)
        if not problems:
            yield number, report


def _sex(text: str, today: datetime.date) -> str:
    if not text:
        return ""
    if text.lower() not in SEXES:
        raise ValueError(_("Write 男 or 女 (M or F)."))
    return SEXES[text.lower()]


def _birth_year(text: str, today: datetime.date) -> int | None:
    if not text:
        return None
    year = _integer(text.removesuffix("年"))
    if year is None or not FIRST_YEAR <= year <= today.year:
        raise ValueError(_("A birth year between %(first)d and %(last)d, please.")
                         % {"first": FIRST_YEAR, "last": today.year})
    return year


def _height(text: str, today: datetime.date) -> int | None:
    if not text:
        return None
    height = _integer(re.sub(r"\s*(cm|厘米|公分)$", "", text, flags=re.IGNORECASE))
    if height is None or not 40 <= height <= 250:
        raise ValueError(_("A height between 40 and 250 cm, please."))
    return height


def _missing_since(text: str, today: datetime.date) -> datetime.date | None:
    if not text:
        return None
    day = _date(text)
    if day is None:
        raise ValueError(_("A date like 2026-10-01, please."))
    if not datetime.date(FIRST_YEAR, 1, 1) <= day <= today:
        raise ValueError(_("The date cannot be in the future or before %(first)d.")
                         % {"first": FIRST_YEAR})
    return day


def _id_number(text: str) -> str:
    if not text:
        return ""
    parsed = parse_id(text)
    if parsed is None or not parsed.is_resident_id or parsed.birth is None:
        raise ValueError(_("Not an 18-character resident ID number."))
    if not parsed.has_valid_check:
        raise ValueError(_("The check digit is wrong: the number has a typo."))
    return parsed.text


def _phone(text: str, today: datetime.date) -> str:
    try:
        return phone_codes.normalize_phone(text)
    except Refused as error:
        raise ValueError(str(error.message)) from error


PARSERS = {"sex": _sex, "birth_year": _birth_year, "height_cm": _height,
           "missing_since": _missing_since, "reporter_phone": _phone}


def _consistency(report: MissingReport) -> list[tuple[str, str]]:
    problems = []
    born = parse_id(report.id_number()).birth if report.has_id_number else None
    if born and report.birth_year and born.year != report.birth_year:
        problems.append(("birth_year", _("The ID number says born in %(year)d.")
                         % {"year": born.year}))
    if report.birth_year and report.missing_since and (
            report.missing_since.year < report.birth_year):
        problems.append(("missing_since", _("The person went missing before birth.")))
    return problems


def _integer(text: str) -> int | None:
    try:
        return int(float(text))
    except (ValueError, OverflowError):
        return None


def _date(text: str) -> datetime.date | None:
    text = text.strip().split(" ")[0].split("T")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
