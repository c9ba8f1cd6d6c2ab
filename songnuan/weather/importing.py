"""Reading weather files and feed answers: forecasts and warnings, checked before anything is kept.

One format for files and the HTTP feed (documented in `songnuan/weather/README.md`):

JSON  {"forecasts": [{district, starts_at, ends_at, min_c, max_c, wind_ms, precipitation}],
       "warnings":  [{id, district, type, level, issued_at, valid_from, valid_until, text,
                      replaces?, lifted_at?}]}
CSV   a header naming the forecast columns or the warning columns above.

A district is a GB/T 2260 code (230102), a name (道里区) or an English name (Daoli); the city's
own code, name or English name (230100, 哈尔滨市, 哈尔滨, Harbin) or "all" mean every district.
Times are ISO 8601; without an offset they are Beijing time.
Any error rejects the whole batch (the last good data stays), listed by row and field.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from songnuan import formulas
from songnuan.network.city import served_city
from songnuan.network.models import District
from songnuan.weather.models import (
    MAX_PERIOD_HOURS,
    MAX_TEMPERATURE_C,
    MAX_WIND_MS,
    MIN_TEMPERATURE_C,
    Precipitation,
    WarningLevel,
    WarningType,
)

MAX_WARNING_DAYS = 10
MAX_ROWS = 50_000
CITY_WIDE_WORDS = {"all"}
WARNING_TYPE_NAMES = {
    "寒潮": WarningType.COLD_WAVE, "低温": WarningType.LOW_TEMPERATURE,
    "暴雪": WarningType.BLIZZARD, "道路结冰": WarningType.ROAD_ICING, "大风": WarningType.GALE,
    "冰冻": WarningType.FREEZING,
}
WARNING_LEVEL_NAMES = {
    "blue": WarningLevel.BLUE, "蓝色": WarningLevel.BLUE, "蓝": WarningLevel.BLUE,
    "yellow": WarningLevel.YELLOW, "黄色": WarningLevel.YELLOW, "黄": WarningLevel.YELLOW,
    "orange": WarningLevel.ORANGE, "橙色": WarningLevel.ORANGE, "橙": WarningLevel.ORANGE,
    "red": WarningLevel.RED, "红色": WarningLevel.RED, "红": WarningLevel.RED,
    "1": WarningLevel.BLUE, "2": WarningLevel.YELLOW, "3": WarningLevel.ORANGE,
    "4": WarningLevel.RED,
}
PRECIPITATION_NAMES = {
    "": Precipitation.NONE, "无": Precipitation.NONE, "雨": Precipitation.RAIN,
    "冻雨": Precipitation.FREEZING_RAIN, "雨夹雪": Precipitation.SLEET, "雪": Precipitation.SNOW,
}
FORECAST_COLUMNS = ("district", "starts_at", "ends_at", "min_c", "max_c")
WARNING_COLUMNS = ("id", "district", "type", "level", "valid_from", "valid_until")


@dataclass(frozen=True)
class ForecastRow:
    district_ids: tuple[int, ...]
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    min_c: float
    max_c: float
    wind_ms: float
    precipitation: str


@dataclass(frozen=True)
class WarningRow:
    row: str
    district_ids: tuple[int, ...]
    reference: str
    type: str
    level: int
    issued_at: datetime.datetime
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    text: str
    replaces: str
    lifted_at: datetime.datetime | None


@dataclass
class Batch:
    forecasts: list[ForecastRow] = field(default_factory=list)
    warnings: list[WarningRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


class Districts:
    """Resolves the ways a file names a district to District ids."""

    def __init__(self) -> None:
        self.all = tuple(District.objects.order_by("code").values_list("pk", flat=True))
        city = served_city()
        self.city_wide = {*CITY_WIDE_WORDS, city.code, city.name, city.name.removesuffix("市"),
                          city.name_en.lower()}
        self.names: dict[str, int] = {}
        for pk, code, name, name_en in District.objects.values_list(
                "pk", "code", "name", "name_en"):
            for key in (code, name, name_en.lower(), name_en.lower() + " district"):
                self.names[key] = pk
            if len(name) > 2:
                self.names[name[:-1]] = pk  # 市南区 → 市南

    def resolve(self, value: Any) -> tuple[int, ...] | None:
        text = str(value if value is not None else "").strip()
        if text.lower() in self.city_wide:
            return self.all
        pk = self.names.get(text) or self.names.get(text.lower())
        return (pk,) if pk else None


def parse(content: bytes | str, filename: str = "") -> Batch:
    """Parse a JSON or CSV file (chosen by its name, else by its first character)."""
    batch = Batch()
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            batch.error(_("file"), _("The file is not UTF-8 text."))
            return batch
    text = content.strip()
    if not text:
        batch.error(_("file"), _("The file is empty."))
        return batch
    is_json = filename.lower().endswith(".json") or (
        not filename.lower().endswith(".csv") and text[0] in "[{")
    if is_json:
        return parse_json(text, batch)
    return parse_csv(text, batch)


def parse_json(text: str, batch: Batch | None = None) -> Batch:
    batch = batch or Batch()
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        batch.error(_("file"), _("Not valid JSON (%(error)s).") % {"error": error})
        return batch
    return parse_document(document, batch)


def parse_document(document: Any, batch: Batch | None = None) -> Batch:
    batch = batch or Batch()
    if not isinstance(document, dict) or not (
            isinstance(document.get("forecasts", []), list)
            and isinstance(document.get("warnings", []), list)):
        batch.error(_("file"), _('Expected an object with "forecasts" and "warnings" lists.'))
        return batch
    forecasts, warnings = document.get("forecasts", []), document.get("warnings", [])
    if len(forecasts) + len(warnings) > MAX_ROWS:
        batch.error(_("file"), _("Too many rows (at most %(max)d).") % {"max": MAX_ROWS})
        return batch
    districts = Districts()
    for index, item in enumerate(forecasts, start=1):
        _forecast(item, _("forecast %(n)d") % {"n": index}, districts, batch)
    for index, item in enumerate(warnings, start=1):
        _warning(item, _("warning %(n)d") % {"n": index}, districts, batch)
    check_overlaps(batch)
    return batch


def parse_csv(text: str, batch: Batch | None = None) -> Batch:
    batch = batch or Batch()
    try:
        _parse_csv_rows(text, batch)
    except csv.Error as error:
        batch.error(_("file"), _("Not a readable CSV file (%(error)s).") % {"error": error})
    check_overlaps(batch)
    return batch


def _parse_csv_rows(text: str, batch: Batch) -> None:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = {name.strip() for name in (reader.fieldnames or []) if name}
    if set(WARNING_COLUMNS) <= header:
        kind = "warning"
    elif set(FORECAST_COLUMNS) <= header:
        kind = "forecast"
    else:
        batch.error(_("header"), _("The header needs the forecast columns (%(f)s) or the "
                                   "warning columns (%(w)s).")
                    % {"f": ", ".join(FORECAST_COLUMNS), "w": ", ".join(WARNING_COLUMNS)})
        return
    districts = Districts()
    for line, row in enumerate(reader, start=2):
        if line > MAX_ROWS:
            batch.error(_("file"), _("Too many rows (at most %(max)d).") % {"max": MAX_ROWS})
            break
        item = {(key or "").strip(): (value or "").strip() for key, value in row.items()
                if isinstance(value, str | type(None))}
        where = _("line %(n)d") % {"n": line}
        refused = formulas.refusals(item, item)
        for column, message in refused:
            batch.error(f"{where} {column}", message)
        if refused:
            continue
        if kind == "forecast":
            _forecast(item, where, districts, batch)
        else:
            _warning(item, where, districts, batch)


def _when(item: dict, key: str, where: str, batch: Batch,
          required: bool = True) -> datetime.datetime | None:
    raw = item.get(key)
    if raw in (None, ""):
        if required:
            batch.error(f"{where} {key}", _("This time is missing."))
        return None
    try:
        value = parse_datetime(str(raw))
    except ValueError:
        value = None
    if value is None:
        batch.error(f"{where} {key}", _("“%(value)s” is not a date and time (ISO 8601).")
                    % {"value": str(raw)[:40]})
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # Beijing time, the settings' TIME_ZONE
    return value


def _number(item: dict, key: str, where: str, batch: Batch, low: float, high: float,
            default: float | None = None) -> float | None:
    raw = item.get(key)
    if raw in (None, "") and default is not None:
        return default
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        batch.error(f"{where} {key}", _("“%(value)s” is not a number.") % {"value": raw})
        return None
    if not math.isfinite(value) or not low <= value <= high:
        batch.error(f"{where} {key}", _("%(value)s is outside the physical range "
                                        "%(low)s … %(high)s.")
                    % {"value": raw, "low": low, "high": high})
        return None
    return value


def _district(item: dict, where: str, districts: Districts,
              batch: Batch) -> tuple[int, ...] | None:
    found = districts.resolve(item.get("district"))
    if found is None:
        batch.error(f"{where} district", _("Unknown district “%(value)s”.")
                    % {"value": str(item.get("district", ""))[:40]})
    return found


def _forecast(item: Any, where: str, districts: Districts, batch: Batch) -> None:
    if not isinstance(item, dict):
        batch.error(where, _("Expected an object."))
        return
    before = len(batch.errors)
    district_ids = _district(item, where, districts, batch)
    starts_at = _when(item, "starts_at", where, batch)
    ends_at = _when(item, "ends_at", where, batch)
    min_c = _number(item, "min_c", where, batch, MIN_TEMPERATURE_C, MAX_TEMPERATURE_C)
    max_c = _number(item, "max_c", where, batch, MIN_TEMPERATURE_C, MAX_TEMPERATURE_C)
    wind_ms = _number(item, "wind_ms", where, batch, 0, MAX_WIND_MS, default=0.0)
    raw_precipitation = str(item.get("precipitation") or "").strip()
    precipitation = PRECIPITATION_NAMES.get(raw_precipitation, raw_precipitation.lower())
    if precipitation not in Precipitation.values:
        batch.error(f"{where} precipitation", _("Unknown precipitation “%(value)s”; use one of "
                                                "%(known)s.")
                    % {"value": raw_precipitation[:40], "known": ", ".join(Precipitation.values)})
    if starts_at and ends_at:
        if ends_at <= starts_at:
            batch.error(f"{where} ends_at", _("The period ends before it starts."))
        elif ends_at - starts_at > datetime.timedelta(hours=MAX_PERIOD_HOURS):
            batch.error(f"{where} ends_at", _("A forecast period is at most %(h)d hours.")
                        % {"h": MAX_PERIOD_HOURS})
    if min_c is not None and max_c is not None and min_c > max_c:
        batch.error(f"{where} min_c", _("The minimum is above the maximum."))
    if len(batch.errors) == before:
        batch.forecasts.append(ForecastRow(district_ids, starts_at, ends_at, min_c, max_c,
                                           wind_ms, precipitation))


def _warning(item: Any, where: str, districts: Districts, batch: Batch) -> None:
    if not isinstance(item, dict):
        batch.error(where, _("Expected an object."))
        return
    before = len(batch.errors)
    reference = str(item.get("id") or item.get("reference") or "").strip()
    if not reference or len(reference) > 60:
        batch.error(f"{where} id", _("Each warning needs its issuer's id (at most 60 "
                                     "characters)."))
    district_ids = _district(item, where, districts, batch)
    raw_type = str(item.get("type") or "").strip()
    warning_type = WARNING_TYPE_NAMES.get(raw_type.removesuffix("预警"), raw_type.lower())
    if warning_type not in WarningType.values:
        batch.error(f"{where} type", _("Unknown warning type “%(value)s”; use one of "
                                       "%(known)s.")
                    % {"value": raw_type[:40], "known": ", ".join(WarningType.values)})
    raw_level = str(item.get("level") or "").strip()
    level = WARNING_LEVEL_NAMES.get(raw_level.lower().removesuffix("预警"))
    if level is None:
        batch.error(f"{where} level", _("Unknown warning level “%(value)s”; use blue, yellow, "
                                        "orange or red.") % {"value": raw_level[:40]})
    valid_from = _when(item, "valid_from", where, batch)
    valid_until = _when(item, "valid_until", where, batch)
    issued_at = _when(item, "issued_at", where, batch, required=False) or valid_from
    lifted_at = _when(item, "lifted_at", where, batch, required=False)
    if valid_from and valid_until:
        if valid_until <= valid_from:
            batch.error(f"{where} valid_until", _("The validity period is reversed: it ends "
                                                  "before it starts."))
        elif valid_until - valid_from > datetime.timedelta(days=MAX_WARNING_DAYS):
            batch.error(f"{where} valid_until", _("A warning is valid for at most %(d)d days.")
                        % {"d": MAX_WARNING_DAYS})
        if issued_at and issued_at > valid_until:
            batch.error(f"{where} issued_at", _("Issued after its validity ended."))
    if len(batch.errors) == before:
        batch.warnings.append(WarningRow(
            where, district_ids, reference, warning_type, int(level), issued_at, valid_from,
            valid_until, str(item.get("text") or "")[:2000],
            str(item.get("replaces") or "").strip(), lifted_at,
        ))


def check_overlaps(batch: Batch) -> None:
    """Two warnings of one type for one district may not be valid at the same time.

    A newer signal that upgrades or downgrades an earlier one names it in `replaces`.
    """
    seen: dict[tuple[int, str], list[WarningRow]] = {}
    for row in batch.warnings:
        for district_id in row.district_ids:
            for other in seen.get((district_id, row.type), []):
                if other.reference == row.reference or row.replaces == other.reference \
                        or other.replaces == row.reference:
                    continue
                if row.valid_from < other.valid_until and other.valid_from < row.valid_until:
                    batch.error(f"{row.row} valid_from", _(
                        "Overlaps warning %(other)s of the same type and district; name it in "
                        "“replaces” if this one supersedes it.") % {"other": other.reference})
            seen.setdefault((district_id, row.type), []).append(row)
