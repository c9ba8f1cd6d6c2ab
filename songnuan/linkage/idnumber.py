"""Resident identity numbers (GB 11643-1999): check digit, typos, and what the number says.

An 18-character number is six digits of GB/T 2260 region, eight of birth date, three of sequence
(odd for men) and an ISO 7064 MOD 11-2 check character. The region and birth date are evidence even
when the number itself is mistyped.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
_SPACING = re.compile(r"[\s\-]")


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A normalised identity number and what can be read from it."""

    text: str
    is_resident_id: bool
    has_valid_check: bool
    region: str = ""
    birth: dt.date | None = None
    sex: str = ""


def check_char(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError(f"{first17!r} is not 17 characters")
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK[total % 11]


def with_check(first17: str) -> str:
    """A first-17 string completed with its correct check character."""
    return first17 + check_char(first17)


def normalise(raw: str | None) -> str:
    return _SPACING.sub("", raw or "").upper()


def parse_id(raw: str | None) -> IdNumber | None:
    """Read an identity number; other identifiers (passport, foreign IDs) are kept as plain text."""
    text = normalise(raw)
    if not text:
        return None
    if not _SHAPE.match(text):
        return IdNumber(text=text, is_resident_id=False, has_valid_check=False)
    birth = _birth_date(text[6:14])
    sex = ("M" if int(text[16]) % 2 else "F") if birth else ""
    return IdNumber(
        text=text,
        is_resident_id=True,
        has_valid_check=check_char(text[:17]) == text[17],
        region=text[:6],
        birth=birth,
        sex=sex,
    )


def _birth_date(digits: str) -> dt.date | None:
    try:
        birth = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return birth if 1880 <= birth.year <= dt.date.today().year else None


def differs_by_one_digit(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def is_adjacent_swap(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] \
        and a[diffs[1]] == b[diffs[0]]
