"""Blocking: which stored records are worth comparing with a query record.

Several keys are tried and their candidates united, so a pair lost by one key (a mistyped name)
is still found by another (surname, sex and birth band; ID number halves; sex, province and age
band for people with no usable name; any one word of a Latin-letter name or of a place the
gazetteer cannot read, with the birth band, for records typed in another script; the house of a
home address, and its locality words and postcode with the birth band). Keys come in a *store*
form (what a record files itself under) and a *query* form (where a record looks), which lets
weak-name records look widely without every full-name record doing the same.

A found person nobody can name (or known only as 老徐, 小淑) must still reach the report: such a
record looks over an age span wide enough for an estimate ten or more years off, in the other
sex too (sex is sometimes recorded wrongly; there within its own age bands), and by what
describes them — where they were found against where the missing person was last seen, each
mark (kind and body part), and sex, age band and height. Those last two are broad: a query
takes their smallest blocks first, up to BROAD_CANDIDATES rows, so that against a large store a
nameless record compares with the most telling few thousand, not with everyone of its age.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable

import numpy as np

from .addresses import address_keys
from .marks import TEXT
from .names import FAMILIAR, FULL, SURNAME_ONLY
from .records import Prepared

NAME_BAND_YEARS = 10
DEMOGRAPHIC_BAND_YEARS = 5
BAND_SPREAD_SD = 1.5
# How far off an estimated age may be and still be looked for (staff misjudge by 10-20 years).
WIDE_SPREAD_YEARS = 15.0
HEIGHT_BAND_CM = 4
# A key whose stored block outgrows this carries too little information to be worth its pairs.
MAX_BLOCK_SIZE = 4000
# Keys describing people (a mark, sex with age and height) that many share: per query, their
# blocks are taken smallest first up to this many rows.
BROAD_KEYS = frozenset({"mark", "sex_age_height"})
BROAD_CANDIDATES = 3000
_ALL_BANDS = ("*",)

Key = tuple[str, ...]


def _bands(item: Prepared, width: int) -> tuple[str, ...]:
    birth = item.birth
    if birth is None:
        return _ALL_BANDS
    spread = BAND_SPREAD_SD * birth.sd
    low = math.floor((birth.year - spread) / width)
    high = math.floor((birth.year + spread) / width)
    return tuple(str(band) for band in range(low, high + 1))


def _query_bands(item: Prepared, width: int, wide: bool = False) -> tuple[str, ...]:
    """A record of unknown age looks in every band, and in the band of other unknown ages;
    `wide` also looks where an estimated age ten or more years off would be."""
    birth = item.birth
    if birth is None:
        return tuple(str(b) for b in range(1880 // width, 2030 // width + 1)) + _ALL_BANDS
    if wide and not birth.is_precise:
        spread = max(BAND_SPREAD_SD * birth.sd, WIDE_SPREAD_YEARS)
        low = math.floor((birth.year - spread) / width)
        high = math.floor((birth.year + spread) / width)
        return (*(str(band) for band in range(low, high + 1)), *_ALL_BANDS)
    return (*_bands(item, width), *_ALL_BANDS)


def _is_weak(item: Prepared) -> bool:
    return item.name.kind != FULL


def store_keys(item: Prepared) -> set[Key]:
    keys: set[Key] = set()
    name, sex = item.name, item.sex or "?"
    bands = _bands(item, NAME_BAND_YEARS)
    if name.kind == FULL:
        keys |= {("name", name.fuzzy), ("shape", name.shape), ("swap", name.swapped)}
        if len(name.given_fuzzy.split()) >= 2:
            keys.add(("given", name.given_fuzzy, sex))
            keys |= {("sg", name.surname_fuzzy, name.given_first, "1"),
                     ("sg", name.surname_fuzzy, name.given_last, "2")}
        for syllable in {name.given_first, name.given_last}:
            keys |= {("nick_full", syllable, sex, band) for band in bands}
        keys |= {("surname_full", name.surname_fuzzy, sex, band) for band in bands}
        keys.add(("given_as_full", name.given_fuzzy))
        if name.is_latin:
            keys |= {("latin_surname", name.surname_fuzzy), ("latin_given", name.given_fuzzy)}
    elif name.kind == FAMILIAR:
        keys |= {("nick_core", name.given_fuzzy, sex, band) for band in bands}
    elif name.kind == SURNAME_ONLY:
        keys |= {("surname_only", name.surname_fuzzy, sex, band) for band in bands}
    keys |= _id_keys(item)
    keys |= _word_keys(item, bands)
    prefix = "demo_weak" if _is_weak(item) else "demo_full"
    province = item.place.province or "?"
    demo_bands = _bands(item, DEMOGRAPHIC_BAND_YEARS)
    keys |= {(prefix, sex, province, band) for band in demo_bands}
    keys |= _description_keys(item, bands, store=True)
    keys |= _height_keys(item, (sex,), demo_bands, 0)
    return keys


def _height_keys(item: Prepared, sexes: tuple[str, ...], bands: tuple[str, ...], spread: int
                 ) -> set[Key]:
    height = item.record.height_cm
    if not height:
        return set()
    middle = int(height // HEIGHT_BAND_CM)
    return {("sex_age_height", s, band, h) for s in sexes for band in bands
            for h in range(middle - spread, middle + spread + 1)}


def _description_keys(item: Prepared, bands: tuple[str, ...], store: bool) -> set[Key]:
    """Where someone was found or last seen, and each distinguishing mark, within age bands."""
    keys: set[Key] = set()
    seen = item.seen
    if seen.county:
        keys.add(("seen_county", seen.county))
    if seen.city:
        keys |= {("seen_city", seen.city, band) for band in bands}
    for mark in item.marks:
        if mark.kind != TEXT:
            # Filed under the kind alone as well: the other record may not name the body part.
            parts = {mark.part, ""} if store else {mark.part}
            keys |= {("mark", mark.kind, part, band) for part in parts for band in bands}
    return keys


def _sex_bands(item: Prepared, width: int) -> set[tuple[str, str]]:
    """(sex, birth band) pairs a record looks in. A full name: its own sex (and unknown) in its
    bands. A weak name: its own sex over the wide span an estimate far off needs, and the other
    sex (recorded wrongly) in its own bands; a record of unknown sex looks everywhere."""
    sex = item.sex or "?"
    sexes = (sex, "?") if sex != "?" else ("M", "F", "?")
    if not _is_weak(item):
        return {(s, band) for s in sexes for band in _query_bands(item, width)}
    wide = _query_bands(item, width, wide=True)
    if sex == "?":
        return {(s, band) for s in sexes for band in wide}
    other = "F" if sex == "M" else "M"
    return ({(s, band) for s in (sex, "?") for band in wide}
            | {(other, band) for band in _query_bands(item, width)})


def query_keys(item: Prepared) -> set[Key]:
    keys: set[Key] = set()
    name, sex = item.name, item.sex or "?"
    weak = _is_weak(item)
    sexes = (sex, "?") if sex != "?" else ("M", "F", "?")
    sex_bands = _sex_bands(item, NAME_BAND_YEARS)
    bands = _query_bands(item, NAME_BAND_YEARS, wide=weak)
    if name.kind == FULL:
        keys |= {("name", name.fuzzy), ("shape", name.shape), ("swap", name.swapped),
                 ("given_as_full", name.fuzzy)}
        keys.add(("name", name.given_fuzzy))
        if len(name.given_fuzzy.split()) >= 2:
            keys |= {("given", name.given_fuzzy, s) for s in sexes}
            keys |= {("sg", name.surname_fuzzy, name.given_first, "1"),
                     ("sg", name.surname_fuzzy, name.given_last, "2")}
        for syllable in {name.given_first, name.given_last}:
            keys |= {("nick_core", syllable, s, band) for s, band in sex_bands}
        keys |= {("surname_only", name.surname_fuzzy, s, band) for s, band in sex_bands}
        if name.is_latin:
            keys |= {("latin_surname", name.surname_fuzzy), ("latin_given", name.given_fuzzy)}
    elif name.kind == FAMILIAR:
        for prefix in ("nick_core", "nick_full"):
            keys |= {(prefix, name.given_fuzzy, s, band) for s, band in sex_bands}
    elif name.kind == SURNAME_ONLY:
        for prefix in ("surname_only", "surname_full"):
            keys |= {(prefix, name.surname_fuzzy, s, band) for s, band in sex_bands}
    if name.core:
        # 小林, 阿徐: the kept character may be the surname or a given-name character.
        for prefix in ("nick_core", "nick_full", "surname_only", "surname_full"):
            keys |= {(prefix, name.core, s, band) for s, band in sex_bands}
    keys |= _id_keys(item)
    keys |= _word_keys(item, bands)
    if weak:
        keys |= _description_keys(item, bands, store=False)
        # Sex, age and height are too common to search widely: the record's own sex and bands.
        keys |= _height_keys(item, (sex,) if sex != "?" else ("M", "F"),
                             _query_bands(item, DEMOGRAPHIC_BAND_YEARS), 1)
    # Someone found without a native place may still have been heard speaking with an accent.
    provinces = ((item.place.province,) if item.place.province else tuple(item.accent)) or None
    provinces = (*provinces, "?") if provinces else None
    prefixes = ("demo_weak", "demo_full") if weak else ("demo_weak",)
    if provinces is not None or weak:
        demo_sex_bands = _sex_bands(item, DEMOGRAPHIC_BAND_YEARS)
        for prefix in prefixes:
            for province in provinces or ("?",):
                keys |= {(prefix, s, province, band) for s, band in demo_sex_bands}
    return keys


def _word_keys(item: Prepared, bands: tuple[str, ...]) -> set[Key]:
    """Single words of a Latin-letter name and of an unreadable place: two typos in a name, or
    its parts swapped, still leave one word intact. A name word is filed with and without the
    birth band (a common word whose block outgrows the limit is still found within its band);
    a place word, far less telling, only with it."""
    keys: set[Key] = set()
    if item.name.is_latin:
        words = item.name.chars.split()
        keys |= {("latin_word", word) for word in words}
        keys |= {("latin_word", word, band) for word in words for band in bands}
    if not item.place.province:
        keys |= {("place_word", word, band) for word in item.place.text.split() for band in bands}
    return keys | address_keys(item.address, bands)


def _id_keys(item: Prepared) -> set[Key]:
    number = item.id_number
    if number is None or len(number.text) < 6:
        return set()
    text = number.text
    half = len(text) // 2
    keys: set[Key] = {("id_head", text[:half]), ("id_tail", text[half:])}
    if number.is_resident_id:
        keys.add(("id_14", text[:14]))
    return keys


class Blocks:
    """Stored records filed under their keys; answers candidate rows for a query record.

    Keys are kept as their hashes and rows as compact arrays: an index of a million people
    files some twenty million entries.
    """

    def __init__(self, max_block_size: int = MAX_BLOCK_SIZE) -> None:
        self.max_block_size = max_block_size
        self.rows: dict[int, array] = {}

    def add(self, row: int, item: Prepared) -> None:
        rows = self.rows
        for key in store_keys(item):
            filed = hash(key)
            block = rows.get(filed)
            if block is None:
                rows[filed] = array("q", (row,))
            else:
                block.append(row)

    def add_all(self, items: Iterable[Prepared], start: int = 0) -> None:
        for offset, item in enumerate(items):
            self.add(start + offset, item)

    def remove(self, row: int, item: Prepared) -> None:
        for key in store_keys(item):
            block = self.rows.get(hash(key))
            if block is not None and row in block:
                block.remove(row)
                if not block:
                    del self.rows[hash(key)]

    def candidates(self, item: Prepared) -> np.ndarray:
        """Distinct stored rows sharing at least one informative key with the query."""
        found = []
        broad = []
        for key in query_keys(item):
            block = self.rows.get(hash(key))
            if block and len(block) <= self.max_block_size:
                (broad if key[0] in BROAD_KEYS else found).append(block)
        budget = BROAD_CANDIDATES
        for block in sorted(broad, key=len):
            if len(block) > budget:
                break
            found.append(block)
            budget -= len(block)
        return _distinct_sorted([np.frombuffer(block, dtype=np.int64) for block in found])


def _distinct_sorted(blocks: list[np.ndarray]) -> np.ndarray:
    """The rows in any of the blocks, each once, ascending (a copy: blocks stay as they are).

    Sorting and dropping repeats is many times faster than np.unique on arrays this small.
    """
    if not blocks:
        return np.zeros(0, dtype=np.int64)
    rows = np.concatenate(blocks)
    rows.sort()
    keep = np.empty(len(rows), dtype=bool)
    keep[0] = True
    np.not_equal(rows[1:], rows[:-1], out=keep[1:])
    return rows[keep]
