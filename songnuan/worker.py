"""The worker that does not die: it runs the queued tasks of the database task backend, survives a
lost database connection, beats a heartbeat, and stops gracefully.

django-tasks-db's own worker exits for good when its connection is cut while a task runs (the
task's failure cannot be recorded, the error escapes its loop) and leaves that task RUNNING
forever. Here the broken connection is closed, the worker backs off and carries on, and the
interrupted task is put back in the queue or, after `MAX_TASK_ATTEMPTS`, marked failed. Tasks
left RUNNING by a worker whose heartbeat went stale are recovered the same way, at start-up and
every minute, by any worker.
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
import socket
import sys
import threading
from traceback import format_exception
from types import FrameType

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from songnuan.models import WorkerHeartbeat

logger = logging.getLogger("songnuan.worker")
HEARTBEAT_INTERVAL_S = 5
RECOVER_INTERVAL_S = 60
# A task interrupted by a lost connection or a dead worker runs at most this often in all.
MAX_TASK_ATTEMPTS = 3
RETRY_PAUSE_S = 2
# Pauses while the database is unreachable: 1, 2, 4 … seconds, at most this.
MAX_BACKOFF_S = 30
# Heartbeats of workers gone this long are forgotten.
FORGET_WORKERS_AFTER = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """The task was interrupted: its worker lost the database or stopped beating."""


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)


def new_worker_id() -> str:
    host = socket.gethostname()[:40]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"[:64]


def requeue_or_fail(result: DBTaskResult, error: BaseException,
                    now: datetime.datetime | None = None) -> str:
    """Put an interrupted RUNNING task back in the queue, or fail it once it has been tried
    `MAX_TASK_ATTEMPTS` times (each claim adds a worker id); return the status it got."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING)
    attempts = len(result.worker_ids)
    if attempts < MAX_TASK_ATTEMPTS:
        running.update(status=TaskResultStatus.READY, started_at=None,
                       run_after=now + datetime.timedelta(seconds=RETRY_PAUSE_S * attempts))
        logger.warning("Task %s (%s) interrupted after attempt %s: queued again: %s",
                       result.pk, result.task_path, attempts, error)
        return TaskResultStatus.READY
    running.update(status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                   exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
                   traceback="".join(format_exception(error)))
    logger.error("Task %s (%s) interrupted %s times: failed: %s", result.pk, result.task_path,
                 attempts, error)
    return TaskResultStatus.FAILED


def recover_orphaned_tasks(now: datetime.datetime | None = None,
                           alive: str | None = None) -> int:
    """Requeue or fail the tasks left RUNNING by workers whose heartbeat is stale (or that said
    they stopped); `alive` names the calling worker, alive by definition. Return how many."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    live = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff, stopped_at__isnull=True)
               .values_list("worker_id", flat=True))
    if alive:
        live.add(alive)
    recovered = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        if result.worker_ids and result.worker_ids[-1] in live:
            continue
        with transaction.atomic():
            locked = (DBTaskResult.objects.select_for_update(skip_locked=True)
                      .filter(pk=result.pk, status=TaskResultStatus.RUNNING).first())
            if locked is None:
                continue  # another worker is recovering it
            worker = locked.worker_ids[-1] if locked.worker_ids else "?"
            requeue_or_fail(locked, WorkerLost(f"worker {worker} stopped beating"), now)
        recovered += 1
    return recovered


class ResilientWorker(Worker):
    """django-tasks-db's worker, carrying on through lost connections and beating a heartbeat."""

    def __init__(self, *, interval: float, max_tasks: int | None = None,
                 worker_id: str | None = None) -> None:
        super().__init__(queue_names=["*"], interval=interval, batch=False,
                         backend_name="default", startup_delay=False, max_tasks=max_tasks,
                         worker_id=worker_id or new_worker_id(), excluded_queue_names=[])
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.current: DBTaskResult | None = None
        # Tasks whose interruption could not be recorded yet (the database was still away).
        self.unsettled: list[tuple[DBTaskResult, BaseException]] = []
        self.recovered_at: datetime.datetime | None = None

    # ------------------------------------------------------------------ stopping

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        """First signal: finish the current task, then stop. Second: stop at once."""
        if not self.running:
            logger.warning("Received %s again: stopping now.", signal.strsignal(signum))
            self.reset_signals()
            sys.exit(1)
        logger.warning("Received %s: stopping after the current task.",
                       signal.strsignal(signum))
        self.stop()

    def stop(self) -> None:
        self.running = False
        self.stopping.set()

    # ------------------------------------------------------------------ the loop

    def run(self) -> None:
        logger.info("Starting worker %s", self.worker_id)
        failures = 0
        while self.running:
            try:
                self.settle_interrupted()
                ran = self.run_next()
                failures = 0
            except DatabaseError as error:
                failures += 1
                pause = min(MAX_BACKOFF_S, 2 ** (failures - 1))
                logger.warning("Database unavailable (%s); trying again in %s s", error, pause)
                connection.close()  # the next query opens a fresh connection
                self.stopping.wait(pause)
                continue
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and not ran:
                self.stopping.wait(self.interval)

    def run_next(self) -> bool:
        """Claim and run the next ready task; False when there was none."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        with exclusive_transaction(tasks.db):
            try:
                result = tasks.get_locked()
                if result is not None:
                    result.claim(self.worker_id)
            except DatabaseError as error:
                if not is_locked_database_exception(error):
                    raise
                return False  # SQLite is busy: it unlocks eventually
        if result is None:
            return False
        self.run_task(result)
        return True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = db_task_result
        try:
            super().run_task(db_task_result)
        except DatabaseError as error:
            # The task's outcome could not be recorded: the connection went with it.
            logger.warning("Lost the database while running task %s: %s",
                           db_task_result.pk, error)
            connection.close()
            self.unsettled.append((db_task_result, error))
        finally:
            self.current = None

    def settle_interrupted(self) -> None:
        while self.unsettled:
            result, error = self.unsettled[0]
            requeue_or_fail(result, error)
            self.unsettled.pop(0)

    # ------------------------------------------------------------------ heartbeat

    def heartbeat(self) -> bool:
        """Say this worker is alive and what it is running; recover orphaned tasks now and then.
        Runs in its own thread, hence on its own database connection."""
        now = timezone.now()
        current = self.current
        WorkerHeartbeat.objects.update_or_create(worker_id=self.worker_id, defaults={
            "host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": self.started_at,
            "beat_at": now, "stopped_at": None,
            "current_task": current.task_path[:300] if current else "",
            "current_task_id": str(current.pk) if current else ""})
        if self.recovered_at is None or (
                now - self.recovered_at >= datetime.timedelta(seconds=RECOVER_INTERVAL_S)):
            self.recovered_at = now
            recover_orphaned_tasks(now, alive=self.worker_id)
            WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_WORKERS_AFTER).delete()
        return False

    def say_stopped(self) -> None:
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
            stopped_at=timezone.now(), current_task="", current_task_id="")
