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
import pstats
import random
import time
import uuid
from collections import Counter

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="a pstats sort key: tottime, …")
    args = parser.parse_args()
    import os

    start_django("intake-profile", os.environ.get("DATABASE_URL", ""))
    import types

    from django.db import connection
    from django.test import Client

    from songnuan.outreach import demo

    demo.populate(types.SimpleNamespace(rng=random.Random(1), shared={}))
    client, rng = Client(), random.Random(7)

    def post(index: int):
        return client.post("/api/v1/leads", report_body(rng), content_type="application/json",
                           REMOTE_ADDR=f"10.9.{index // 200}.{index % 200 + 1}")

    for index in range(20):  # warm caches and connections
        assert post(index).status_code == 201
    statements: Counter[str] = Counter()

    def count(execute, sql, params, many, context):
        statements[sql.split(" ", 1)[0]] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for index in range(20, 70):
            post(index)
    per_report = {verb: round(n / 50, 2) for verb, n in statements.most_common()}
    timings = []
    profiler = cProfile.Profile()
    for index in range(70, 70 + args.reports):
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
    print(f"in-process time per report (profiled): p50 {pct(timings, 50):.1f} ms, "
          f"p95 {pct(timings, 95):.1f} ms over {args.reports}")


if __name__ == "__main__":
    main()
