"""Where a public report's time goes: SQL statements per POST /api/v1/leads and a cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sn_profile_intake \
        .venv/bin/python -m benchmarks.intake.profile [--reports 300] [--top 25]

Runs in process through the full request stack (middleware, ninja, services) against a flushed
database with the demo hotspots, so the count and the profile are those of one report as the
server handles it, without the network or the load generator.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from benchmarks.intake.run import FLAGS, POINTS
from benchmarks.server_time import pct, start_django


def report_body(rng: random.Random) -> str:
    lat, lon = rng.choice(POINTS)
    body = {"client_request_id": uuid.UUID(int=rng.getrandbits(128)).hex,
            "lat": round(lat, 6), "lon": round(lon, 6), "coord": "wgs84",
            "description": "桥洞下有人，穿得很少", "people_count": rng.choice([1, 1, 2]),
            "flags": rng.sample(FLAGS, rng.randint(0, 3))}
    if rng.random() < 0.3:
        body["reporter_phone"] = f"13{rng.randint(100000000, 999999999)}"
    return json.dumps(body)


@contextmanager
def counting_commands(statements: Counter[str]):
    """Count the transaction commands psycopg sends itself (BEGIN, COMMIT, SAVEPOINT…), which
    Django's execute wrappers do not see."""
    from psycopg import Connection

    real = Connection._exec_command

    def exec_command(self, command, *args, **kwargs):
        text = command if isinstance(command, bytes | str) else command.as_string(self)
        text = text.decode() if isinstance(text, bytes) else text
        statements[text.split(" ", 1)[0].upper()] += 1
        return real(self, command, *args, **kwargs)

    Connection._exec_command = exec_command
    try:
        yield
    finally:
        Connection._exec_command = real


def backend_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_report(post, indexes: range) -> tuple[float, float]:
    """CPU milliseconds per report of this process and of its PostgreSQL backend (same
    machine), without the profiler's overhead."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    web_before, pg_before = time.process_time(), backend_cpu_s(backend)
    for index in indexes:
        response = post(index)
        assert response.status_code in (200, 201), response.content
    web = time.process_time() - web_before
    postgres = backend_cpu_s(backend) - pg_before
    return web * 1000 / len(indexes), postgres * 1000 / len(indexes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="a pstats sort key: tottime, …")
    args = parser.parse_args()
    start_django("intake-profile", os.environ.get("DATABASE_URL", ""))
    import types

    from django.db import connection
    from django.test import Client

    from songnuan.demo import outreach as demo
    from tests.factories import ensure_districts

    ensure_districts()  # a flush of a reused database takes the migrated districts along
    demo.populate(types.SimpleNamespace(rng=random.Random(1), shared={}))
    client, rng = Client(), random.Random(7)

    def post(index: int):
        return client.post("/api/v1/leads", report_body(rng), content_type="application/json",
                           REMOTE_ADDR=f"10.9.{index // 200}.{index % 200 + 1}")

    for index in range(20):  # warm caches and connections
        response = post(index)
        assert response.status_code == 201, response.content
    statements: Counter[str] = Counter()

    def count(execute, sql, params, many, context):
        statements[sql.split(" ", 1)[0]] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), counting_commands(statements):
        for index in range(20, 70):
            post(index)
    per_report = {verb: round(n / 50, 2) for verb, n in statements.most_common()}
    web_ms, postgres_ms = cpu_per_report(post, range(70, 70 + args.reports))
    timings = []
    # CPU time, not wall time: waits on PostgreSQL would otherwise swamp the Python cost.
    profiler = cProfile.Profile(time.process_time)
    for index in range(70 + args.reports, 70 + 2 * args.reports):
        begin = time.perf_counter()
        profiler.enable()
        response = post(index)
        profiler.disable()
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code in (200, 201), response.content
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    print(f"SQL statements per report: {sum(per_report.values()):.1f} {per_report}")
    print(f"CPU per report, unprofiled: {web_ms:.2f} ms web process, "
          f"{postgres_ms:.2f} ms PostgreSQL backend (over {args.reports})")
    print(f"in-process time per report (profiled): p50 {pct(timings, 50):.1f} ms, "
          f"p95 {pct(timings, 95):.1f} ms over {args.reports}")


if __name__ == "__main__":
    main()
