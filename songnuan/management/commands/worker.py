"""The background worker: runs queued tasks, enqueues periodic jobs on their cadence and sends
queued text messages and push notifications, beating a heartbeat the web side watches.

SIGTERM (or Ctrl+C) lets the current task and the couriers' current message finish, then stops;
a second signal stops at once."""

from __future__ import annotations

import logging
import threading
from functools import partial

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from songnuan.notify import push
from songnuan.notify.services import BATCH, deliver_due, mark_unknown_outcomes
from songnuan.scheduling import enqueue_due, jobs
from songnuan.worker import HEARTBEAT_INTERVAL_S, MAX_BACKOFF_S, ResilientWorker

logger = logging.getLogger("songnuan.worker")
SCHEDULER_INTERVAL_S = 15
COURIER_INTERVAL_S = 1
# How long a graceful stop waits for the couriers to finish the message in hand.
STOP_WAIT_S = 30


def enqueue_periodic_jobs() -> bool:
    for name in enqueue_due():
        logger.info("enqueued periodic job %s", name)
    return False


def send_text_messages(stop: threading.Event | None = None) -> bool:
    """One batch; True when it was full, so that the next follows at once. Once `stop` is
    set, the message in hand is finished and no other is taken."""
    mark_unknown_outcomes()
    return deliver_due(stopping=stop.is_set if stop else lambda: False) == BATCH


def send_push_notifications() -> bool:
    """One batch of pushes, then the text messages owed for pushes nobody saw in time."""
    full = push.deliver_due_pushes() == push.BATCH
    return push.send_fallbacks() == push.BATCH or full


def repeat(step, stop: threading.Event, interval: float) -> None:
    """Run `step` every `interval` seconds (at once again while it answers True) until `stop`;
    after a failure, close the connection and wait longer each time (up to MAX_BACKOFF_S)."""
    failures = 0
    while not stop.is_set():
        close_old_connections()  # the connection is kept for DB_CONN_MAX_AGE seconds
        more = False
        try:
            more = step()
            failures = 0
        except Exception:  # keep the thread alive through a database hiccup
            logger.exception("%s failed", getattr(step, "__name__", step))
            connection.close()
            failures += 1
        if not more:
            stop.wait(min(MAX_BACKOFF_S, interval * 2 ** failures))
    connection.close()


class Command(BaseCommand):
    help = "Run the background worker (tasks, periodic jobs, text messages and pushes)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Only run tasks; another worker enqueues the periodic jobs.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, no_scheduler: bool, interval: float, **options) -> None:
        worker = ResilientWorker(interval=interval)
        try:
            worker.heartbeat()  # alive before the first task is claimed
        except DatabaseError:
            logger.exception("The first heartbeat failed; the heartbeat thread tries again")
        stop = worker.stopping
        steps = [(worker.heartbeat, HEARTBEAT_INTERVAL_S),
                 (partial(send_text_messages, stop), COURIER_INTERVAL_S),
                 (send_push_notifications, COURIER_INTERVAL_S)]
        if not no_scheduler:
            names = ", ".join(job.name for job in jobs())
            self.stdout.write(f"Periodic jobs: {names}")
            steps.append((enqueue_periodic_jobs, SCHEDULER_INTERVAL_S))
        threads = [threading.Thread(target=repeat, args=(step, stop, every), daemon=True)
                   for step, every in steps]
        for thread in threads:
            thread.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.stop()
            for thread in threads:
                thread.join(STOP_WAIT_S)
            worker.reset_signals()
            try:
                worker.say_stopped()
            except DatabaseError:
                logger.exception("Could not record the stop; the heartbeat will go stale")
            self.stdout.write("Worker stopped.")
