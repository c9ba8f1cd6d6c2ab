"""Server time of the person file (50 timeline events) and the occupancy board (2,000 beds).

    .venv/bin/python -m benchmarks.shelter [--runs 50] [--database-url sqlite:////tmp/x.sqlite3]

Builds its own data in a fresh database (SQLite file in a temporary folder by default, or the
given DATABASE_URL, which it empties), then times each page through Django's full request stack
(middleware, scoping, templates) in this process: no network, so the figure is server time.
Prints p50 / p95 / max in milliseconds and the number of SQL queries per page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from benchmarks.setup_django import start_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--beds", type=int, default=2000)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    start_django("shelter", args.database_url)
    from django.conf import settings

    from benchmarks.shelter import data

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}", flush=True)
    started = time.perf_counter()
    world = data.build(beds=args.beds, events=args.events)
    print(f"built {args.beds} beds, {world.open_stays} open stays and a person with "
          f"{world.timeline_events} timeline events in {time.perf_counter() - started:.1f} s")
    for label, url in (("person file", f"/people/{world.person_id}/"),
                       ("occupancy board", "/shelter/board/")):
        timings, queries = measure(world.user, url, args.runs)
        print(f"{label:<16} {url:<22} p50 {pct(timings, 50):6.1f} ms   "
              f"p95 {pct(timings, 95):6.1f} ms   max {max(timings):6.1f} ms   "
              f"{queries} queries   ({args.runs} runs)")
    return 0


def measure(user, url: str, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(user)
    for _warm in range(3):
        assert client.get(url).status_code == 200
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _run in range(runs):
        begin = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    return timings, len(executed)


def pct(values: list[float], percentile: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percentile - 1]


if __name__ == "__main__":
    sys.exit(main())
