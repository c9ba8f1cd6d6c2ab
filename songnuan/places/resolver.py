"""Place resolution: from what a caller or reporter typed to places a squad can drive to.

`resolve(text)` ranks the gazetteer and every registered name source (relief sites, hotspots)
by how well a name or alias matches: exactly, by containment, with typos (rapidfuzz), in pinyin
or by initials. `is_confident(matches)` says when the best one may be taken without asking.
The rows are cached per process (a few thousand at most) and dropped when a place, site or
hotspot is saved or deleted, so intake pays no query for them.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from songnuan.geo.distance import haversine_m
from songnuan.places import sources
from songnuan.places.keys import SearchKey, is_latin, normalise
from songnuan.places.models import Place, PlaceKind

DEFAULT_LIMIT = 5
# The best match is taken without asking only above this score and this far ahead of the
# next distinct place; below, a person chooses.
CONFIDENT_SCORE = 0.85
CONFIDENT_MARGIN = 0.1
# Matches nearer than this are the same place for a squad (a site in a square, the square).
SAME_PLACE_M = 300.0
# Scores by how a name matched (1.0 is the exact name or alias).
PINYIN_EXACT = 0.95
INITIALS_EXACT = 0.9
CHARACTER_TYPO_WEIGHT = 0.95
PINYIN_TYPO_WEIGHT = 0.9
TYPO_FLOOR = 0.6  # below this a fuzzy score is noise
MIN_SCORE = 0.5
CACHE_S = 300  # other server processes see an edit within this time


@dataclass(frozen=True)
class PlaceMatch:
    """A candidate place for a text: WGS-84 point, district, how well it matched (0..1)."""

    name: str
    kind: str
    lat: float
    lon: float
    district_id: int | None
    score: float
    source: str  # "gazetteer", "site", "hotspot", "geocoder"
    key: str  # the candidate's identity within its source, e.g. "gazetteer:12"


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    lat: float
    lon: float
    district_id: int | None
    source: str
    key: str
    search: tuple[SearchKey, ...]


class KeyIndex:
    """One form of every key (text, pinyin or initials), to find in C speed the keys equal to,
    containing, or contained in what was typed, instead of testing every key in Python."""

    SEPARATOR = "\x00"

    def __init__(self, forms: list[str]) -> None:
        self.positions: dict[str, list[int]] = {}
        for index, form in enumerate(forms):
            self.positions.setdefault(form, []).append(index)
        self.longest = max((len(form) for form in forms), default=0)
        self.blob = self.SEPARATOR + self.SEPARATOR.join(forms) + self.SEPARATOR
        self.starts: list[int] = []
        offset = 1
        for form in forms:
            self.starts.append(offset)
            offset += len(form) + 1

    def related(self, typed: str, min_part: int) -> set[int]:
        """Keys equal to `typed`, containing it, or contained in it (at least min_part long)."""
        found = set(self.positions.get(typed, ()))
        if len(typed) >= min_part:
            at = self.blob.find(typed)
            while at != -1:
                found.add(bisect_right(self.starts, at) - 1)
                at = self.blob.find(typed, at + 1)
        for size in range(min_part, min(len(typed), self.longest + 1)):
            for start in range(len(typed) - size + 1):
                found.update(self.positions.get(typed[start:start + size], ()))
        return found


class Gazetteer:
    """Entries with their search keys laid out flat, so a query scores them all at once."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = [entry for entry in entries if any(key.text for key in entry.search)]
        self.owner: list[int] = []
        self.keys: list[SearchKey] = []
        for number, entry in enumerate(self.entries):
            for key in entry.search:
                if key.text:
                    self.owner.append(number)
                    self.keys.append(key)
        self.texts = [key.text for key in self.keys]
        self.pinyins = [key.pinyin for key in self.keys]
        self.by_text = KeyIndex(self.texts)
        self.by_pinyin = KeyIndex(self.pinyins)
        self.by_initials = KeyIndex([key.initials for key in self.keys])

    def _candidates(self, query: SearchKey, latin: bool, typo: np.ndarray) -> set[int]:
        found = {int(index) for index in np.flatnonzero(typo)}
        if latin:
            found |= self.by_pinyin.related(query.text, 2)
            found |= self.by_initials.related(query.text, 3)
        found |= self.by_text.related(query.text, 2)
        found.update(self.by_pinyin.positions.get(query.pinyin, ()))
        return found

    def rank(self, text: str, *, district_id: int | None = None,
             limit: int = DEFAULT_LIMIT) -> list[PlaceMatch]:
        query = SearchKey.of(text)
        if not query.text or not self.keys:
            return []
        latin = is_latin(query.text)
        typo = _typo_scores(query, latin, self.texts, self.pinyins)
        best: dict[int, float] = {}
        for index in self._candidates(query, latin, typo):
            entry = self.entries[self.owner[index]]
            if district_id is not None and entry.district_id != district_id:
                continue
            score = max(_exact_score(query, latin, self.keys[index]), float(typo[index]))
            if score >= MIN_SCORE and score > best.get(self.owner[index], 0.0):
                best[self.owner[index]] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], self.entries[item[0]].name))
        matches: list[PlaceMatch] = []
        for number, score in ranked:
            entry = self.entries[number]
            if any(_same_place(entry, kept) and normalise(kept.name) == entry.search[0].text
                   for kept in matches):
                continue
            matches.append(PlaceMatch(entry.name, entry.kind, entry.lat, entry.lon,
                                      entry.district_id, round(score, 3), entry.source,
                                      entry.key))
            if len(matches) >= limit:
                break
        return matches


def _typo_scores(query: SearchKey, latin: bool, texts: list[str],
                 pinyins: list[str]) -> np.ndarray:
    if latin:
        scores = cdist([query.text], pinyins, scorer=fuzz.ratio)[0] / 100 * PINYIN_TYPO_WEIGHT
    else:
        by_character = cdist([query.text], texts, scorer=fuzz.ratio)[0] / 100
        by_sound = cdist([query.pinyin], pinyins, scorer=fuzz.ratio)[0] / 100
        scores = np.maximum(by_character * CHARACTER_TYPO_WEIGHT, by_sound * PINYIN_TYPO_WEIGHT)
    return np.where(scores >= TYPO_FLOOR, scores, 0.0)


def _exact_score(query: SearchKey, latin: bool, key: SearchKey) -> float:
    if query.text == key.text:
        return 1.0
    if latin:
        return max(_overlap(query.text, key.pinyin, PINYIN_EXACT),
                   _overlap(query.text, key.initials, INITIALS_EXACT, min_part=3))
    score = _overlap(query.text, key.text, 1.0)
    if query.pinyin == key.pinyin:  # a homophone typed for a character: 通到 for 通道
        score = max(score, PINYIN_EXACT)
    return score


def _overlap(typed: str, name: str, exact: float, min_part: int = 2) -> float:
    """Exact, a prefix of the name, a part of the name, or the name inside a longer phrase;
    the more of the longer text the shorter covers, the higher."""
    if typed == name:
        return exact
    if not typed or not name:
        return 0.0
    if len(typed) < len(name) and len(typed) >= min_part and typed in name:
        cover = len(typed) / len(name)
        return (0.70 if name.startswith(typed) else 0.65) + 0.25 * cover
    if len(name) < len(typed) and len(name) >= min_part and name in typed:
        return 0.55 + 0.35 * len(name) / len(typed)
    return 0.0


def _same_place(entry: Entry, match: PlaceMatch) -> bool:
    return haversine_m(entry.lat, entry.lon, match.lat, match.lon) <= SAME_PLACE_M


def is_confident(matches: list[PlaceMatch]) -> bool:
    """May the best match be taken without a person choosing? Only when it scores high and
    the next place elsewhere (farther than SAME_PLACE_M) trails it clearly."""
    if not matches or matches[0].score < CONFIDENT_SCORE:
        return False
    top = matches[0]
    for other in matches[1:]:
        if haversine_m(top.lat, top.lon, other.lat, other.lon) > SAME_PLACE_M:
            return top.score - other.score >= CONFIDENT_MARGIN
    return True


# ---------------------------------------------------------------------------------------------
# The per-process cache of the gazetteer and the registered sources


_cache: dict[str, tuple[float, Gazetteer]] = {}


def forget(**kwargs) -> None:
    """Drop the cached rows (connected to Place's and every source's save and delete)."""
    _cache.clear()


sources.on_change(forget)


def gazetteer() -> Gazetteer:
    cached = _cache.get("all")
    if cached is not None and time.monotonic() - cached[0] < CACHE_S:
        return cached[1]
    built = Gazetteer([*_place_entries(), *_source_entries()])
    _cache["all"] = (time.monotonic(), built)
    return built


def _place_entries() -> Iterable[Entry]:
    for place in Place.objects.active().only(
            "pk", "name", "kind", "lat", "lon", "district_id", "search_text", "search_pinyin",
            "search_initials"):
        yield Entry(place.name, place.kind, place.lat, place.lon, place.district_id,
                    "gazetteer", f"gazetteer:{place.pk}", tuple(place.search_keys()))


def _source_entries() -> Iterable[Entry]:
    kinds = set(PlaceKind.values)
    for source in sources.registered():
        for row in source.rows():
            kind = getattr(row, "place_type", PlaceKind.OTHER)
            yield Entry(row.name, kind if kind in kinds else PlaceKind.OTHER, row.lat, row.lon,
                        row.district_id, source.source, f"{source.source}:{row.pk}",
                        (SearchKey.of(row.name),))


def resolve(text: str, *, district_id: int | None = None,
            limit: int = DEFAULT_LIMIT) -> list[PlaceMatch]:
    """The best candidates for a typed place, best first (at most `limit`)."""
    return gazetteer().rank(text or "", district_id=district_id, limit=limit)

