"""Background tasks in the logs: a task enqueued during a request is logged with that request's
id and the task's id, and the worker logs everything a task writes with the task's id, so one
search finds both halves.

django_tasks keeps no room beside a task's arguments to carry the request id itself to the worker
(it would have to become an argument of every task), so the enqueue line is the link.
"""

from __future__ import annotations

import logging

from django_tasks.signals import task_enqueued, task_finished, task_started

from songnuan.observability import logs

logger = logging.getLogger("songnuan.tasks")
_tokens: dict[str, object] = {}


def log_enqueued(sender, task_result, **kwargs) -> None:
    logger.info("enqueued task %s", task_result.task.module_path,
                extra={"task": task_result.task.module_path,
                       "task_id": str(task_result.id)})


def enter_task(sender, task_result, **kwargs) -> None:
    _tokens[str(task_result.id)] = logs.start(task_id=str(task_result.id))


def leave_task(sender, task_result, **kwargs) -> None:
    token = _tokens.pop(str(task_result.id), None)
    if token is not None:
        logs.end(token)


def connect() -> None:
    task_enqueued.connect(log_enqueued, dispatch_uid="observability-task-enqueued")
    task_started.connect(enter_task, dispatch_uid="observability-task-started")
    task_finished.connect(leave_task, dispatch_uid="observability-task-finished")
