"""Background work of analytics: report documents, and each morning's briefings."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.analytics import writing
from songnuan.scheduling import periodic


@task()
def generate_report(report_id: int) -> bool:
    """Write a queued report's Word and PDF files (a failure is kept on the row)."""
    return writing.generate(report_id)


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def morning_briefings() -> int:
    """From BRIEFING_HOUR on, last night's briefings not yet made, for the city and each
    district."""
    made = writing.new_morning_briefings()
    for report in made:
        generate_report.enqueue(report.pk)
    return len(made)
