"""Nearest-open-site query against 5,000 sites, through the public API.

    .venv/bin/python -m benchmarks.network.nearest [--sites 5000] [--queries 400]

Builds a fresh database (a temporary SQLite file, or the one DATABASE_URL names — give it a
database of its own, it is flushed), spreads the sites over Qingdao's ten districts with mixed
hours (24-hour, overnight, daytime, cold-protocol) and statuses, then times
`GET /api/v1/sites/nearest?...&open_now=1&limit=10` from random points in the city, a third in
each coordinate system. Prints p50/p95/p99 and the mean in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.network", description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="sn-bench-network-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songnuan.settings")
    os.environ["SONGNUAN_VAR_DIR"] = workdir
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from songnuan.network import geography
    from songnuan.network.models import District, Site, SiteLevel

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from importlib import import_module

    for code, name, name_en, lat, lon in import_module(
            "songnuan.network.migrations.0002_qingdao_districts").DISTRICTS:
        District.objects.create(code=code, name=name, name_en=name_en, centre_lat=lat,
                                centre_lon=lon)
    rng = random.Random(args.seed)
    build(args.sites, rng, District, Site, SiteLevel, geography)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{Site.objects.count()} sites on {engine}; {args.queries} queries", file=sys.stderr)

    client = Client()
    codes = list(District.objects.values_list("code", flat=True))
    systems = ["wgs84", "gcj02", "bd09"]
    queries = []
    for index in range(args.queries):
        lat, lon = geography.districts.random_point_in(rng.choice(codes), rng)
        system = systems[index % 3]
        queries.append((*geography.from_wgs84(lat, lon, system), system))
    for lat, lon, system in queries[:20]:  # warm-up: connections, caches, imports
        client.get("/api/v1/sites/nearest", {"lat": lat, "lon": lon, "coord": system,
                                             "open_now": 1, "limit": 10})
    timings = []
    for lat, lon, system in queries:
        started = time.perf_counter()
        response = client.get("/api/v1/sites/nearest", {"lat": lat, "lon": lon, "coord": system,
                                                        "open_now": 1, "limit": 10})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        distances = [row["distance_m"] for row in response.json()["results"]]
        assert distances == sorted(distances)
    timings.sort()
    pick = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]  # noqa: E731
    print(f"nearest open site, {args.sites} sites, {engine}: "
          f"p50 {pick(0.50):.1f} ms  p95 {pick(0.95):.1f} ms  p99 {pick(0.99):.1f} ms  "
          f"mean {statistics.fmean(timings):.1f} ms")
    return 0


def build(count, rng, District, Site, SiteLevel, geography) -> None:
    districts = list(District.objects.all())
    hours_choices = [([], True, False), (["Mon-Sun 18:00-08:00"], False, True),
                     (["Mon-Fri 09:00-17:00"], False, False),
                     (["Mon-Fri 17:00-08:30", "Sat,Sun 00:00-24:00"], False, True)]
    central = Site.objects.create(name="中心站", level=SiteLevel.CENTRAL_STATION,
                                  district=districts[0], lat=36.16, lon=120.43, is_24h=True)
    stations = {d.pk: Site.objects.create(
        name=f"{d.name}分站", level=SiteLevel.SUB_STATION, parent=central, district=d,
        lat=d.centre_lat, lon=d.centre_lon, is_24h=True) for d in districts}
    sites = []
    for index in range(count - len(stations) - 1):
        district = rng.choice(districts)
        lat, lon = geography.districts.random_point_in(district.code, rng)
        hours, is_24h, protocol = rng.choice(hours_choices)
        sites.append(Site(
            name=f"救助点{index}", level=rng.choice([SiteLevel.RELIEF_POINT] * 3
                                                   + [SiteLevel.GUIDANCE_POINT]),
            parent=stations[district.pk], district=district, lat=lat, lon=lon, hours=hours,
            is_24h=is_24h, open_in_cold_protocol=protocol, seats=rng.randint(0, 12),
            status=rng.choice(["open"] * 18 + ["closed", "suspended"]),
        ))
    Site.objects.bulk_create(sites, batch_size=1000)


if __name__ == "__main__":
    sys.exit(main())
