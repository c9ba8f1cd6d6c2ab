"""The gauges read from the database at each scrape: open leads by state, overdue leads, the text
message backlog and the task queue. Each is one or two indexed queries."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from songnuan.leads.models import OPEN_STATUSES, Lead
from songnuan.notify.services import outbox_backlog
from songnuan.observability.metrics import declare_gauge
from songnuan.outreach.alerts import overdue_counts


def open_leads_by_status() -> dict[tuple[str], float]:
    counts = dict(Lead.objects.open().order_by().values_list("status").annotate(Count("id")))
    return {(str(status),): counts.get(status, 0) for status in OPEN_STATUSES}


def overdue_leads_by_stage() -> dict[tuple[str], float]:
    return {(stage.value,): count for stage, count in overdue_counts().items()}


def outbox_unsent() -> float:
    return outbox_backlog()[0]


def outbox_oldest_unsent_age() -> float:
    return outbox_backlog()[1]


def _ready_tasks_by_queue() -> dict[str, tuple[int, float]]:
    """Per queue: tasks ready to run, and how long the longest-waiting one has been ready (since
    it was enqueued, or since its `run_after` came)."""
    now = timezone.now()
    ready_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                       default=Greatest("enqueued_at", "run_after"))
    rows = (DBTaskResult.objects.ready().order_by().values("queue_name")
            .annotate(count=Count("id"), oldest=Min(ready_since)))
    found = {row["queue_name"]: (row["count"], (now - row["oldest"]).total_seconds())
             for row in rows}
    for queue in settings.TASKS["default"].get("QUEUES", ["default"]):
        found.setdefault(queue, (0, 0.0))
    return found


def ready_tasks() -> dict[tuple[str], float]:
    return {(queue,): count for queue, (count, _) in _ready_tasks_by_queue().items()}


def oldest_ready_task_age() -> dict[tuple[str], float]:
    return {(queue,): age for queue, (_, age) in _ready_tasks_by_queue().items()}


def declare() -> None:
    declare_gauge("songnuan_leads_open", "Open leads, by status.", ("status",),
                  open_leads_by_status)
    declare_gauge("songnuan_leads_overdue",
                  "Open leads past the limit for a squad to be sent (assignment) or to arrive "
                  "(arrival), under tonight's cold-weather protocol.", ("stage",),
                  overdue_leads_by_stage)
    declare_gauge("songnuan_outbox_unsent_messages",
                  "Text messages queued or waiting to be tried again.", read=outbox_unsent)
    declare_gauge("songnuan_outbox_oldest_unsent_age_seconds",
                  "Age of the oldest text message not yet sent (0 when none).",
                  read=outbox_oldest_unsent_age)
    declare_gauge("songnuan_tasks_ready", "Background tasks ready to run, by queue.", ("queue",),
                  ready_tasks)
    declare_gauge("songnuan_tasks_oldest_ready_age_seconds",
                  "How long the longest-waiting ready task has waited, by queue (0 when none).",
                  ("queue",), oldest_ready_task_age)
