"""Admission time against the number of open missing-person reports.

    .venv/bin/python -m benchmarks.admission [--sizes 0,500,2000,20000] [--runs 20]
                                             [--database-url postgres://…/sn_bench]

Builds its own data in a fresh database (a SQLite file in a temporary folder by default, or the
given DATABASE_URL, which it empties). For each size it brings the open reports up to that many
and admits `--runs` people of unknown identity (each admission opens a tracing case), timing
`shelter` admission from the call to its commit; each is then discharged, untimed, so the station
never fills. Prints p50 / p95 / max in milliseconds, and, where the candidate ranking runs in the
worker after the commit, the worker's time per ranking job.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time

from benchmarks.server_time import pct, start_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,500,2000,20000",
                        help="numbers of open missing reports, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="admissions timed per size")
    parser.add_argument("--database-url", default="",
                        help="a database to empty and use (default: a temporary SQLite file)")
    args = parser.parse_args()
    start_django("admission", args.database_url)
    for name in ("songnuan", "django_tasks"):  # a line per task would drown the figures
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.conf import settings

    from benchmarks.admission import data

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}", flush=True)
    rng = random.Random(2026)
    station = data.build_station(beds=4)
    for size in (int(part) for part in args.sizes.split(",")):
        started = time.perf_counter()
        added = data.top_up_reports(station.district, size, rng)
        print(f"{size:>6} open reports ({added} added in {time.perf_counter() - started:.1f} s)",
              flush=True)
        timings, candidates = admit_many(station, args.runs, rng)
        queued = run_worker()
        line = (f"{size:>6} open reports   admission p50 {pct(timings, 50):7.1f} ms   "
                f"p95 {pct(timings, 95):7.1f} ms   max {max(timings):7.1f} ms   "
                f"candidates at commit {candidates}/{args.runs}")
        if queued:
            count, seconds = queued
            line += f"   worker: {count} jobs, {seconds * 1000 / count:.1f} ms each"
        print(line, flush=True)
    return 0


def admit_many(station, runs: int, rng: random.Random) -> tuple[list[float], int]:
    """Admit `runs` unknown people, one at a time: the milliseconds of each admission and how
    many cases had their candidates when the admission returned."""
    from django.db import transaction

    from benchmarks.admission import data
    from songnuan.tracing.models import TracingCase

    admit, discharge, admission_input, discharge_input = data.shelter_services()
    timings, with_candidates = [], 0
    for _run in range(runs):
        person = data.unidentified(station, rng)
        begin = time.perf_counter()
        with transaction.atomic():
            stay = admit(person, station.site, admission_input(),
                         **data.acting(admit, station.user))
        timings.append((time.perf_counter() - begin) * 1000)
        case = TracingCase.objects.get(stay=stay)
        with_candidates += case.candidates.exists()
        discharge(stay, discharge_input(outcome="left", notes="自行离站"),
                  **data.acting(discharge, station.user))
    return timings, with_candidates


def run_worker() -> tuple[int, float] | None:
    """Run the jobs the admissions queued, as the worker would: (how many, seconds)."""
    from django_tasks_db.models import DBTaskResult

    from songnuan.worker import ResilientWorker

    waiting = DBTaskResult.objects.ready().count()
    if not waiting:
        return None
    begin = time.perf_counter()
    ResilientWorker(interval=0, max_tasks=waiting).run()
    return waiting, time.perf_counter() - begin


if __name__ == "__main__":
    sys.exit(main())
