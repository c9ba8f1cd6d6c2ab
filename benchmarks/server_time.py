"""Server time of pages: Django on a throw-away database, timed through the full request stack."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time


def start_django(name: str, database_url: str = "") -> str:
    """Point Django at a fresh database (a temp SQLite file unless a URL is given), migrate.

    Returns the temporary folder used for the SQLite file and var/.
    """
    folder = tempfile.mkdtemp(prefix=f"sn-bench-{name}-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("SONGNUAN_VAR_DIR", folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    return folder


def measure(user, url: str, runs: int) -> tuple[list[float], int, int]:
    """Time `runs` GETs of `url` as `user` after warming up: (ms each, queries, bytes)."""
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
        size = len(client.get(url).content)
    timings = []
    for _run in range(runs):
        begin = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    return timings, len(executed), size


def pct(values: list[float], percentile: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percentile - 1]
