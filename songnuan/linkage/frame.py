"""Columnar storage of prepared records so comparisons run over arrays of pairs at once.

Strings become 64-bit hashes (equality is all the comparisons ask of them); a :class:`Frame` grows
in place so the interactive :class:`~songnuan.linkage.index.Index` can add records cheaply.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from .marks import Mark
from .names import FAMILIAR, FULL, SURNAME_ONLY
from .records import FOUND, MISSING, Prepared

FACE_DIM = 128
ID_WIDTH = 20
NAME_KINDS = {FULL: 1, SURNAME_ONLY: 2, FAMILIAR: 3}
SEXES = {"M": 1, "F": 2}
RECORD_KINDS = {FOUND: 1, MISSING: 2}

_HASHED = ("n_chars", "n_pinyin", "n_fuzzy", "n_shape", "n_swapped", "n_surname", "n_given",
           "n_gfirst", "n_glast", "n_core", "id_full", "id_14", "place_text", "addr_line", "addr_number",
           "addr_street", "locality", "postcode")
_COLUMNS: dict[str, tuple[np.dtype, object]] = {
    **{name: (np.dtype(np.int64), 0) for name in _HASHED},
    "n_kind": (np.dtype(np.int8), 0),
    "n_latin": (np.dtype(bool), False),
    "tf_name": (np.dtype(np.float64), np.nan),
    "tf_surname": (np.dtype(np.float64), np.nan),
    "sex": (np.dtype(np.int8), 0),
    "by_year": (np.dtype(np.float64), np.nan),
    "by_sd": (np.dtype(np.float64), np.nan),
    "height": (np.dtype(np.float64), np.nan),
    "id_len": (np.dtype(np.int8), 0),
    "marks": (np.dtype(np.int32), 0),
    "province": (np.dtype(np.int32), 0),
    "city": (np.dtype(np.int32), 0),
    "county": (np.dtype(np.int32), 0),
    "seen_province": (np.dtype(np.int32), 0),
    "seen_city": (np.dtype(np.int32), 0),
    "seen_county": (np.dtype(np.int32), 0),
    "accent": (np.dtype(np.int64), 0),
    "province_bit": (np.dtype(np.int64), 0),
    "kind": (np.dtype(np.int8), 0),
    "recorded": (np.dtype(np.int32), -1),
    "missing_since": (np.dtype(np.int32), -1),
    "birth_day": (np.dtype(np.int32), -1),
    "has_face": (np.dtype(bool), False),
    "alive": (np.dtype(bool), False),
}

# Every distinct set of marks seen gets a small number (0: no marks), so the marks comparison
# can work on the few distinct pairs of sets rather than on every pair of records.
MARK_SETS: list[frozenset[Mark]] = [frozenset()]
_MARK_IDS: dict[frozenset[Mark], int] = {frozenset(): 0}
_MARK_LOCK = threading.Lock()


def mark_set_id(marks: frozenset[Mark]) -> int:
    found = _MARK_IDS.get(marks)
    if found is not None:
        return found
    with _MARK_LOCK:
        if marks not in _MARK_IDS:
            _MARK_IDS[marks] = len(MARK_SETS)
            MARK_SETS.append(marks)
        return _MARK_IDS[marks]


def key_hash(text: str) -> int:
    return hash(text) if text else 0


def province_bit(code: str) -> int:
    """Province codes 11…82 folded into one bit each of an int64 mask."""
    return 1 << (int(code) - 11) % 63 if code else 0


class Frame:
    """Prepared records as columns; rows are addressed by position."""

    def __init__(self, capacity: int = 16) -> None:
        capacity = max(capacity, 1)
        self.size = 0
        self.columns: dict[str, np.ndarray] = {
            name: np.full(capacity, fill, dtype=dtype) for name, (dtype, fill) in _COLUMNS.items()
        }
        self.id_digits = np.zeros((capacity, ID_WIDTH), dtype=np.uint8)
        self.faces = np.zeros((capacity, FACE_DIM), dtype=np.float32)
        self.fuzzy_names = np.empty(capacity, dtype=object)
        self.place_texts = np.empty(capacity, dtype=object)
        self.prepared: list[Prepared] = []

    def __len__(self) -> int:
        return self.size

    def record_ids(self) -> list[str]:
        return [item.record.record_id for item in self.prepared]

    def __getattr__(self, name: str) -> np.ndarray:
        columns = self.__dict__.get("columns")
        if columns is not None and name in columns:
            return columns[name][: self.size]
        raise AttributeError(name)

    @classmethod
    def build(cls, prepared: Iterable[Prepared], frequencies: TermFrequencies | None = None
              ) -> Frame:
        items = list(prepared)
        frame = cls(len(items))
        frame.extend(items, frequencies)
        return frame

    def extend(self, items: list[Prepared], frequencies: TermFrequencies | None = None) -> None:
        self._reserve(self.size + len(items))
        for item in items:
            self._put(self.size, item, frequencies)
            self.size += 1
            self.prepared.append(item)

    def _reserve(self, needed: int) -> None:
        capacity = len(self.columns["alive"])
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2)
        for name, (dtype, fill) in _COLUMNS.items():
            grown = np.full(capacity, fill, dtype=dtype)
            grown[: self.size] = self.columns[name][: self.size]
            self.columns[name] = grown
        self.id_digits = _grow(self.id_digits, capacity, self.size)
        self.faces = _grow(self.faces, capacity, self.size)
        self.fuzzy_names = _grow(self.fuzzy_names, capacity, self.size)
        self.place_texts = _grow(self.place_texts, capacity, self.size)

    def _put(self, row: int, item: Prepared, frequencies: TermFrequencies | None) -> None:
        c = self.columns
        name = item.name
        c["n_kind"][row] = NAME_KINDS.get(name.kind, 0)
        c["n_latin"][row] = name.is_latin
        for column, text in (("n_chars", name.chars), ("n_pinyin", name.pinyin),
                             ("n_fuzzy", name.fuzzy), ("n_shape", name.shape),
                             ("n_swapped", name.swapped), ("n_surname", name.surname_fuzzy),
                             ("n_given", name.given_fuzzy), ("n_gfirst", name.given_first),
                             ("n_glast", name.given_last), ("n_core", name.core)):
            c[column][row] = key_hash(text)
        self.fuzzy_names[row] = name.fuzzy
        if frequencies is not None:
            c["tf_name"][row] = frequencies.name_share(name.pinyin)
            c["tf_surname"][row] = frequencies.surname_share(name.surname_fuzzy)
        c["sex"][row] = SEXES.get(item.sex, 0)
        if item.birth is not None:
            c["by_year"][row] = item.birth.year
            c["by_sd"][row] = item.birth.sd
        record = item.record
        if record.height_cm:
            c["height"][row] = record.height_cm
        self._put_id(row, item)
        place = item.place
        c["province"][row] = int(place.province or 0)
        c["city"][row] = int(place.city or 0)
        c["county"][row] = int(place.county or 0)
        c["place_text"][row] = key_hash(place.text)
        seen = item.seen
        c["seen_province"][row] = int(seen.province or 0)
        c["seen_city"][row] = int(seen.city or 0)
        c["seen_county"][row] = int(seen.county or 0)
        self.place_texts[row] = place.text
        c["province_bit"][row] = province_bit(place.province)
        mask = 0
        for code in item.accent:
            mask |= province_bit(code)
        c["accent"][row] = mask
        c["marks"][row] = mark_set_id(item.marks)
        address = item.address
        for column, text in (("addr_line", address.line), ("addr_number", address.number),
                             ("addr_street", address.street), ("locality", address.locality),
                             ("postcode", address.postcode)):
            c[column][row] = key_hash(text)
        if record.face is not None and len(record.face) == FACE_DIM:
            self.faces[row] = record.face
            c["has_face"][row] = True
        c["kind"][row] = RECORD_KINDS.get(record.kind, 0)
        if record.recorded_on:
            c["recorded"][row] = record.recorded_on.toordinal()
        if record.missing_since:
            c["missing_since"][row] = record.missing_since.toordinal()
        if record.birth_date:
            c["birth_day"][row] = record.birth_date.toordinal()
        c["alive"][row] = True

    def _put_id(self, row: int, item: Prepared) -> None:
        number = item.id_number
        if number is None:
            return
        text = number.text[:ID_WIDTH]
        self.columns["id_len"][row] = len(text)
        self.columns["id_full"][row] = key_hash(text)
        if number.is_resident_id:
            self.columns["id_14"][row] = key_hash(text[:14])
        self.id_digits[row, : len(text)] = np.frombuffer(text.encode("ascii", "replace"),
                                                         dtype=np.uint8)


def _grow(array: np.ndarray, capacity: int, size: int) -> np.ndarray:
    grown = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype) if array.dtype != object \
        else np.empty(capacity, dtype=object)
    grown[:size] = array[:size]
    return grown


class TermFrequencies:
    """How common each full-name reading and each surname is, for term-frequency adjustment."""

    def __init__(self, names: dict[str, float] | None = None,
                 surnames: dict[str, float] | None = None, total: int = 0) -> None:
        self.names = names or {}
        self.surnames = surnames or {}
        self.total = total

    @classmethod
    def count(cls, prepared: Iterable[Prepared]) -> TermFrequencies:
        """Shares within the records that have the value at all (full names; known surnames)."""
        names: dict[str, float] = {}
        surnames: dict[str, float] = {}
        total = 0
        for item in prepared:
            total += 1
            if item.name.pinyin and item.name.kind == FULL:
                names[item.name.pinyin] = names.get(item.name.pinyin, 0) + 1
            if item.name.surname_fuzzy:
                surnames[item.name.surname_fuzzy] = surnames.get(item.name.surname_fuzzy, 0) + 1
        with_name = max(sum(names.values()), 1)
        with_surname = max(sum(surnames.values()), 1)
        return cls({k: v / with_name for k, v in names.items()},
                   {k: v / with_surname for k, v in surnames.items()}, total)

    def name_agreement(self) -> float:
        """Chance two random full names read alike: the u behind a term-frequency adjustment."""
        return sum(v * v for v in self.names.values()) or self.floor()

    def surname_agreement(self) -> float:
        return sum(v * v for v in self.surnames.values()) or self.floor()

    def floor(self) -> float:
        return 1.0 / max(self.total, 1000)

    def name_share(self, pinyin: str) -> float:
        return self.names.get(pinyin, self.floor()) if pinyin else np.nan

    def surname_share(self, surname: str) -> float:
        return self.surnames.get(surname, self.floor()) if surname else np.nan

    def to_dict(self) -> dict[str, object]:
        return {"names": self.names, "surnames": self.surnames, "total": self.total}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> TermFrequencies:
        return cls(dict(data["names"]), dict(data["surnames"]), int(data["total"]))  # type: ignore[arg-type]
