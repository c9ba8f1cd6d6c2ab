"""Home addresses (住址): a street line, a locality and a postcode, and how two of them agree.

A typed address is read once into an :class:`Address`: the house number (the first run of digits
in the street line), the rest of that line, the locality (suburb, town, 乡镇, 村) and the
postcode, each normalised (full-width → half-width, lower case, traditional → simplified,
punctuation dropped, Chinese words cut after 路/街/村 …). Three comparisons use them, each with
exact, typo-like and shared-word levels that EM weighs like any other field's; a part missing on
either side adds no evidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import zhconv
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from .places import is_division_name

if TYPE_CHECKING:
    from .comparisons import Comparison
    from .frame import Frame
    from .records import Prepared

NULL = -1
SIMILAR_MIN = 0.9
POSTCODE_MAX_LENGTH = 10
_PUNCTUATION = re.compile(r"[^\w]+|_")
# A Chinese address is one run of characters; a word ends at a street, village or number suffix.
_CHINESE_WORD_END = re.compile(r"([省市县区路街巷弄道村镇乡屯庄号栋楼室组])(?=[\u3400-\u9fff])")
_DIGITS = re.compile(r"\d+")
# Words that say what kind of street or dwelling it is, not which one.
GENERIC_WORDS = frozenset({
    "street", "st", "road", "rd", "avenue", "ave", "av", "place", "pl", "crescent", "cres",
    "circuit", "cct", "drive", "dr", "court", "ct", "lane", "ln", "close", "cl", "way", "parade",
    "pde", "terrace", "tce", "highway", "hwy", "boulevard", "blvd", "grove", "gr", "square", "sq",
    "parkway", "walk", "mews", "row", "esplanade", "circle", "loop", "track", "the", "of",
    "unit", "flat", "apartment", "apt", "house", "building", "block", "level", "floor", "no",
    "north", "south", "east", "west", "upper", "lower",
    "号", "路", "街", "巷", "弄", "道", "村", "镇", "乡", "组", "栋", "楼", "室", "单元", "小区",
})


@dataclass(frozen=True, slots=True)
class Address:
    """A normalised address; any part may be empty."""

    line: str = ""
    number: str = ""
    street: str = ""
    locality: str = ""
    postcode: str = ""
    street_words: frozenset[str] = frozenset()
    locality_words: frozenset[str] = frozenset()

    @property
    def is_known(self) -> bool:
        return bool(self.line or self.locality or self.postcode)


EMPTY = Address()


@lru_cache(maxsize=65536)
def normalise(text: str | None) -> str:
    """Lower-case simplified text, words separated by one space, punctuation gone."""
    if not text:
        return ""
    text = zhconv.convert(unicodedata.normalize("NFKC", str(text)).lower(), "zh-cn")
    text = _CHINESE_WORD_END.sub(r"\1 ", _PUNCTUATION.sub(" ", text))
    return " ".join(_DIGITS.sub(r" \g<0> ", text).split())


def distinctive_words(text: str) -> frozenset[str]:
    """Words that name this street or place: not numbers, not 'street' or 路 on their own."""
    return frozenset(w for w in text.split()
                     if len(w) >= 2 and not w.isdigit() and w not in GENERIC_WORDS)


def normalise_postcode(text: str | None) -> str:
    return "".join(ch for ch in normalise(text) if ch.isalnum())


@lru_cache(maxsize=65536)
def parse_address(line: str | None = "", locality: str | None = "",
                  postcode: str | None = "") -> Address:
    """Read a street line ("8 Stanley Street", "建设路12号"), a locality and a postcode."""
    text = normalise(line)
    number = _DIGITS.search(text)
    street = text
    if number:
        street = text[: number.start()] + text[number.end():]
    # Division names (河南省 周口市) say where the street is, not which: that is the locality's part.
    street = " ".join(w for w in street.split() if not is_division_name(w))
    place = normalise(locality)
    return Address(line=text, number=number.group() if number else "", street=street,
                   locality=place, postcode=normalise_postcode(postcode),
                   street_words=distinctive_words(street), locality_words=distinctive_words(place))


def address_keys(address: Address, bands: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Blocking keys: the house (postcode and number) alone, and each locality word and the
    postcode within a birth band (a locality is shared by too many people to stand alone)."""
    keys: set[tuple[str, ...]] = set()
    if address.postcode and address.number:
        keys.add(("house", address.postcode, address.number))
    words = address.locality_words | ({address.postcode} if address.postcode else set())
    keys |= {("address_word", word, band) for word in words for band in bands}
    return keys


# --- comparisons over arrays of pairs ------------------------------------------------------------
def _addresses(frame: Frame, rows: np.ndarray) -> list[Address]:
    prepared = frame.prepared
    return [prepared[row].address for row in rows.tolist()]


def _similar(left: list[str], right: list[str]) -> np.ndarray:
    scores = process.cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=1)
    return scores >= SIMILAR_MIN


def _share_a_word(left: list[frozenset[str]], right: list[frozenset[str]]) -> np.ndarray:
    disjoint = np.fromiter(map(frozenset.isdisjoint, left, right), dtype=bool, count=len(left))
    return ~disjoint


def _exact_or_rest(ha: np.ndarray, hb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levels with exact pairs at 0 and missing ones NULL, and the rows known on both sides
    that still need comparing."""
    levels = np.full(len(ha), NULL, dtype=np.int8)
    known = (ha != 0) & (hb != 0)
    levels[known & (ha == hb)] = 0
    return levels, np.flatnonzero(known & (ha != hb))


def street_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """exact, similar (same number or one unknown), same_street (other number), shared_word,
    different."""
    la, lb = a.addr_line[i], b.addr_line[j]
    levels, rest = _exact_or_rest(la, lb)
    if len(rest):
        left, right = _addresses(a, i[rest]), _addresses(b, j[rest])
        # Two lines that are only house numbers name no street to be similar on.
        streets = (a.addr_street[i[rest]] != 0) & (b.addr_street[j[rest]] != 0)
        similar = streets & _similar([x.street for x in left], [y.street for y in right])
        na, nb = a.addr_number[i[rest]], b.addr_number[j[rest]]
        same_number = (na == nb) | (na == 0) | (nb == 0)
        shared = _share_a_word([x.street_words for x in left], [y.street_words for y in right])
        levels[rest] = np.select([similar & same_number, similar, shared], [1, 2, 3], default=4)
    return levels


def locality_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """exact, similar, shared_word, different."""
    la, lb = a.locality[i], b.locality[j]
    levels, rest = _exact_or_rest(la, lb)
    if len(rest):
        left, right = _addresses(a, i[rest]), _addresses(b, j[rest])
        similar = _similar([x.locality for x in left], [y.locality for y in right])
        shared = _share_a_word([x.locality_words for x in left],
                               [y.locality_words for y in right])
        levels[rest] = np.select([similar, shared], [1, 2], default=3)
    return levels


def postcode_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """exact, one_char (one character mistyped, added or dropped), transposed (two neighbouring
    characters swapped), different."""
    pa, pb = a.postcode[i], b.postcode[j]
    levels, rest = _exact_or_rest(pa, pb)
    if len(rest):
        left = [x.postcode for x in _addresses(a, i[rest])]
        right = [y.postcode for y in _addresses(b, j[rest])]
        # One edit when swapping neighbours counts as one; a swap is two edits without that.
        one_edit = np.flatnonzero(process.cpdist(left, right, scorer=OSA.distance, workers=1) == 1)
        swapped = process.cpdist([left[n] for n in one_edit], [right[n] for n in one_edit],
                                 scorer=Levenshtein.distance, workers=1) == 2
        levels[rest] = 3
        levels[rest[one_edit]] = np.where(swapped, 2, 1)
    return levels


def describe_street(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    return f"{c.level_labels[level]} {a.address.line}/{b.address.line}"


def describe_locality(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    return f"{c.level_labels[level]} {a.address.locality}/{b.address.locality}"


def describe_postcode(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    return f"{c.level_labels[level]} {a.address.postcode}/{b.address.postcode}"
