"""Shared helpers for the linkage tests: a small cast of records and a fitted linker."""

from __future__ import annotations

import datetime as dt

import pytest

from songnuan.linkage.records import Record


@pytest.fixture(scope="session")
def small_set(tmp_path_factory) -> tuple[list[Record], list[Record], set[tuple[str, str]]]:
    from benchmarks.linkage.generate import generate
    from songnuan.linkage.csvio import read_records, write_rows

    found, missing, truth = generate(400, 1600, seed=7)
    # Per worker: parallel test processes must not write the same files.
    tmp = tmp_path_factory.mktemp("linkage")
    write_rows(found, tmp / "found.csv")
    write_rows(missing, tmp / "missing.csv")
    today = dt.date(2025, 1, 1)
    return read_records(tmp / "found.csv", today), read_records(tmp / "missing.csv", today), truth


@pytest.fixture(scope="session")
def fitted(small_set):  # type: ignore[no-untyped-def]
    from songnuan.linkage import Linker

    found, missing, _ = small_set
    return Linker(seed=3).fit(found, missing)
