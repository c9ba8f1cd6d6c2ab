"""Server time of every staff page, as each demo role, on a full winter of demo data.

    .venv/bin/python -m benchmarks.pages [--size large] [--now 2027-03-01T21:30] [--runs 5]
        [--per-pattern 3] [--logins admin,shinan.relief] [--database-url postgres://.../sn_pages]
        [--reuse] [--out benchmarks/out/pages-sqlite.csv]

Loads the demo (by default the large size with the clock at 1 March 2027, so the whole campaign
from 4 November lies behind it: a full winter) into a fresh database (a SQLite file in a temporary
folder, or the given DATABASE_URL, which it empties unless --reuse finds the demo already there).
Then, for one demo login of each role, it starts from the home page and the role's menu and
follows every link and htmx GET on the pages it reaches (no forms, no exports or downloads, at
most --per-pattern addresses for each URL pattern and set of query parameters), and times each
page through Django's full request stack in this process: wall time, the CPU time of the
request (time.process_time, which other work on the machine disturbs less) and the SQL queries.
Prints one line per role and pattern (pages over the bar marked), any answer that is not 2xx/3xx,
and writes the figures to a CSV file.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from benchmarks.server_time import pct

BAR_MS = 300.0
# One login per role, from the demo's cast (songnuan/demo/accounts.py).
ROLE_LOGINS = ["admin", "shinan.admin", "centre.dispatcher", "shinan.dispatcher",
               "shinan.station", "shinan.relief", "shinan.patrol1", "shinan.tracing",
               "city.tracing", "police.liaison", "shinan.viewer"]
# Not staff pages: the API, Django's admin, static files, language switching, signing out.
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/i18n/", "/jsi18n/", "/logout/",
                 "/login/", "/healthz", "/report", "/r/", "/track")
DOWNLOAD = re.compile(r"(export|download|\.csv|\.xlsx|\.pdf|\.docx|\.zip|\.png|\.jpg|print)",
                      re.IGNORECASE)


@dataclass
class Page:
    role: str
    login: str
    pattern: str
    url: str
    status: int = 0
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: int = 0


class Links(HTMLParser):
    """The addresses a page links to: <a href> and htmx GETs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.found.append(values["href"] or "")
        if values.get("hx-get"):
            self.found.append(values["hx-get"] or "")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--now", default="2027-03-01T21:30")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5, help="timed GETs of each page")
    parser.add_argument("--per-pattern", type=int, default=3,
                        help="addresses crawled per URL pattern and role")
    parser.add_argument("--logins", default="", help="comma-separated demo logins (default: all)")
    parser.add_argument("--only", default="", help="time only patterns matching this regex")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database if it already holds the demo")
    parser.add_argument("--load-only", action="store_true",
                        help="load the demo and stop (time it later with --reuse)")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    engine = start(args.database_url, args.reuse)
    load_demo(args)
    if args.load_only:
        return 0
    pages = []
    for login in (args.logins.split(",") if args.logins else ROLE_LOGINS):
        pages += crawl(login, args.per_pattern)
    failures = [page for page in pages if page.status >= 400]
    timed = [page for page in pages if page.status == 200
             and (not args.only or re.search(args.only, page.pattern))]
    print(f"crawled {len(pages)} addresses, timing {len(timed)} pages x {args.runs} runs",
          flush=True)
    for page in timed:
        time_page(page, args.runs)
    rows = summarise(timed)
    report(rows, failures, engine)
    out = Path(args.out or f"benchmarks/out/pages-{engine}.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, rows, args, engine)
    print(f"figures written to {out}")
    return 1 if failures else 0


def start(database_url: str, reuse: bool) -> str:
    """Point Django at the database, empty it unless the demo may be reused, migrate."""
    if not database_url:
        import tempfile

        folder = tempfile.mkdtemp(prefix="sn-bench-pages-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("SONGNUAN_VAR_DIR", folder)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", interactive=False, verbosity=0)
    from songnuan.accounts.models import User

    if User.objects.exists() and not reuse:
        call_command("flush", interactive=False, verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine} ({database_url.rsplit('/', 1)[-1]})", flush=True)
    return engine


def load_demo(args) -> None:
    from django.utils import timezone

    from songnuan import demo
    from songnuan.accounts.models import User
    from songnuan.tracing.person_index import persons

    now = timezone.make_aware(datetime.datetime.fromisoformat(args.now))
    if User.objects.exists():
        print("reusing the demo already in the database", flush=True)
    else:
        started = time.perf_counter()
        demo.load(seed=args.seed, size=args.size, now=now)
        print(f"loaded the {args.size} demo (clock {args.now}) in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    print(volume(), flush=True)
    set_clock(now)
    persons.warm()  # as songnuan.wsgi does before the server takes requests


def set_clock(now: datetime.datetime) -> None:
    """Serve the pages at the demo's clock, so the winter lies behind them as it would on that
    evening (timezone.now is what the code reads; the few date.today() calls are left alone)."""
    from django.utils import timezone

    real_now = timezone.now
    offset = now - real_now()
    timezone.now = lambda: real_now() + offset


def volume() -> str:
    from songnuan.leads.models import Lead
    from songnuan.outreach.models import Encounter
    from songnuan.people.models import Person
    from songnuan.shelter.models import Stay
    from songnuan.supplies.models import Movement

    counts = {name: model.objects.count() for name, model in (
        ("leads", Lead), ("encounters", Encounter), ("person files", Person), ("stays", Stay),
        ("supply movements", Movement))}
    return ", ".join(f"{count:,} {name}" for name, count in counts.items())


def crawl(login: str, per_pattern: int) -> list[Page]:
    """Every page the login reaches from home and its menu, a few addresses per pattern."""
    from songnuan.accounts.models import User
    from songnuan.shell import nav_for

    user = User.objects.filter(username=login).first()
    if user is None:
        return []
    role = user.role
    client = client_for(login)
    queue = ["/"] + [item["url"] for item in nav_for(user) if item.get("url")]
    seen: set[str] = set()
    per_key: dict[str, int] = defaultdict(int)
    pages = []
    while queue:
        url = queue.pop(0)
        key = pattern_of(url)
        if url in seen or key is None or per_key[key] >= per_pattern:
            continue
        seen.add(url)
        per_key[key] += 1
        response = client.get(url)
        page = Page(role, login, key, url, response.status_code)
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(response["Location"])
            continue
        kind = response.get("Content-Type", "")
        if response.status_code >= 400:
            pages.append(page)
            print(f"  {response.status_code} {login} {url}", flush=True)
            continue
        if "attachment" in response.get("Content-Disposition", "") or not (
                kind.startswith("text/html") or kind.startswith("application/json")):
            continue
        pages.append(page)
        if kind.startswith("text/html"):
            links = Links()
            links.feed(response.content.decode("utf-8", "replace"))
            queue += [link for link in (local(url, href) for href in links.found) if link]
    print(f"{login:<18} {role:<16} {len(pages)} pages", flush=True)
    return pages


def local(base: str, href: str) -> str | None:
    """The site-relative address of a link, or None for other sites, fragments and skips."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or DOWNLOAD.search(path) or DOWNLOAD.search(parts.query):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def pattern_of(url: str) -> str | None:
    """The URL pattern an address resolves to, with its query parameters' names."""
    from django.urls import Resolver404, resolve

    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return "/" + match.route + (f"?{'&'.join(names)}" if names else "")


_clients: dict = {}


def client_for(login: str):
    """A signed-in test client for the login, one per login for the whole run."""
    from django.test import Client

    from songnuan.accounts.models import User

    if login not in _clients:
        _clients[login] = Client()
        _clients[login].force_login(User.objects.get(username=login))
    return _clients[login]


def time_page(page: Page, runs: int) -> None:
    from django.db import connection

    client = client_for(page.login)
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    for _run in range(runs):
        executed.clear()
        with connection.execute_wrapper(count):
            cpu, wall = time.process_time(), time.perf_counter()
            response = client.get(page.url)
            page.wall_ms.append((time.perf_counter() - wall) * 1000)
            page.cpu_ms.append((time.process_time() - cpu) * 1000)
        page.queries = max(page.queries, len(executed))
        page.status = response.status_code


@dataclass
class Row:
    login: str
    pattern: str
    example: str
    addresses: int
    wall_p50: float
    wall_p95: float
    cpu_p50: float
    cpu_p95: float
    queries: int

    @property
    def over(self) -> bool:
        return self.wall_p95 > BAR_MS


def summarise(pages: list[Page]) -> list[Row]:
    grouped: dict[tuple[str, str], list[Page]] = defaultdict(list)
    for page in pages:
        grouped[page.login, page.pattern].append(page)
    rows = []
    for (login, pattern), group in grouped.items():
        wall = [ms for page in group for ms in page.wall_ms]
        cpu = [ms for page in group for ms in page.cpu_ms]
        slowest = max(group, key=lambda page: max(page.wall_ms))
        rows.append(Row(login, pattern, slowest.url, len(group), pct(wall, 50), pct(wall, 95),
                        pct(cpu, 50), pct(cpu, 95), max(page.queries for page in group)))
    return sorted(rows, key=lambda row: (row.pattern, row.login))


def report(rows: list[Row], failures: list[Page], engine: str) -> None:
    print(f"\n{'pattern':<52} {'login':<18} {'n':>2} {'wall p50':>9} {'p95':>7} "
          f"{'cpu p50':>8} {'p95':>7} {'queries':>7}")
    for row in rows:
        mark = "  OVER" if row.over else ""
        print(f"{row.pattern[:52]:<52} {row.login:<18} {row.addresses:>2} {row.wall_p50:9.1f} "
              f"{row.wall_p95:7.1f} {row.cpu_p50:8.1f} {row.cpu_p95:7.1f} {row.queries:>7}{mark}")
    over = [row for row in rows if row.over]
    cpu_over = [row for row in rows if row.cpu_p95 > BAR_MS]
    print(f"\n{engine}: {len(rows)} login x pattern rows, {len(over)} over {BAR_MS:.0f} ms wall "
          f"p95, {len(cpu_over)} over it in CPU time; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    for page in failures:
        print(f"FAILED {page.status} {page.login} {page.url}")


def write_csv(out: Path, rows: list[Row], args, engine: str) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        handle.write(f"# {engine}, demo {args.size} at {args.now}, {args.runs} runs per page, "
                     f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        writer.writerow(["pattern", "login", "addresses", "wall_p50_ms", "wall_p95_ms",
                         "cpu_p50_ms", "cpu_p95_ms", "queries", "over_bar", "slowest_example"])
        for row in rows:
            writer.writerow([row.pattern, row.login, row.addresses, f"{row.wall_p50:.1f}",
                             f"{row.wall_p95:.1f}", f"{row.cpu_p50:.1f}", f"{row.cpu_p95:.1f}",
                             row.queries, "yes" if row.over else "", row.example])


if __name__ == "__main__":
    sys.exit(main())
