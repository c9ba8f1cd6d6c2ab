"""Serve Songnuan with gunicorn; whitenoise serves the static files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from songnuan.notify import vapid
from songnuan.observability.metrics import fresh_multiprocess_dir
from songnuan.settings import env_flag, require_secret_key


def default_workers() -> int:
    # Two single-threaded processes per core, and one more: while one waits on PostgreSQL
    # another runs, and no two requests of a process queue for the same interpreter lock.
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) after collecting static files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(
            os.environ.get("WEB_WORKERS", default_workers())))
        # One thread: gunicorn's sync workers, for a buffering proxy in front (nginx reads a slow
        # phone's upload before it passes the request on). More: threaded workers, which wait
        # for slow clients themselves.
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 1)))
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host: str, port: int, workers: int, threads: int,
               no_collectstatic: bool, **options) -> None:
        require_secret_key()
        # Before the workers fork, so that they all sign pushes with one generated key pair.
        vapid.keys()
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Every worker counts its requests in files there; /metrics adds them up.
        metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR")
                           or settings.VAR_DIR / "prometheus")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(fresh_multiprocess_dir(metrics_dir))
        argv = [
            sys.executable, "-m", "gunicorn", "songnuan.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
            # Load the application once in the master: a worker that dies is replaced by a
            # fork in milliseconds instead of a fresh Django start-up of seconds.
            "--preload",
            "--graceful-timeout", "20", "--timeout", "60",
            # Workers free the port when the master dies (see songnuan/gunicorn_config.py).
            "--config", "python:songnuan.gunicorn_config",
        ]
        if env_flag("WEB_ACCESS_LOG", False):  # the proxy in front usually keeps one already
            argv += ["--access-logfile", "-"]
        sys.stdout.flush()
        os.execv(sys.executable, argv)
