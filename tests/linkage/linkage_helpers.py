"""Small helpers the linkage tests share: build a record, read one comparison's level."""

from __future__ import annotations

import numpy as np

from songnuan.linkage.comparisons import BY_CODE
from songnuan.linkage.frame import Frame
from songnuan.linkage.records import Record, prepare


def person(record_id: str = "r", **fields: object) -> Record:
    return Record(record_id=record_id, **fields)  # type: ignore[arg-type]


def level(code: str, a: Record, b: Record) -> str | None:
    """The named level of comparison `code` between two records (None when not comparable)."""
    fa, fb = Frame.build([prepare(a)]), Frame.build([prepare(b)])
    value = int(BY_CODE[code].compute(fa, fb, np.array([0]), np.array([0]))[0])
    return None if value < 0 else BY_CODE[code].levels[value]
