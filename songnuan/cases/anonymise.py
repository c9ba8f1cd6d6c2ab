"""Anonymisation (脱敏) of a case's text and photos before anyone reviews it.

Text: every name of the person file becomes the surname and 某 (王建国 → 王某, 欧阳春晓 → 欧阳某),
ID numbers and phone numbers are replaced by a marker, and a known place (a gazetteer place, a
hotspot, a site) or a street address (香港中路12号) becomes its district and 某地. Photos: faces
blurred with the cameras' blur, and re-encoded without metadata; a photo in which no face can be
found is blurred whole, since a turned head is still someone's.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from PIL import Image, ImageFilter

from songnuan.cameras.pictures import blur_people, find_faces, jpeg
from songnuan.images import reencoded

# 复姓 in use today (百家姓 and the census's common ones): the whole pair is the surname.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "申屠", "太史", "澹台",
    "公冶", "宗政", "濮阳", "淳于", "单于", "呼延", "赫连", "闻人", "万俟", "钟离", "拓跋",
    "百里", "东郭", "司空", "闾丘", "子车", "亓官", "司寇", "巫马", "公西", "颛孙", "壤驷",
    "公良", "漆雕", "乐正", "宰父", "谷梁", "段干", "第五",
})
SOMEONE = "某"
NOBODY_NAMED = "某人"
ID_REMOVED = "（身份证号已隐去）"
PHONE_REMOVED = "（电话已隐去）"
NUMBER_REMOVED = "（号码已隐去）"
SOMEWHERE = "某地"

# 18-digit numbers ending in a check digit or X, and the old 15-digit ones.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[-\s]?)?[2-9]\d{6,7}(?!\d)")
# Any other run of seven or more digits (a bank card, a case number read out): not ours to show.
LONG_NUMBER = re.compile(r"\d(?:[-\s]?\d){6,}")
# A street address: a road's name, its number, and perhaps building and room. The name may not
# take in the words before it (他住在香港中路12号 keeps 他住在).
ADDRESS = re.compile(
    r"[^\s\d，。、；：！？“”‘’（）()《》,.;:!?的在住于到从是了和与及向往他她我们来去]{1,10}"
    r"(?:路|街|道|巷|胡同|大道)\d+(?:-\d+)?号"
    r"(?:\d+(?:号楼|栋|幢|单元|层|室|户))*"
)


@dataclass(frozen=True)
class Terms:
    """What is to be taken out of one case's text."""

    names: tuple[str, ...] = ()
    surname: str = ""
    places: dict[str, str] = field(default_factory=dict)  # place name → its district's name
    district: str = ""  # the case's district, for addresses found by their shape


def surname_of(name: str) -> str:
    name = name.strip()
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def terms_for_names(names: Iterable[str], places: dict[str, str] | None = None,
                    district: str = "") -> Terms:
    """The names of a person file (the first is the registered name), as terms to remove."""
    names = [name.strip() for name in names if name and name.strip()]
    surname = surname_of(names[0]) if names else ""
    return Terms(tuple(names), surname, dict(places or {}), district)


def _name_variants(terms: Terms) -> list[tuple[str, str]]:
    """(what to find, what to put) for every name, longest first so 王建国 goes before 建国."""
    replacement = f"{terms.surname}{SOMEONE}" if terms.surname else NOBODY_NAMED
    variants: dict[str, str] = {}
    for name in terms.names:
        variants[name] = replacement
        surname = surname_of(name)
        given = name[len(surname):]
        if len(name) <= 4 and len(given) >= 2:
            variants.setdefault(given, SOMEONE)
    return sorted(variants.items(), key=lambda item: len(item[0]), reverse=True)


def _replace_until_gone(text: str, old: str, new: str) -> str:
    while old in text:
        replaced = text.replace(old, new)
        if replaced == text:
            break
        text = replaced
    return text


def anonymise_text(text: str, terms: Terms) -> str:
    """The text with the person's names, ID and phone numbers, and precise places taken out."""
    text = ID_NUMBER.sub(ID_REMOVED, text)
    text = MOBILE.sub(PHONE_REMOVED, text)
    text = LANDLINE.sub(PHONE_REMOVED, text)
    text = LONG_NUMBER.sub(NUMBER_REMOVED, text)
    text = ADDRESS.sub(f"{terms.district}{SOMEWHERE}", text)
    for place in sorted(terms.places, key=len, reverse=True):
        if len(place) >= 2:
            text = text.replace(place, f"{terms.places[place]}{SOMEWHERE}")
    for name, replacement in _name_variants(terms):
        if name != replacement:
            text = _replace_until_gone(text, name, replacement)
    return text


@dataclass(frozen=True)
class AnonymisedPhoto:
    data: bytes
    faces_found: int


def anonymise_photo(data: bytes) -> AnonymisedPhoto:
    """The photo upright, without metadata, every face blurred (all of it when none is found)."""
    clean, _width, _height = reencoded(data)
    with Image.open(io.BytesIO(clean)) as opened:
        image = opened.convert("RGB")
    faces = find_faces(image, [])
    if faces:
        blurred = blur_people(image, [], faces)
    else:
        blurred = image.filter(ImageFilter.GaussianBlur(max(8, max(image.size) // 30)))
    return AnonymisedPhoto(jpeg(blurred), len(faces))
