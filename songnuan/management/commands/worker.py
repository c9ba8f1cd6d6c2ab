"""The background worker: runs queued tasks and enqueues periodic jobs on their cadence."""

from __future__ import annotations

import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from songnuan.scheduling import enqueue_due, jobs

logger = logging.getLogger("songnuan.worker")
SCHEDULER_INTERVAL_S = 15


def run_scheduler(stop: threading.Event, interval: float = SCHEDULER_INTERVAL_S) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            for name in enqueue_due():
                logger.info("enqueued periodic job %s", name)
        except Exception:  # keep the scheduler alive through a database hiccup
            logger.exception("could not enqueue periodic jobs")
        finally:
            connection.close()
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run the background worker (tasks and periodic jobs)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Only run tasks; another worker enqueues the periodic jobs.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, no_scheduler: bool, interval: float, **options) -> None:
        stop = threading.Event()
        if not no_scheduler:
            names = ", ".join(job.name for job in jobs())
            self.stdout.write(f"Periodic jobs: {names}")
            threading.Thread(target=run_scheduler, args=(stop,), daemon=True).start()
        try:
            call_command("db_worker", "--queue-name=*", f"--interval={interval}",
                         "--no-reload", verbosity=options.get("verbosity", 1))
        finally:
            stop.set()
            time.sleep(0)
