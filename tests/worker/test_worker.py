"""The worker carries on through a lost database connection, recovers tasks a dead worker left
RUNNING, beats a heartbeat and stops gracefully on SIGTERM."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from songnuan.models import WorkerHeartbeat
from songnuan.worker import MAX_TASK_ATTEMPTS, ResilientWorker, recover_orphaned_tasks

postgresql_only = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="pg_terminate_backend and a second process on the "
    "test database need PostgreSQL")
ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60

started = threading.Event()
proceed = threading.Event()
backend_pids: list[int] = []


@task()
def uses_the_database_twice() -> int:
    """Reads its backend's pid, waits (on the first run) for the test to cut that backend, then
    queries again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pids.append(cursor.fetchone()[0])
    if len(backend_pids) == 1:
        started.set()
        proceed.wait(WAIT_S)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return len(backend_pids)


@task()
def answers() -> int:
    return 42


@task()
def takes_a_while() -> str:
    time.sleep(2)
    return "finished"


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def status_of(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


def in_a_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_its_connection_being_cut_mid_task_and_while_idle():
    started.clear()
    proceed.clear()
    backend_pids.clear()
    interrupted = uses_the_database_twice.enqueue()
    worker = ResilientWorker(interval=0.1)
    thread = in_a_thread(worker.run)
    try:
        assert started.wait(WAIT_S)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pids[0]])
            assert cursor.fetchone()[0] is True
        proceed.set()

        # The task is tried again on a new connection, and the worker takes the next one too.
        wait_for(lambda: status_of(interrupted) == "SUCCESSFUL", "the interrupted task")
        later = answers.enqueue()
        wait_for(lambda: status_of(later) == "SUCCESSFUL", "the next task")

        # Cut again while it waits for work (a database restart): it reconnects.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pids[1]])
            assert cursor.fetchone()[0] is True  # the worker's kept connection
        after_restart = answers.enqueue()
        wait_for(lambda: status_of(after_restart) == "SUCCESSFUL", "a task after the restart")
    finally:
        worker.stop()
        thread.join(WAIT_S)
    assert not thread.is_alive()
    row = DBTaskResult.objects.get(pk=interrupted.id)
    assert len(row.worker_ids) == 2 and row.return_value == 2
    assert backend_pids[1] != backend_pids[0]
    assert not DBTaskResult.objects.running().exists()


def _running_task(worker_ids: list[str], started_ago: datetime.timedelta) -> DBTaskResult:
    result = answers.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=worker_ids, started_at=timezone.now() - started_ago)
    return DBTaskResult.objects.get(pk=result.id)


def _heartbeat(worker_id: str, ago: datetime.timedelta) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id=worker_id, host="relief-1", pid=1,
                                   started_at=now - ago, beat_at=now - ago)


def test_a_task_whose_worker_stopped_beating_is_queued_again_then_failed(db, settings):
    settings.WORKER_STALE_SECONDS = 120
    _heartbeat("dead", datetime.timedelta(minutes=10))
    once = _running_task(["dead"], datetime.timedelta(minutes=9))
    too_often = _running_task(["a", "b", "dead"][-MAX_TASK_ATTEMPTS:],
                              datetime.timedelta(minutes=9))

    assert recover_orphaned_tasks() == 2

    once.refresh_from_db()
    too_often.refresh_from_db()
    assert once.status == "READY" and once.started_at is None
    assert too_often.status == "FAILED"
    assert too_often.exception_class_path == "songnuan.worker.WorkerLost"
    assert "dead stopped beating" in too_often.traceback


def test_a_task_of_a_worker_still_beating_is_left_alone(db, settings):
    settings.WORKER_STALE_SECONDS = 120
    _heartbeat("alive", datetime.timedelta(seconds=3))
    long_task = _running_task(["alive"], datetime.timedelta(minutes=30))
    just_claimed = _running_task(["new-worker-without-a-beat-yet"], datetime.timedelta(0))

    assert recover_orphaned_tasks() == 0

    assert DBTaskResult.objects.get(pk=long_task.pk).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=just_claimed.pk).status == "RUNNING"


def test_the_heartbeat_says_which_task_the_worker_runs(db):
    worker = ResilientWorker(interval=1, worker_id="relief-1-77-abc")
    worker.current = _running_task(["relief-1-77-abc"], datetime.timedelta(0))
    worker.heartbeat()
    beat = WorkerHeartbeat.objects.get(worker_id="relief-1-77-abc")
    assert beat.current_task == "tests.worker.test_worker.answers"
    assert beat.current_task_id == str(worker.current.pk) and beat.stopped_at is None

    worker.current = None
    worker.heartbeat()
    worker.say_stopped()
    beat.refresh_from_db()
    assert beat.current_task == "" and beat.stopped_at is not None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_current_task_finish_then_stops():
    result = takes_a_while.enqueue()
    database = connection.settings_dict
    login = database["USER"] + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "DATABASE_URL": f"postgres://{login}@{database['HOST'] or '127.0.0.1'}:"
                           f"{database['PORT'] or 5432}/{database['NAME']}"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "django", "worker", "--no-scheduler", "--interval=0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: status_of(result) == "RUNNING", "the worker to start the task")
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=WAIT_S)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert status_of(result) == "SUCCESSFUL"
    assert WorkerHeartbeat.objects.get().stopped_at is not None
