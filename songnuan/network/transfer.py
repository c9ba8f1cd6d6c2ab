"""Bulk import of sites from CSV or XLSX (all rows or none) and export in the same columns."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from songnuan import formulas
from songnuan.accounts.scoping import may_place_in
from songnuan.network import services
from songnuan.network.models import (
    District,
    HostType,
    Service,
    Site,
    SiteLevel,
    SiteStatus,
)
from songnuan.refusals import Refused
from songnuan.table_import import ImportFileError

COLUMNS = [
    "name", "level", "parent", "host_type", "qindao_yijia", "address", "lat", "lon", "coord",
    "district", "district_reason", "hours", "is_24h", "open_in_cold_protocol", "services",
    "seats", "beds", "phone", "status", "status_reason",
]
REQUIRED = ("name", "level", "lat", "lon")
MAX_ROWS = 5_000
TRUE = {"1", "yes", "y", "true", "是", "√", "x"}
FALSE = {"", "0", "no", "n", "false", "否"}
LEVEL_ORDER = [SiteLevel.CENTRAL_STATION, SiteLevel.SUB_STATION, SiteLevel.RELIEF_POINT,
               SiteLevel.GUIDANCE_POINT]


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[Site] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(name: str, content: bytes, *, required: Iterable[str] = REQUIRED,
               aliases: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM, or GB18030) or the first XLSX sheet.

    Header cells are looked up in `aliases` (lower case) so files may name a column in another
    language; the rows are keyed by the names the aliases give.
    """
    if name.lower().endswith(".xlsx"):
        rows = _read_xlsx(content)
    else:
        rows = list(csv.reader(io.StringIO(_decode(content))))
    header = [_column_name(cell, aliases or {}) for cell in (rows[0] if rows else [])]
    _check_header(header, required)
    return [{key: (value or "").strip() for key, value in zip(header, values, strict=False)
             if key} for values in rows[1:] if any((value or "").strip() for value in values)]


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GB18030 text."))


def _column_name(cell: object, aliases: dict[str, str]) -> str:
    text = str(cell or "").strip()
    return aliases.get(text.lower(), text)


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    return [[_cell(value) for value in values] for values in sheet.iter_rows(values_only=True)
            if values is not None]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value).strip()


def _check_header(header: Iterable[str], required: Iterable[str]) -> None:
    missing = [name for name in required if name not in set(header)]
    if missing:
        raise ImportFileError(
            _("The header lacks the columns: %(cols)s.") % {"cols": ", ".join(missing)}
        )


def _choices_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(text)


def import_sites(table: list[dict[str, str]], user, *, commit: bool = True) -> ImportResult:
    """Check every row; only when all are valid, create them all in one transaction."""
    result = ImportResult(rows=len(table))
    if len(table) > MAX_ROWS:
        result.errors.append(RowError(0, "", _("At most %(n)d rows at a time.") % {"n": MAX_ROWS}))
        return result
    lookups = {"level": _choices_lookup(SiteLevel), "host_type": _choices_lookup(HostType),
               "status": _choices_lookup(SiteStatus), "services": _choices_lookup(Service)}
    districts = {}
    for district in District.objects.all():
        districts[district.code] = districts[district.name] = district
    names_in_file: dict[str, int] = {}
    for number, row in enumerate(table, start=2):
        name = row.get("name", "").strip()
        if name in names_in_file:
            result.errors.append(RowError(number, "name", _(
                "Duplicate: row %(row)d has the same name.") % {"row": names_in_file[name]}))
        elif name:
            names_in_file[name] = number
    existing = set(Site.objects.filter(name__in=list(names_in_file)).values_list("name", flat=True))
    visible_parents = {site.name: site for site in (
        Site.objects.restrict(user, "view") | Site.objects.filter(level=SiteLevel.CENTRAL_STATION)
    ).exclude(level__in=[SiteLevel.RELIEF_POINT, SiteLevel.GUIDANCE_POINT])}
    built: dict[str, tuple[int, Site, str]] = {}
    checkable = []
    for number, row in enumerate(table, start=2):
        errors = []
        site = _build(row, lookups, districts, errors)
        if site is None:
            result.errors.extend(RowError(number, f, m) for f, m in errors)
            continue
        if site.name in existing:
            errors.append(("name", _("Duplicate: a site with this name already exists.")))
        if site.name not in built:
            built[site.name] = (number, site, row.get("parent", "").strip())
        result.errors.extend(RowError(number, f, m) for f, m in errors)
        if not errors:
            checkable.append((number, site, row.get("parent", "").strip()))
    # Parents may be existing sites or other rows of the file.
    for number, site, parent_name in checkable:
        if parent_name:
            parent = visible_parents.get(parent_name)
            if parent is None and parent_name in built:
                parent = built[parent_name][1]
            if parent is None:
                result.errors.append(RowError(number, "parent", _(
                    "Missing parent: no site named “%(name)s”.") % {"name": parent_name}))
                continue
            site.parent = parent
        try:
            services.check_site(site)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                result.errors.extend(RowError(number, _column(field_name), m) for m in messages)
        if not may_place_in(user, site.district_id):
            result.errors.append(RowError(number, "district", _(
                "You may only place sites in your own district.")))
    centrals = [n for n, site, _p in built.values() if site.level == SiteLevel.CENTRAL_STATION]
    if len(centrals) > 1:
        result.errors.extend(RowError(n, "level", _("The network already has a central station."))
                             for n in centrals[1:])
    result.errors.sort(key=lambda error: (error.row, error.field))
    if result.errors or not commit:
        return result
    with transaction.atomic():
        for level in LEVEL_ORDER:
            for _number, site, _parent in built.values():
                if site.level == level:
                    if site.parent is not None and site.parent.pk is None:
                        site.parent = built[site.parent.name][1]
                    result.created.append(services.save_site(site))
    return result


def _column(field_name: str) -> str:
    return {"district_override_reason": "district_reason", "is_qindao_yijia": "qindao_yijia",
            "__all__": ""}.get(field_name, field_name)


def _build(row: dict[str, str], lookups, districts, errors: list) -> Site | None:
    errors.extend(formulas.refusals(row, COLUMNS))
    for column in REQUIRED:
        if not row.get(column, "").strip():
            errors.append((column, _("This column is required.")))
    if errors:
        return None
    site = Site(name=row["name"].strip()[:100], address=row.get("address", "")[:200],
                phone=row.get("phone", "")[:30], status_reason=row.get("status_reason", "")[:200])
    for column in ("level", "host_type", "status"):
        text = row.get(column, "").strip()
        if not text:
            continue
        value = lookups[column].get(text.lower())
        if value is None:
            errors.append((column, _("“%(value)s” is not a known %(column)s.") % {
                "value": text, "column": column}))
        else:
            setattr(site, column, value)
    for column, attr in (("qindao_yijia", "is_qindao_yijia"), ("is_24h", "is_24h"),
                         ("open_in_cold_protocol", "open_in_cold_protocol")):
        try:
            setattr(site, attr, _boolean(row.get(column, "")))
        except ValueError:
            errors.append((column, _("Write yes or no.")))
    for column in ("seats", "beds"):
        text = row.get(column, "").strip() or "0"
        if not text.isdigit():
            errors.append((column, _("Write a whole number.")))
        else:
            setattr(site, column, int(text))
    codes = []
    for part in row.get("services", "").replace("、", ";").replace(",", ";").split(";"):
        if part.strip():
            code = lookups["services"].get(part.strip().lower())
            if code is None:
                errors.append(("services", _("“%(value)s” is not a known service.") % {
                    "value": part.strip()}))
            else:
                codes.append(code)
    site.services = codes
    try:
        site.hours = services.parse_hours_field(row.get("hours", ""))
    except Refused as refused:
        errors.append(("hours", str(refused.message)))
    district = None
    district_text = row.get("district", "").strip()
    if district_text:
        district = districts.get(district_text)
        if district is None:
            errors.append(("district", _("Unknown district “%(value)s”.") % {
                "value": district_text}))
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        errors.append(("lat", _("Bad coordinates: latitude and longitude must be numbers.")))
        return site
    try:
        services.place_site(site, lat, lon, row.get("coord", "").strip() or "wgs84", district,
                            row.get("district_reason", ""))
    except Refused as refused:
        errors.append((_column(refused.field or "lat"),
                       _("Bad coordinates: ") + str(refused.message)))
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            prefix = _("Bad coordinates: ") if field_name in ("lat", "lon") else ""
            errors.extend((_column(field_name), prefix + m) for m in messages)
    return site


def export_rows(sites: Iterable[Site]) -> list[list[Any]]:
    """The rows of both exports, formulas written as text (`songnuan.formulas`)."""
    rows = [COLUMNS]
    for site in sites:
        rows.append(formulas.safe_row([
            site.name, site.level, site.parent.name if site.parent else "", site.host_type,
            "yes" if site.is_qindao_yijia else "no", site.address, site.lat, site.lon, "wgs84",
            site.district.code, site.district_override_reason, "; ".join(site.hours),
            "yes" if site.is_24h else "no", "yes" if site.open_in_cold_protocol else "no",
            ";".join(site.services), site.seats, site.beds, site.phone, site.status,
            site.status_reason,
        ]))
    return rows


def export_csv(sites: Iterable[Site]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(export_rows(sites))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def export_xlsx(sites: Iterable[Site]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("sites")
    for row in export_rows(sites):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
