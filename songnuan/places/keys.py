"""Search keys for place names: the normalised text, its full pinyin and its initials.

A caller says "台東步行街東口的地下通道附近" or types "tdbxj"; both must meet the gazetteer's
"台东步行街东口地下通道". Names and queries go through the same `normalise`, so a key is
comparable with what anybody types.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

with warnings.catch_warnings():
    # zhconv reads its table through pkg_resources, which warns on import.
    warnings.simplefilter("ignore", UserWarning)
    import zhconv

# Words that say where around a place, not which place: dropped from names and queries alike.
FILLERS = ("附近", "旁边", "边上", "门口", "这边", "那边", "这里", "那里", "一带", "周边", "周围",
           "跟前", "对面", "的")
# Words a caller puts before the place ("在…", "位于…").
LEADING_WORDS = ("位于", "就在", "在")
_FILLER_RE = re.compile("|".join(FILLERS))
# Kept: CJK ideographs, Latin letters and digits; everything else (spaces, punctuation,
# symbols) is noise in a place name.
_NOISE_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_RE = re.compile(r"[a-z]")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Half-width, lower-case, simplified, without spaces, punctuation and filler words.

    Cached: zhconv takes about a millisecond a phrase, and a surge repeats the same places."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    text = zhconv.convert(text, "zh-cn")
    text = _NOISE_RE.sub("", text)
    for word in LEADING_WORDS:
        if text.startswith(word) and len(text) > len(word):
            text = text[len(word):]
            break
    return _FILLER_RE.sub("", text)


def pinyin(normalised: str) -> str:
    """Full pinyin without tones or spaces: 台东 → "taidong"."""
    return "".join(lazy_pinyin(normalised, style=Style.NORMAL, errors="default"))


def initials(normalised: str) -> str:
    """First letter of each syllable: 台东步行街 → "tdbxj" (digits and letters kept)."""
    return "".join(lazy_pinyin(normalised, style=Style.FIRST_LETTER, errors="default"))


def is_latin(normalised: str) -> bool:
    """Typed in letters (pinyin or initials) rather than characters."""
    return bool(_LATIN_RE.search(normalised)) and not _CJK_RE.search(normalised)


@dataclass(frozen=True)
class SearchKey:
    """One name's comparable forms."""

    text: str
    pinyin: str
    initials: str

    @classmethod
    def of(cls, name: str) -> SearchKey:
        text = normalise(name)
        return cls(text, pinyin(text), initials(text))


def split_aliases(text: str) -> list[str]:
    """Aliases as typed in one field or cell: separated by semicolons, commas or 、."""
    parts = re.split(r"[;；,，、\n]", text or "")
    seen: list[str] = []
    for part in (part.strip() for part in parts):
        if part and part not in seen:
            seen.append(part)
    return seen
