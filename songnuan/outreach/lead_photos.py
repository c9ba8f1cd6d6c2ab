"""A patroller sees a lead's photos while their squad is sent to it: the leads app asks this
through `leads.photos.register_patroller_access`, registered from `OutreachConfig.ready()`."""

from __future__ import annotations

from songnuan.outreach.models import Task, TaskStatus


def squad_sent_to(user, lead_ids: list[int]) -> bool:
    """Whether a squad of `user` has a task, live or done, on one of these leads."""
    return (Task.objects.filter(lead_id__in=lead_ids, squad__members__user=user)
            .exclude(status__in=(TaskStatus.CANCELLED, TaskStatus.DECLINED)).exists())
