"""The background worker: runs queued tasks, enqueues periodic jobs on their cadence and sends
queued text messages and push notifications."""

from __future__ import annotations

import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from songnuan.notify import push
from songnuan.notify.services import BATCH, deliver_due
from songnuan.scheduling import enqueue_due, jobs

logger = logging.getLogger("songnuan.worker")
SCHEDULER_INTERVAL_S = 15
COURIER_INTERVAL_S = 1


def enqueue_periodic_jobs() -> bool:
    for name in enqueue_due():
        logger.info("enqueued periodic job %s", name)
    return False


def send_text_messages() -> bool:
    """One batch; True when it was full, so that the next follows at once."""
    return deliver_due() == BATCH


def send_push_notifications() -> bool:
    """One batch of pushes, then the text messages owed for pushes nobody saw in time."""
    full = push.deliver_due_pushes() == push.BATCH
    return push.send_fallbacks() == push.BATCH or full


def repeat(step, stop: threading.Event, interval: float) -> None:
    """Run `step` every `interval` seconds (at once again while it answers True) until `stop`."""
    while not stop.is_set():
        close_old_connections()  # the connection is kept for DB_CONN_MAX_AGE seconds
        more = False
        try:
            more = step()
        except Exception:  # keep the thread alive through a database hiccup
            logger.exception("%s failed", step.__name__)
            connection.close()
        if not more:
            stop.wait(interval)


class Command(BaseCommand):
    help = "Run the background worker (tasks, periodic jobs, text messages and pushes)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Only run tasks; another worker enqueues the periodic jobs.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, no_scheduler: bool, interval: float, **options) -> None:
        stop = threading.Event()
        if not no_scheduler:
            names = ", ".join(job.name for job in jobs())
            self.stdout.write(f"Periodic jobs: {names}")
            threading.Thread(target=repeat, args=(enqueue_periodic_jobs, stop,
                                                  SCHEDULER_INTERVAL_S), daemon=True).start()
        threading.Thread(target=repeat, args=(send_text_messages, stop, COURIER_INTERVAL_S),
                         daemon=True).start()
        threading.Thread(target=repeat, args=(send_push_notifications, stop, COURIER_INTERVAL_S),
                         daemon=True).start()
        try:
            call_command("db_worker", "--queue-name=*", f"--interval={interval}",
                         "--no-reload", verbosity=options.get("verbosity", 1))
        finally:
            stop.set()
            time.sleep(0)
