"""Chinese personal names as they are really recorded: pinyin, dialect sounds, shapes, familiar forms.

A raw name becomes a :class:`NameParts` whose string keys the comparisons intern into integers:
exact characters, toneless pinyin (with surname readings), dialect-fuzzy pinyin, look-alike shape,
swapped given-name characters, and the core of a familiar form (阿强 → qiang, 老王 → surname 王).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import zhconv
from pypinyin import Style, lazy_pinyin

from .tables.lookalike import LOOKALIKE
from .tables.surnames import (
    COMPOUND_SURNAMES,
    SURNAME_READINGS,
    SURNAME_SHARES,
    SURNAME_SUFFIXES,
    UNKNOWN_NAMES,
)

FULL = "full"
SURNAME_ONLY = "surname_only"
FAMILIAR = "familiar"
UNKNOWN = "unknown"

_HAN = re.compile(r"[\u3400-\u9fff]")
_STRIP = re.compile(r"[\s·•.\-_'()（）\[\]【】\"“”]+")

# Dialect confusions heard across China: initials first (zh before z), then finals.
_FUZZY_INITIALS: tuple[tuple[str, str], ...] = (
    ("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"), ("r", "l"),
)
_FUZZY_FINALS: tuple[tuple[str, str], ...] = (
    ("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"),
)
_KNOWN_SURNAMES: frozenset[str] = frozenset(SURNAME_SHARES) | frozenset(SURNAME_READINGS)
# Most names end in none of these, and need not be tried against every suffix.
_SUFFIX_ENDINGS: frozenset[str] = frozenset(suffix[-1] for suffix in SURNAME_SUFFIXES)


@dataclass(frozen=True, slots=True)
class NameParts:
    """A name split into surname and given name, with the keys comparisons need."""

    kind: str
    chars: str = ""
    surname: str = ""
    given: str = ""
    pinyin: str = ""
    fuzzy: str = ""
    shape: str = ""
    surname_fuzzy: str = ""
    given_fuzzy: str = ""
    swapped: str = ""
    given_first: str = ""
    given_last: str = ""
    is_latin: bool = False
    # The one character a nickname keeps (小淑 → 淑, 阿徐 → 徐), as dialect-fuzzy pinyin: it may be
    # the surname or a given-name character. 老徐 keeps none: 老 goes only with a surname.
    core: str = ""


@lru_cache(maxsize=65536)
def simplified_char(ch: str) -> str:
    """One character in simplified form (繁 → 简); zhconv's table covers names well."""
    return zhconv.convert(ch, "zh-cn")


def to_simplified(text: str) -> str:
    return "".join(simplified_char(ch) for ch in text)


@lru_cache(maxsize=65536)
def char_pinyin(ch: str) -> str:
    """Toneless pinyin of one character (ü written v); non-Han characters pass through."""
    if not _HAN.match(ch):
        return ch.lower()
    return lazy_pinyin(ch, style=Style.NORMAL, errors="default", v_to_u=False)[0]


def surname_pinyin(surname: str) -> list[str]:
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname].split()
    return [char_pinyin(ch) for ch in surname]


@lru_cache(maxsize=8192)
def fuzzy_syllable(syllable: str) -> str:
    """The syllable as a speaker with a strong accent might say it (n/l, f/h, zh/z, an/ang …)."""
    for source, target in _FUZZY_INITIALS:
        if syllable.startswith(source):
            syllable = target + syllable[len(source):]
            break
    for source, target in _FUZZY_FINALS:
        if syllable.endswith(source):
            syllable = syllable[: -len(source)] + target
            break
    return syllable


def shape_key(text: str) -> str:
    return "".join(LOOKALIKE.get(ch, ch) for ch in text)


def is_surname(text: str) -> bool:
    return text in _KNOWN_SURNAMES or text in COMPOUND_SURNAMES


def split_surname(chars: str) -> tuple[str, str]:
    if len(chars) >= 3 and chars[:2] in COMPOUND_SURNAMES:
        return chars[:2], chars[2:]
    return chars[:1], chars[1:]


@lru_cache(maxsize=65536)
def parse_name(raw: str | None) -> NameParts:
    """Classify and key a recorded name: full, surname only (王某, 老王), familiar (阿强) or unknown."""
    text = _STRIP.sub("", to_simplified((raw or "").strip()))
    if not text or text in UNKNOWN_NAMES:
        return NameParts(kind=UNKNOWN)
    if not _HAN.search(text):
        return _latin_name(raw or "")
    surname = _surname_only(text)
    if surname:
        core = surname if len(text) == 2 and text[0] in "小阿" else ""
        return _build(SURNAME_ONLY, text, surname, "", core)
    core = _familiar_core(text)
    if core:
        return _build(FAMILIAR, text, "", core, core if len(core) == 1 else "")
    if len(text) == 1:
        return _build(FAMILIAR, text, "", text, text)
    surname, given = split_surname(text)
    return _build(FULL, text, surname, given)


def _surname_only(text: str) -> str:
    if is_surname(text):
        return text
    if len(text) == 2 and text[0] in "老小阿" and is_surname(text[1]):
        return text[1]
    if text[-1] not in _SUFFIX_ENDINGS:
        return ""
    for suffix in SURNAME_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            head = text[: -len(suffix)]
            if is_surname(head):
                return head
    return ""


def _familiar_core(text: str) -> str:
    if len(text) in (2, 3) and text[0] == "阿":
        return text[1:]
    if len(text) == 2 and text[0] == "小":
        return text[1:]
    if len(text) == 2 and text[1] in "子娃儿" and not is_surname(text[0]):
        return text[:1]
    return ""


def _build(kind: str, chars: str, surname: str, given: str, core: str = "") -> NameParts:
    sur_py = surname_pinyin(surname) if surname else []
    given_py = [char_pinyin(ch) for ch in given]
    sur_fz = [fuzzy_syllable(s) for s in sur_py]
    given_fz = [fuzzy_syllable(s) for s in given_py]
    surname_fuzzy = " ".join(sur_fz)
    return NameParts(
        kind=kind,
        chars=chars,
        surname=surname,
        given=given,
        pinyin=" ".join(sur_py + given_py),
        fuzzy=" ".join(sur_fz + given_fz),
        shape=shape_key(chars),
        surname_fuzzy=surname_fuzzy,
        given_fuzzy=" ".join(given_fz),
        swapped=surname_fuzzy + "|" + " ".join(sorted(given_fz)),
        given_first=given_fz[0] if given_fz else "",
        given_last=given_fz[-1] if given_fz else "",
        core=fuzzy_syllable(char_pinyin(core)) if core else "",
    )


def _latin_name(raw: str) -> NameParts:
    """Names typed in Latin letters (pinyin or foreign): first token is taken as the surname."""
    tokens = re.findall(r"[a-z]+", raw.lower())
    if not tokens:
        return NameParts(kind=UNKNOWN)
    joined = " ".join(tokens)
    surname, given = tokens[0], tokens[1:]
    kind = FULL if given else SURNAME_ONLY
    return NameParts(
        kind=kind,
        chars=joined,
        surname=surname,
        given=" ".join(given),
        pinyin=joined,
        fuzzy=joined,
        shape=joined,
        surname_fuzzy=surname,
        given_fuzzy=" ".join(given),
        swapped=" ".join(sorted(tokens)),
        given_first=given[0] if given else "",
        given_last=given[-1] if given else "",
        is_latin=True,
    )
