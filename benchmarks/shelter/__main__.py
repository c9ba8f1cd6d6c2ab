"""Server time of the person file (50 timeline events) and the occupancy board (2,000 beds).

    .venv/bin/python -m benchmarks.shelter [--runs 50] [--database-url sqlite:////tmp/x.sqlite3]

Builds its own data in a fresh database (SQLite file in a temporary folder by default, or the
given DATABASE_URL, which it empties), then times each page through Django's full request stack
(middleware, scoping, templates) in this process: no network, so the figure is server time.
Prints p50 / p95 / max in milliseconds and the number of SQL queries per page.
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks.server_time import measure, pct, start_django


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.shelter", description=__doc__.splitlines()[0])
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
    from songnuan.tracing.person_index import persons

    started = time.perf_counter()
    persons.warm()
    print(f"person index for duplicate suggestions built in {time.perf_counter() - started:.2f} s "
          "(once per server, before the workers fork)")
    for label, url in (("person file", f"/people/{world.person_id}/"),
                       ("occupancy board", "/shelter/board/")):
        timings, queries, _size = measure(world.user, url, args.runs)
        print(f"{label:<16} {url:<22} p50 {pct(timings, 50):6.1f} ms   "
              f"p95 {pct(timings, 95):6.1f} ms   max {max(timings):6.1f} ms   "
              f"{queries} queries   ({args.runs} runs)")
    return 0



if __name__ == "__main__":
    sys.exit(main())
