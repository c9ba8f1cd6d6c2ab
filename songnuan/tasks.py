"""The project's own housekeeping jobs."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django_tasks import task

from songnuan import pending_uploads
from songnuan.scheduling import forget_old_runs, periodic


@periodic(every=datetime.timedelta(days=1))
@task(queue_name="periodic")
def housekeeping() -> int:
    """Forget old schedule slots and finished task results older than a week; sweep uploads
    held for forms that were never sent again."""
    call_command("prune_db_task_results", "--queue-name=*", "--min-age-days=7", verbosity=0)
    pending_uploads.sweep()
    return forget_old_runs()
