"""Distinguishing marks (体貌特征) read from free text into comparable tokens.

"左手缺小指；右脸有刀疤" becomes ``{("missing_finger", "hand", "L"), ("scar", "face", "R")}``.
Phrases naming no known mark are kept as ``("text", phrase, "")`` so exact free text still counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .names import to_simplified
from .tables.marks import BODY_PARTS, IMPLIED_PARTS, MARK_KINDS, SEPARATORS, SPECIFIC_KINDS

TEXT = "text"

_SPLIT = re.compile("[" + re.escape(SEPARATORS) + "]+")
_KINDS = sorted(((syn, kind) for kind, syns in MARK_KINDS.items() for syn in syns),
                key=lambda pair: -len(pair[0]))
_PARTS = sorted(((syn, part) for part, syns in BODY_PARTS.items() for syn in syns),
                key=lambda pair: -len(pair[0]))


@dataclass(frozen=True, slots=True, order=True)
class Mark:
    kind: str
    part: str = ""
    side: str = ""

    @property
    def is_specific(self) -> bool:
        return self.kind in SPECIFIC_KINDS or self.kind == TEXT

    def agrees_with(self, other: Mark) -> bool:
        return (self.kind == other.kind and _same_or_unknown(self.part, other.part)
                and _same_or_unknown(self.side, other.side))

    def conflicts_with(self, other: Mark) -> bool:
        """Same mark in the same place but on the other side of the body."""
        return (self.kind == other.kind and self.part == other.part and bool(self.side)
                and bool(other.side) and self.side != other.side)

    def label(self) -> str:
        """In the words officers use, e.g. 右面部黑痣 (the codes are for matching only)."""
        if self.kind == TEXT:
            return self.part
        side = {"L": "左", "R": "右"}.get(self.side, "")
        part = BODY_PARTS[self.part][0] if self.part in BODY_PARTS else self.part
        return f"{side}{part}{MARK_KINDS[self.kind][0]}"


def _tells(m: Mark, n: Mark) -> bool:
    """m agrees with n closely enough to tell people apart: a rare kind of mark, or the same
    kind on the same body part named on both sides (左手疤痕 ~ 左手背伤疤, not 疤 ~ 手上有疤)."""
    return m.agrees_with(n) and (m.is_specific or (bool(m.part) and m.part == n.part))


def _same_or_unknown(a: str, b: str) -> bool:
    return not a or not b or a == b


def parse_marks(features: tuple[str, ...] | list[str] | str | None) -> frozenset[Mark]:
    if not features:
        return frozenset()
    if isinstance(features, str):
        features = (features,)
    marks: set[Mark] = set()
    for phrase in features:
        marks.update(_parse_phrase(phrase))
    return frozenset(marks)


@lru_cache(maxsize=65536)
def _parse_phrase(phrase: str) -> frozenset[Mark]:
    marks: set[Mark] = set()
    for piece in _SPLIT.split(to_simplified(phrase.strip())):
        if not piece:
            continue
        kind = next((k for syn, k in _KINDS if syn in piece), "")
        if not kind:
            marks.add(Mark(TEXT, piece.lower()))
            continue
        part = next((p for syn, p in _PARTS if syn in piece), "")
        if IMPLIED_PARTS.get(kind) == part:
            part = ""
        side = "L" if "左" in piece else "R" if "右" in piece else ""
        marks.add(Mark(kind, part, side))
    return frozenset(marks)


def compare_marks(a: frozenset[Mark], b: frozenset[Mark]) -> tuple[str, list[Mark]]:
    """Outcome code and the marks behind it: specific, shared, conflict or none_shared."""
    shared = [m for m in a if any(m.agrees_with(n) for n in b)]
    telling = [m for m in shared if any(_tells(m, n) for n in b)]
    if telling:
        return "specific", telling
    if shared:
        return "shared", shared
    conflicts = [m for m in a if any(m.conflicts_with(n) for n in b)]
    if conflicts:
        return "conflict", conflicts
    return "none_shared", []
