"""Is Songnuan well? What /healthz and /readyz answer, and the alert the web side raises when the
background worker falls silent (a dead worker cannot raise it itself).

Unwell means: the database does not answer, no worker has beaten its heartbeat within
WORKER_STALE_SECONDS, a periodic job has not been enqueued for longer than its cadence allows, or
a text message has waited in the outbox longer than OUTBOX_STALE_SECONDS. Every check is a few
indexed queries, so probes may ask often.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from songnuan.duty.models import DutyRole, Severity, Topic
from songnuan.duty.services import alert, on_duty
from songnuan.models import PeriodicRun, WorkerHeartbeat
from songnuan.notify.models import Outbox, OutboxStatus
from songnuan.notify.push import push_now
from songnuan.notify.services import HANDOVER_TIMEOUT, outbox_backlog
from songnuan.scheduling import jobs
from songnuan.shell import Banner, Panel
from songnuan.words import said_to_each

logger = logging.getLogger("songnuan.health")
# The web side looks at the worker's heartbeat at most this often per process.
WATCH_INTERVAL_S = 60


# --------------------------------------------------------------------------- measures


def newest_beat() -> datetime.datetime | None:
    """When a worker that has not said it stopped last beat its heartbeat."""
    return (WorkerHeartbeat.objects.filter(stopped_at__isnull=True)
            .order_by("-beat_at").values_list("beat_at", flat=True).first())


def worker_heartbeat_age_seconds(now: datetime.datetime | None = None) -> float | None:
    """Seconds since the newest heartbeat of a running worker; None when no worker runs."""
    beat = newest_beat()
    if beat is None:
        return None
    return max(0.0, ((now or timezone.now()) - beat).total_seconds())


def outcome_unknown_count(now: datetime.datetime | None = None) -> int:
    """Messages a crash left between "handing over" and the provider's answer, for staff to
    check with the provider (including those the courier has not marked yet)."""
    now = now or timezone.now()
    return Outbox.objects.filter(
        Q(status=OutboxStatus.UNKNOWN)
        | Q(status=OutboxStatus.HANDING_OVER, handed_over_at__lt=now - HANDOVER_TIMEOUT)
    ).count()


# --------------------------------------------------------------------------- checks


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "problem": str(error)[:200]}
    return {"ok": True}


def check_worker(now: datetime.datetime) -> dict[str, Any]:
    age = worker_heartbeat_age_seconds(now)
    limit = settings.WORKER_STALE_SECONDS
    found: dict[str, Any] = {"ok": age is not None and age <= limit,
                             "heartbeat_age_s": _round(age), "stale_after_s": limit}
    if age is None:
        found["problem"] = "no worker is running"
    elif age > limit:
        found["problem"] = f"no worker heartbeat for {age:.0f} s"
    else:
        found["running"] = list(
            WorkerHeartbeat.objects.filter(stopped_at__isnull=True,
                                           beat_at__gte=now - datetime.timedelta(seconds=limit))
            .exclude(current_task="").values_list("current_task", flat=True)[:5])
    return found


def check_periodic(now: datetime.datetime) -> dict[str, Any]:
    """Each periodic job's last enqueueing, against its cadence plus WORKER_STALE_SECONDS."""
    grace = datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    late = []
    for job in jobs():
        last = (PeriodicRun.objects.filter(job=job.name).order_by("-slot")
                .values_list("enqueued_at", flat=True).first())
        if last is None or now - last > job.every + grace:
            late.append({"job": job.name, "every_s": job.every.total_seconds(),
                         "last_enqueued_age_s": _round((now - last).total_seconds())
                         if last else None})
    found: dict[str, Any] = {"ok": not late, "late": late}
    if late:
        found["problem"] = f"{len(late)} periodic job(s) not enqueued on time"
    return found


def check_outbox(now: datetime.datetime) -> dict[str, Any]:
    waiting, oldest = outbox_backlog(now)
    limit = settings.OUTBOX_STALE_SECONDS
    found: dict[str, Any] = {"ok": oldest <= limit, "waiting": waiting,
                             "oldest_age_s": _round(oldest), "stale_after_s": limit,
                             "outcome_unknown": outcome_unknown_count(now)}
    if oldest > limit:
        found["problem"] = f"{waiting} text message(s) waiting, the oldest for {oldest:.0f} s"
    return found


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)


def report(now: datetime.datetime | None = None) -> dict[str, Any]:
    """`{status: "ok"|"unwell", checks: {database, worker, periodic, outbox}}`."""
    now = now or timezone.now()
    checks: dict[str, Any] = {"database": check_database()}
    for name, check in (("worker", check_worker), ("periodic", check_periodic),
                        ("outbox", check_outbox)):
        if not checks["database"]["ok"]:
            checks[name] = {"ok": False, "problem": "the database does not answer"}
            continue
        checks[name] = check(now)
    well = all(check["ok"] for check in checks.values())
    return {"status": "ok" if well else "unwell", "checks": checks}


_migrated = False


def ready() -> dict[str, Any]:
    """Can this web process serve requests: the database answers and every migration is
    applied. Migrations are checked until they first are, then taken as applied (they are not
    unapplied under a running process)."""
    global _migrated
    checks: dict[str, Any] = {"database": check_database()}
    if checks["database"]["ok"] and not _migrated:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrated = not pending
    checks["migrations"] = {"ok": _migrated} if _migrated else {
        "ok": False, "problem": "migrations are not applied"}
    well = all(check["ok"] for check in checks.values())
    return {"status": "ok" if well else "unwell", "checks": checks}


# --------------------------------------------------------------------------- the silent worker


@dataclass(frozen=True)
class WorkerWatch:
    """What this process last saw of the worker: silent since `last_beat` (None: never ran)."""

    is_silent: bool
    last_beat: datetime.datetime | None


_watch_lock = threading.Lock()
_watched: tuple[float, WorkerWatch] | None = None


def forget() -> None:
    """Look again at the next request (tests; a process that must not reuse what it saw)."""
    global _watched
    _watched = None


def watch_worker() -> WorkerWatch:
    """Whether the worker is silent, looked up at most once a minute per process; the first
    look in an outage alerts the leader on duty."""
    global _watched
    with _watch_lock:
        if _watched is not None and time.monotonic() - _watched[0] < WATCH_INTERVAL_S:
            return _watched[1]
        # Claim this minute's look, so the other threads go on with what was seen before
        # instead of waiting for the lookup (and an alert's pushes).
        _watched = (time.monotonic(), _watched[1] if _watched else WorkerWatch(False, None))
    seen = _look_at_worker()
    with _watch_lock:
        _watched = (time.monotonic(), seen)
    return seen


def _look_at_worker() -> WorkerWatch:
    beat = newest_beat()
    silent_for = (timezone.now() - beat).total_seconds() if beat else None
    # A worker that never ran (a fresh install, a developer's `serve`) is for /healthz to
    # report; the leader on duty hears of a worker that was running and fell silent.
    watch = WorkerWatch(silent_for is not None and silent_for > settings.WORKER_STALE_SECONDS,
                        beat)
    if watch.is_silent:
        try:
            alert_worker_silent(beat)
        except DatabaseError:
            logger.exception("Could not alert the leader on duty of the silent worker")
    return watch


def silent_message(last_beat: datetime.datetime) -> str:
    return _("The background worker has been silent since %(time)s: text messages, overdue "
             "alerts and weather updates are not going out.") % {
        "time": timezone.localtime(last_beat).strftime("%m-%d %H:%M")}


def alert_worker_silent(last_beat: datetime.datetime) -> int:
    """Tell the city's leader and officer on duty, once per outage (its key is the last beat),
    in their inbox and by Web Push straight from here, as the outbox needs the worker."""
    key = f"worker_silent:{last_beat.isoformat()}"
    created = alert(None, topic=Topic.WORKER_SILENT, text=said_to_each(silent_message, last_beat),
                    key=key, severity=Severity.SEVERE, also=on_duty(DutyRole.LEADER, None))
    for item in created:
        with translation.override(item.recipient.spoken_language):
            title = str(Topic.WORKER_SILENT.label)
        push_now(item.recipient, title=title, body=item.text, url=item.get_absolute_url(),
                 purpose="duty:worker_silent", reference=key)
    if created:
        logger.error("Worker silent since %s: alerted %s", last_beat, len(created))
    return len(created)


def worker_banner(request: HttpRequest) -> Banner | None:
    """On staff pages of those who receive duty alerts, while the worker is silent."""
    if not request.user.has_perm("duty.view_alert"):
        return None
    watch = watch_worker()
    if not watch.is_silent or watch.last_beat is None:
        return None
    return Banner(silent_message(watch.last_beat), tone="alert",
                  details=[_("Restart the worker service, then check the outbox.")])


def outcome_unknown_panels(user) -> list[Panel]:
    """A card for those who keep the outbox: messages of unknown outcome to check with the
    provider (by their key, songnuan-sms-<id>)."""
    if not user.has_perm("notify.view_outbox"):
        return []
    count = outcome_unknown_count()
    if not count:
        return []
    url = reverse("admin:notify_outbox_changelist") + f"?status__exact={OutboxStatus.UNKNOWN}"
    return [Panel(_("Text messages of unknown outcome"), url, count=count, tone="alert",
                  hint=_("The worker stopped while handing them to the provider; check with "
                         "the provider whether they were sent."), order=15)]
