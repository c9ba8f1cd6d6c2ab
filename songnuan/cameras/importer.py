"""The camera register imported from CSV or XLSX (摄像头台账导入): every row checked, all saved
or none.

The columns carry the register form's own labels, and each row goes through the form's rules
(`services.checked_camera`: the point converted from WGS-84, GCJ-02 or BD-09 and placed in its
district, the user's scope, the owner's codes). A name already in the register is refused
unless the user asks to update existing cameras: then the row changes the camera of that name.
Each refusal names its row and column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from songnuan import formulas
from songnuan.cameras import services
from songnuan.cameras.forms import COORD_CHOICES, CameraForm
from songnuan.cameras.models import Camera, CameraOwner, FeedKind
from songnuan.geo.coords import CoordError, CoordSystem
from songnuan.network.models import District
from songnuan.network.transfer import ImportFileError, RowError, read_table
from songnuan.outreach.models import Hotspot
from songnuan.refusals import Refused
from songnuan.words import listed

__all__ = ["ImportFileError", "ImportResult", "import_cameras", "read_cameras"]

MAX_ROWS = 2_000
FORM = CameraForm.base_fields
# (key, label): the labels are the register form's, so the file reads like the form.
COLUMNS: list[tuple[str, Promise]] = [
    ("name", FORM["name"].label),
    ("code", FORM["code"].label),
    ("owner", FORM["owner"].label),
    ("lon", FORM["lon"].label),
    ("lat", FORM["lat"].label),
    ("coord", FORM["coord"].label),
    ("district", Camera._meta.get_field("district").verbose_name),
    ("hotspot", FORM["hotspot"].label),
    ("feed_kind", FORM["feed_kind"].label),
    ("snapshot_url", FORM["snapshot_url"].label),
    ("active_hours", gettext_lazy("active hours")),
    ("masks", FORM["masks"].label),
]
KEYS = [key for key, _label in COLUMNS]
REQUIRED = ("name", "owner", "lon", "lat")
HOURS = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})$")
URL = URLValidator(schemes=["http", "https"])


@dataclass
class Lookups:
    """What a row's names refer to: owners, hotspots and districts by name (districts by code
    too), kinds of feed and coordinate systems by value or label."""

    owners: dict[str, list[CameraOwner]]
    hotspots: dict[str, list[Hotspot]]
    districts: dict[str, District]
    feed_kinds: dict[str, str]
    coords: dict[str, str]


@dataclass
class ParsedRow:
    data: services.CameraInput
    district: District | None = None


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[Camera] = field(default_factory=list)
    updated: list[Camera] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def label_of(key: str) -> str:
    return str(dict(COLUMNS)[key])


def _in_both_languages(labels: dict[str, Promise | str]) -> dict[str, str]:
    """{label in English, label in Chinese, value: value}, lower case."""
    lookup = {}
    for value, label in labels.items():
        lookup[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).strip().lower()] = value
    return lookup


def header_aliases() -> dict[str, str]:
    return _in_both_languages(dict(COLUMNS))


def read_cameras(name: str, content: bytes) -> list[dict[str, str]]:
    return read_table(name, content, required=REQUIRED, aliases=header_aliases())


def lookups_for(user) -> Lookups:
    owners: dict[str, list[CameraOwner]] = defaultdict(list)
    for owner in CameraOwner.objects.filter(is_active=True):
        owners[owner.name.strip()].append(owner)
    hotspots: dict[str, list[Hotspot]] = defaultdict(list)
    for hotspot in Hotspot.objects.restrict(user, "view").filter(is_active=True):
        hotspots[hotspot.name.strip()].append(hotspot)
    districts = {}
    for district in District.objects.all():
        districts[district.code] = districts[district.name] = district
    coords = _in_both_languages(dict(COORD_CHOICES))
    coords.update({system.value: system.value for system in CoordSystem})
    return Lookups(owners, hotspots, districts, _in_both_languages(dict(FeedKind.choices)),
                   coords)


# ------------------------------------------------------------------------------ one row


def parse_row(row: dict[str, str], lookups: Lookups) -> tuple[ParsedRow | None, list]:
    """A row read into the register's input, or None, and (column key, message) for each cell
    at fault. Reads nothing from the database: the names are looked up in `lookups`."""
    errors: list[tuple[str, str]] = list(formulas.refusals(row, KEYS))
    for key in REQUIRED:
        if not row.get(key, "").strip():
            errors.append((key, _("This column is required.")))
    if errors:
        return None, errors
    text = {key: row.get(key, "").strip() for key in KEYS}
    owner = _one(lookups.owners, text["owner"], "owner", errors)
    point = _point(text, lookups, errors)
    feed_kind = lookups.feed_kinds.get((text["feed_kind"] or FeedKind.VENDOR_PUSH).lower())
    if feed_kind is None:
        errors.append(("feed_kind", _("“%(value)s” is not a kind of feed: use %(kinds)s.")
                       % {"value": text["feed_kind"], "kinds": listed(
                           str(label) for label in FeedKind.labels)}))
    code = _code(text, feed_kind, errors)
    hotspot = _one(lookups.hotspots, text["hotspot"], "hotspot", errors) if text["hotspot"] \
        else None
    district = None
    if text["district"]:
        district = lookups.districts.get(text["district"])
        if district is None:
            errors.append(("district", _("Unknown district “%(value)s”.")
                           % {"value": text["district"]}))
    url = _url(text["snapshot_url"], errors)
    hours = _hours(text["active_hours"], errors)
    try:
        masks = services.parse_masks(text["masks"])
    except Refused as refused:
        errors.append(("masks", str(refused.message)))
    if len(text["name"]) > FORM["name"].max_length:
        errors.append(("name", _("At most %(n)d characters.") % {"n": FORM["name"].max_length}))
    if errors:
        return None, errors
    return ParsedRow(services.CameraInput(
        code=code, name=text["name"], owner=owner, lat=point[0], lon=point[1], coord=point[2],
        hotspot_id=hotspot.pk if hotspot else None, feed_kind=feed_kind, snapshot_url=url,
        active_from=hours[0], active_until=hours[1], masks=masks), district), []


def _one(found: dict[str, list], name: str, key: str, errors: list):
    matches = found.get(name, [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        errors.append((key, _("More than one “%(name)s”: rename one of them first.")
                       % {"name": name}))
    elif key == "owner":
        errors.append((key, _("Unknown owner “%(name)s”: add the owner on the camera owners "
                              "page first.") % {"name": name}))
    else:
        errors.append((key, _("Unknown hotspot “%(name)s”.") % {"name": name}))
    return None


def _point(text: dict[str, str], lookups: Lookups, errors: list) -> tuple[float, float, str]:
    coord = lookups.coords.get((text["coord"] or CoordSystem.WGS84.value).lower())
    if coord is None:
        try:
            coord = CoordSystem.parse(text["coord"]).value
        except CoordError:
            errors.append(("coord", _("Unknown coordinate system “%(value)s”: use WGS-84, "
                                      "GCJ-02 or BD-09.") % {"value": text["coord"]}))
    values = []
    for key, limit in (("lat", 90), ("lon", 180)):
        try:
            value = float(text[key])
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or abs(value) > limit:
            errors.append((key, _("Write a number of degrees between -%(limit)d and %(limit)d.")
                           % {"limit": limit}))
        values.append(value)
    return values[0], values[1], coord or CoordSystem.WGS84.value


def _code(text: dict[str, str], feed_kind: str | None, errors: list) -> str:
    """The owner's code; a camera whose owner sends nothing may go without one (its name
    stands in)."""
    limit = FORM["code"].max_length
    if len(text["code"]) > limit:
        errors.append(("code", _("At most %(n)d characters.") % {"n": limit}))
    if text["code"]:
        return text["code"]
    if feed_kind == FeedKind.VENDOR_PUSH:
        errors.append(("code", _("Give the code the owner's platform sends with each picture.")))
    return text["name"][:limit]


def _url(text: str, errors: list) -> str:
    if not text:
        return ""
    try:
        URL(text)
    except ValidationError:
        errors.append(("snapshot_url", _("Not a web address: write it as http://… or "
                                         "https://…")))
        return ""
    if len(text) > FORM["snapshot_url"].max_length:
        errors.append(("snapshot_url", _("At most %(n)d characters.")
                       % {"n": FORM["snapshot_url"].max_length}))
    return text


def _hours(text: str, errors: list):
    """`18:00-08:00` (the hours may run past midnight); empty: the form's default."""
    default = (FORM["active_from"].initial, FORM["active_until"].initial)
    if not text:
        return default
    match = HOURS.match(text)
    numbers = [int(part) for part in match.groups()] if match else []
    if not match or numbers[0] > 23 or numbers[2] > 23 or numbers[1] > 59 or numbers[3] > 59:
        errors.append(("active_hours", _("Write the active hours as 18:00-08:00.")))
        return default
    start = default[0].replace(hour=numbers[0], minute=numbers[1])
    end = default[1].replace(hour=numbers[2], minute=numbers[3])
    if start == end:
        errors.append(("active_hours", _("The active hours begin and end at the same time.")))
    return start, end


# ------------------------------------------------------------------------------ the file


def import_cameras(table: list[dict[str, str]], user, *, update: bool = False) -> ImportResult:
    """Check every row; only when all are valid, save them all in one transaction. With
    `update`, a row whose name is already registered changes that camera (if the user may
    change it); without, it is refused as a duplicate."""
    result = ImportResult(rows=len(table))
    if len(table) > MAX_ROWS:
        result.errors.append(RowError(0, "", _("At most %(n)d rows at a time.") % {"n": MAX_ROWS}))
        return result
    lookups = lookups_for(user)
    existing = _existing_by_name(table, user)
    first_row: dict[str, int] = {}
    codes: dict[tuple[int, str], int] = {}
    checked: list[tuple[Camera, bool]] = []
    for number, row in enumerate(table, start=2):
        parsed, errors = parse_row(row, lookups)
        if parsed is not None:
            camera = _check(parsed, number, existing, first_row, codes, user, update, errors)
            if camera is not None and not errors:
                checked.append((camera, camera.pk is None))
        result.errors.extend(RowError(number, label_of(key), message) for key, message in errors)
    if result.errors:
        return result
    with transaction.atomic():
        for camera, is_new in checked:
            camera.save()
            (result.created if is_new else result.updated).append(camera)
    return result


def _existing_by_name(table: list[dict[str, str]], user) -> dict[str, tuple[list, list]]:
    """For each name in the file: the cameras of that name, and those the user may change."""
    names = {row.get("name", "").strip() for row in table} - {""}
    everyone = defaultdict(list)
    for camera in Camera.objects.filter(name__in=names).select_related("owner"):
        everyone[camera.name].append(camera)
    changeable = defaultdict(list)
    if user.has_perm("cameras.change_camera"):
        for camera in Camera.objects.restrict(user, "change").filter(name__in=names):
            changeable[camera.name].append(camera)
    return {name: (everyone[name], changeable[name]) for name in names}


def _check(parsed: ParsedRow, number: int, existing, first_row, codes, user, update: bool,
           errors: list) -> Camera | None:
    data = parsed.data
    if data.name in first_row:
        errors.append(("name", _("Duplicate: row %(row)d has the same name.")
                       % {"row": first_row[data.name]}))
        return None
    first_row[data.name] = number
    same_code = (data.owner.pk, data.code)
    if same_code in codes:
        errors.append(("code", _("Duplicate: row %(row)d gives this owner the same code.")
                       % {"row": codes[same_code]}))
    codes[same_code] = number
    camera = _camera_to_update(data.name, existing, update, errors)
    if errors:
        return None
    if camera is not None:
        data.silent_after_minutes, data.is_active = camera.silent_after_minutes, camera.is_active
    try:
        camera = services.checked_camera(data, by=user, camera=camera)
    except Refused as refused:
        errors.append((refused.field if refused.field in KEYS else "lat", str(refused.message)))
        return None
    if parsed.district is not None and parsed.district != camera.district:
        errors.append(("district", _("The point lies in %(found)s, not in %(given)s: check the "
                                     "coordinates or leave the district empty.")
                       % {"found": camera.district, "given": parsed.district}))
    return camera


def _camera_to_update(name: str, existing, update: bool, errors: list) -> Camera | None:
    everyone, changeable = existing.get(name, ([], []))
    if not everyone:
        return None
    if not update:
        errors.append(("name", _("A camera of this name is already registered: tick “update "
                                 "existing cameras” to change it from the file.")))
    elif len(everyone) > 1:
        errors.append(("name", _("More than one camera has this name: change them one by one "
                                 "on the register.")))
    elif not changeable:
        errors.append(("name", _("A camera of this name is registered where you may not "
                                 "change it.")))
    else:
        return changeable[0]
    return None


# ------------------------------------------------------------------------------ the template


def template_header() -> list[str]:
    """The column names as the template gives them: in Chinese, as the form shows them."""
    with translation.override("zh-hans"):
        return [str(label) for _key, label in COLUMNS]


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(template_header())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "cameras"
    sheet.append(template_header())
    for index, name in enumerate(template_header(), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) * 2 + 4)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
