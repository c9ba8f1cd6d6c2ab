"""CSV files in and out for ``songnuan link`` / ``songnuan dedupe`` (and ``python -m songnuan.linkage``).

Input follows the person-record contract in DESIGN.md (UTF-8 with or without BOM, or GB18030).
Bad input raises :class:`CSVError` naming file, row and column; output is written to a temporary
file and renamed only on success, so a failed run leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from .addresses import POSTCODE_MAX_LENGTH, normalise_postcode
from .linker import Linker
from .model import Parameters
from .records import FOUND, MISSING, Record

COLUMNS = ("record_id", "name", "sex", "birth_year", "age_estimate", "recorded_on", "height_cm",
           "id_number", "native_place", "dialect", "features")
OPTIONAL_COLUMNS = ("kind", "missing_since", "birth_date", "address", "locality", "postcode",
                    "seen_place")
EARLIEST_BIRTH_YEAR = 1880
MAX_AGE = 130
HEIGHT_RANGE_CM = (40.0, 250.0)


class CSVError(ValueError):
    """A person-record file that breaks the contract; the message says where."""

    def __init__(self, path: str | Path, row: int, column: str, problem: str) -> None:
        self.path, self.row, self.column, self.problem = str(path), row, column, problem
        super().__init__(f"{path}: row {row}, column {column}: {problem}")


def decode(path: str | Path) -> str:
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise CSVError(path, 0, "-", "not UTF-8 or GB18030 text") from error


def read_records(path: str | Path, today: dt.date | None = None) -> list[Record]:
    """Read and validate a person-record CSV file."""
    today = today or dt.date.today()
    reader = csv.reader(io.StringIO(decode(path), newline=""))
    header = [h.strip() for h in next(reader, [])]
    if "record_id" not in header:
        raise CSVError(path, 1, "record_id", "missing column")
    # Named columns by position; a short row's missing cells read as empty, extra cells as none.
    named = [(position, name) for position, name in enumerate(header) if name]
    records: list[Record] = []
    seen: dict[str, int] = {}
    for cells in reader:
        if not cells:
            continue
        line = reader.line_num
        row = {name: cells[position].strip() if position < len(cells) else ""
               for position, name in named}
        record = _record(path, line, row, today)
        if record.record_id in seen:
            raise CSVError(path, line, "record_id",
                           f"duplicate id {record.record_id!r} (first on row {seen[record.record_id]})")
        seen[record.record_id] = line
        records.append(record)
    return records


def _record(path: str | Path, line: int, row: dict[str, str], today: dt.date) -> Record:
    def fail(column: str, problem: str) -> CSVError:
        return CSVError(path, line, column, problem)

    record_id = row.get("record_id", "")
    if not record_id:
        raise fail("record_id", "empty")
    sex = row.get("sex", "").upper()
    if sex not in ("", "M", "F"):
        raise fail("sex", f"{row['sex']!r} is not M or F")
    # Errors are built only when raised: most rows are fine and files have millions of them.
    recorded_on = _date(row.get("recorded_on", ""), today, lambda: fail(
        "recorded_on", "not a real date (YYYY-MM-DD, not in the future)"))
    birth_year = _number(row.get("birth_year", ""), lambda: fail("birth_year", "not a year"),
                         integer=True)
    latest = (recorded_on or today).year
    if birth_year is not None and not EARLIEST_BIRTH_YEAR <= birth_year <= latest:
        raise fail("birth_year", f"{birth_year} is impossible")
    birth_date = _date(row.get("birth_date", ""), today, lambda: fail(
        "birth_date", "not a real date (YYYY-MM-DD, not in the future)"))
    if birth_date and birth_year is not None and birth_date.year != birth_year:
        raise fail("birth_date", f"{birth_date} is not in birth_year {birth_year}")
    if birth_date and birth_year is None:
        birth_year = birth_date.year
    age = _number(row.get("age_estimate", ""), lambda: fail("age_estimate", "not a number"))
    if age is not None and not 0 <= age <= MAX_AGE:
        raise fail("age_estimate", f"{age:g} is impossible")
    height = _number(row.get("height_cm", ""), lambda: fail("height_cm", "not a number"))
    if height is not None and not HEIGHT_RANGE_CM[0] <= height <= HEIGHT_RANGE_CM[1]:
        raise fail("height_cm", f"{height:g} cm is impossible")
    kind = row.get("kind", "").lower()
    if kind not in ("", FOUND, MISSING):
        raise fail("kind", f"{row['kind']!r} is not found or missing")
    missing_since = _date(row.get("missing_since", ""), today,
                          lambda: fail("missing_since", "not a real date (YYYY-MM-DD)"))
    postcode = row.get("postcode", "")
    if len(normalise_postcode(postcode)) > POSTCODE_MAX_LENGTH:
        raise fail("postcode", f"{postcode!r} is too long for a postcode")
    features = tuple(f.strip() for f in row.get("features", "").replace("；", ";").split(";")
                     if f.strip())
    return Record(record_id=record_id, name=row.get("name", ""), sex=sex, birth_year=birth_year,
                  age_estimate=age, recorded_on=recorded_on, height_cm=height,
                  id_number=row.get("id_number", ""), native_place=row.get("native_place", ""),
                  dialect=row.get("dialect", ""), features=features, kind=kind,
                  missing_since=missing_since, birth_date=birth_date,
                  address=row.get("address", ""), locality=row.get("locality", ""),
                  postcode=postcode, seen_place=row.get("seen_place", ""))


def _date(text: str, today: dt.date, error: Callable[[], CSVError]) -> dt.date | None:
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise error() from None
    if value > today + dt.timedelta(days=1) or value.year < EARLIEST_BIRTH_YEAR:
        raise error()
    return value


def _number(text: str, error: Callable[[], CSVError], integer: bool = False) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise error() from None
    if math.isnan(value) or math.isinf(value) or (integer and value != int(value)):
        raise error()
    return int(value) if integer else value


@contextlib.contextmanager
def atomic_writer(out_path: str | Path) -> Iterator[IO[str]]:
    """A text stream whose content replaces out_path only if the block finishes."""
    target = Path(out_path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def progress_bar(stream: IO[str] | None, total: int, label: str) -> Callable[[int], None] | None:
    """A tqdm bar on a terminal; nothing when the stream is not a TTY."""
    if stream is None or not getattr(stream, "isatty", lambda: False)():
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, file=stream, unit="rec", leave=True)
    return bar.update


def link_files(left_path: str | Path, right_path: str | Path, out_path: str | Path,
               top_k: int = 10, threshold: float = 0.5, progress: IO[str] | None = None,
               params: Parameters | str | Path | None = None) -> int:
    """Link two record files; writes left_id,right_id,score and returns the number of rows."""
    left, right = read_records(left_path), read_records(right_path)
    linker = _linker(params)
    if linker.params is None:
        linker.fit(left, right)
    matches = linker.link(left, right, top_k=top_k, threshold=threshold,
                          progress=progress_bar(progress, len(left), "link"))
    order = {r.record_id: n for n, r in enumerate(left)}
    matches.sort(key=lambda m: (order[m.left_id], -m.score, m.right_id))
    with atomic_writer(out_path) as stream:
        writer = csv.writer(stream)
        writer.writerow(("left_id", "right_id", "score"))
        for match in matches:
            writer.writerow((match.left_id, match.right_id, f"{match.score:.6f}"))
    return len(matches)


def dedupe_file(in_path: str | Path, out_path: str | Path, progress: IO[str] | None = None,
                threshold: float = 0.5, params: Parameters | str | Path | None = None) -> int:
    """Cluster one record file; writes record_id,cluster_id and returns the number of clusters."""
    records = read_records(in_path)
    linker = _linker(params)
    clusters = linker.dedupe(records, threshold=threshold,
                             progress=progress_bar(progress, len(records), "dedupe"))
    order = {r.record_id: n for n, r in enumerate(records)}
    cluster_of: dict[str, str] = {}
    for members in clusters:
        first = min(members, key=order.__getitem__)
        cluster_of.update(dict.fromkeys(members, first))
    with atomic_writer(out_path) as stream:
        writer = csv.writer(stream)
        writer.writerow(("record_id", "cluster_id"))
        for record in records:
            writer.writerow((record.record_id, cluster_of[record.record_id]))
    return len(clusters)


def _linker(params: Parameters | str | Path | None) -> Linker:
    if isinstance(params, (str, Path)):
        params = Parameters.load(params)
    return Linker(params)


def write_rows(rows: list[dict[str, str]], path: str | Path) -> None:
    """Write person records given as dicts (the contract's columns plus any extra keys)."""
    fields = list(COLUMNS) + [k for k in (rows[0] if rows else {}) if k not in COLUMNS]
    with atomic_writer(path) as stream:
        writer = csv.DictWriter(stream, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
