"""Bulk import of places from CSV or XLSX: every row checked, all saved or none.

The file reader is the relief network's (UTF-8 or GB18030 CSV, or an XLSX workbook, with
Chinese or English column names); each refusal names its row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from songnuan import formulas
from songnuan.accounts.scoping import may_place_in
from songnuan.geo.coords import CoordError, CoordSystem
from songnuan.network.transfer import ImportFileError, RowError, read_table
from songnuan.places import services
from songnuan.places.keys import SearchKey, split_aliases
from songnuan.places.models import Place, PlaceKind

COLUMNS = ["name", "aliases", "kind", "lat", "lon", "coord"]
REQUIRED = ("name", "lat", "lon")
ALIASES = {"名称": "name", "地名": "name", "别名": "aliases", "类型": "kind", "纬度": "lat",
           "经度": "lon", "坐标系": "coord"}
MAX_ROWS = 5_000

__all__ = ["COLUMNS", "ImportFileError", "ImportResult", "import_places", "read_places"]


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[Place] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_places(name: str, content: bytes) -> list[dict[str, str]]:
    return read_table(name, content, required=REQUIRED, aliases=ALIASES)


def _kinds() -> dict[str, str]:
    lookup = {}
    for value, label in PlaceKind.choices:
        lookup[value] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


def import_places(table: list[dict[str, str]], user=None) -> ImportResult:
    """Check every row; only when all are valid, create them all in one transaction.
    With a user, rows may only fall in the districts the user may place things in."""
    result = ImportResult(rows=len(table))
    if len(table) > MAX_ROWS:
        result.errors.append(RowError(0, "", _("At most %(n)d rows at a time.") % {"n": MAX_ROWS}))
        return result
    kinds = _kinds()
    first_row: dict[str, int] = {}
    built: list[Place] = []
    for number, row in enumerate(table, start=2):
        errors: list[tuple[str, str]] = []
        place = _build(row, kinds, errors)
        if place is not None and not errors:
            text = SearchKey.of(place.name).text
            if text in first_row:
                errors.append(("name", _("Duplicate: row %(row)d has the same name.")
                               % {"row": first_row[text]}))
            else:
                first_row[text] = number
                try:
                    services.check_place(place)
                except ValidationError as error:
                    errors.extend((column, message) for column, messages
                                  in error.message_dict.items() for message in messages)
            if user is not None and not may_place_in(user, place.district_id):
                errors.append(("lat", _("You may only add places in your own district.")))
        result.errors.extend(RowError(number, column, message) for column, message in errors)
        if not errors and place is not None:
            built.append(place)
    if result.errors:
        return result
    with transaction.atomic():
        for place in built:
            place.save()
            result.created.append(place)
    return result


def _build(row: dict[str, str], kinds: dict[str, str], errors: list) -> Place | None:
    errors.extend(formulas.refusals(row, COLUMNS))
    for column in REQUIRED:
        if not row.get(column, "").strip():
            errors.append((column, _("This column is required.")))
    if errors:
        return None
    place = Place(name=row["name"].strip()[:100], aliases=split_aliases(row.get("aliases", "")))
    kind_text = row.get("kind", "").strip()
    if kind_text:
        kind = kinds.get(kind_text.lower())
        if kind is None:
            errors.append(("kind", _("“%(value)s” is not a known kind of place.")
                           % {"value": kind_text}))
        else:
            place.kind = kind
    coord = row.get("coord", "").strip() or "wgs84"
    try:
        CoordSystem.parse(coord)
    except CoordError:
        errors.append(("coord", _(
            "Unknown coordinate system “%(system)s”: use wgs84, gcj02 or bd09.")
            % {"system": coord}))
        return place
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        errors.append(("lat", _("Bad coordinates: latitude and longitude must be numbers.")))
        return place
    try:
        services.place_at(place, lat, lon, coord)
    except ValidationError as error:
        errors.extend((column, message) for column, messages in error.message_dict.items()
                      for message in messages)
    return place
