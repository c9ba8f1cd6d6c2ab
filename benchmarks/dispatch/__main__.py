"""Server time of the dispatch board's data endpoint with 2,000 open leads and 200 squads.

    .venv/bin/python -m benchmarks.dispatch [--runs 50] [--leads 2000] [--squads 200]
                                            [--database-url postgres://.../sn_bench_dispatch]

Builds its own data in a fresh database (a SQLite file in a temporary folder by default, or the
given DATABASE_URL, which it empties), then times GET /outreach/board/data.json (and the board page and
its polled queue, which are built from the same data) through Django's full request stack (middleware, scoping, JSON) in this process, as a city-wide dispatcher: no
network, so the figure is server time. Prints p50 / p95 / max in milliseconds and the queries.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time

from benchmarks.server_time import measure, pct, start_django


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dispatch", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--squads", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--service-levels", action="store_true",
                        help="time the service-levels page on the demo season instead")
    args = parser.parse_args()
    start_django("dispatch", args.database_url)
    from django.conf import settings

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}", flush=True)
    if args.service_levels:
        return service_levels(args.runs)
    started = time.perf_counter()
    user = build(args.leads, args.squads)
    print(f"built {args.leads} open leads and {args.squads} squads "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    for label, url in PAGES:
        timings, queries, size = measure(user, url, args.runs)
        print(f"{label:<12}p50 {pct(timings, 50):6.1f} ms   p95 {pct(timings, 95):6.1f} ms   "
              f"max {max(timings):6.1f} ms   {queries} queries   {size / 1024:.0f} KiB   "
              f"({args.runs} runs)", flush=True)
    return 0


PAGES = [("board data", "/outreach/board/data.json"), ("board page", "/outreach/board/"),
         ("board queue", "/outreach/board/queue/")]


def service_levels(runs: int) -> int:
    """The service-levels page over the normal-size demo season, city-wide and for 市南区."""
    from songnuan import demo
    from songnuan.accounts.models import User

    started = time.perf_counter()
    demo.load(size="normal")
    print(f"loaded the demo season in {time.perf_counter() - started:.1f} s", flush=True)
    for username in ("admin", "centre.dispatcher", "shinan.dispatcher"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        timings, queries, size = measure(user, "/outreach/service-levels/", runs)
        print(f"service levels ({username:<17}) p50 {pct(timings, 50):6.1f} ms   "
              f"p95 {pct(timings, 95):6.1f} ms   {queries} queries   {size / 1024:.0f} KiB",
              flush=True)
    return 0


def build(lead_count: int, squad_count: int):
    from django.utils import timezone

    from songnuan.accounts.roles import Role
    from songnuan.leads.models import Lead, LeadStatus, Source
    from songnuan.network.models import District
    from songnuan.outreach.models import Shift, Squad, Task, TaskKind
    from tests.factories import ensure_districts, make_user

    ensure_districts()
    rng = random.Random(5)
    districts = list(District.objects.all())
    now = timezone.now()
    squads = Squad.objects.bulk_create([Squad(
        name=f"分队{n:03d}", district=districts[n % len(districts)], duty_status="on_duty" if n % 5 else "out_of_service",
        base_lat=districts[n % len(districts)].centre_lat + rng.uniform(-.02, .02),
        base_lon=districts[n % len(districts)].centre_lon + rng.uniform(-.02, .02),
        capacity=5) for n in range(squad_count)])
    Shift.objects.bulk_create([Shift(squad=s, starts_at=now - datetime.timedelta(hours=3),
                                     ends_at=now + datetime.timedelta(hours=9))
                               for s in squads])
    leads = Lead.objects.bulk_create([Lead(
        tracking_code=f"B{n:07d}", source=Source.PUBLIC_WEB,
        status=LeadStatus.ASSIGNED if n % 4 == 0 else LeadStatus.TRIAGED,
        district=districts[n % len(districts)],
        lat=districts[n % len(districts)].centre_lat + rng.uniform(-.03, .03),
        lon=districts[n % len(districts)].centre_lon + rng.uniform(-.03, .03),
        priority=rng.randint(0, 9), received_at=now - datetime.timedelta(minutes=rng.randint(1, 300)),
    ) for n in range(lead_count)])
    by_district: dict[int, list] = {}
    for squad in squads:
        by_district.setdefault(squad.district_id, []).append(squad)
    Task.objects.bulk_create([Task(
        kind=TaskKind.LEAD, lead=lead, squad=rng.choice(by_district[lead.district_id]),
        district_id=lead.district_id, lat=lead.lat, lon=lead.lon,
        assigned_at=lead.received_at + datetime.timedelta(minutes=5))
        for lead in leads if lead.status == LeadStatus.ASSIGNED])
    return make_user("bench.dispatcher", role=Role.DISPATCHER)



if __name__ == "__main__":
    sys.exit(main())
