"""Paging a squad (派单通知): every member hears of a new task at once, on their phone.

Each member gets a Web Push notification that opens the task; a member whose phone does not
show it within a minute (no subscription, switched off, no signal) gets a text message instead.
Messages are queued in the dispatcher's transaction and sent by the worker, never in the request.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from songnuan.notify import push
from songnuan.notify.phones import normalize_mobile
from songnuan.outreach.models import Task
from songnuan.words import phrases

PURPOSE = "task_assigned"
CALLED_BACK = "task_called_back"


def reference(task: Task) -> str:
    return f"task:{task.pk}"


def page_squad(task: Task) -> int:
    """Queue a notification of `task` to each member of its squad, in the language each reads;
    return how many."""
    members = list(task.squad.members.select_related("user").filter(user__is_active=True))
    for member in members:
        with translation.override(member.user.spoken_language):
            title = _("New task: %(place)s") % {"place": _where(task)}
            body = _summary(task)
            text = _("Songnuan: new task for %(squad)s at %(place)s. %(summary)s "
                     "Open “My tasks” now.") % {"squad": task.squad.name,
                                                 "place": _where(task), "summary": body}
        push.push_to(member.user, title=title, body=body,
                     url=reverse("outreach:task_detail", args=[task.pk]), purpose=PURPOSE,
                     reference=reference(task), fallback_phone=_phone(member.user, task),
                     fallback_text=text)
    return len(members)


def call_back(task: Task, why: str | Promise) -> int:
    """The task was taken from the squad (cancelled, taken back, moved to another squad): each
    member is told to stop, and the text message announcing the task is withdrawn. A squad that
    had set off gets a text message too when no phone shows the notification, or it drives on
    to a place nobody needs it at. A lazy `why` is said in each member's language."""
    withdraw(task)
    members = list(task.squad.members.select_related("user").filter(user__is_active=True))
    on_its_way = task.accepted_at is not None
    for member in members:
        with translation.override(member.user.spoken_language):
            reason = str(why)
            title = _("Task called back: %(place)s") % {"place": _where(task)}
            text = _("Songnuan: the task of %(squad)s at %(place)s is called back (%(why)s): "
                     "no need to go.") % {"squad": task.squad.name, "place": _where(task),
                                          "why": reason}
        push.push_to(member.user, title=title, body=reason,
                     url=reverse("outreach:task_detail", args=[task.pk]), purpose=CALLED_BACK,
                     reference=reference(task),
                     fallback_phone=_phone(member.user, task) if on_its_way else "",
                     fallback_text=text if on_its_way else "")
    return len(members)


def acknowledge(task: Task, users=None) -> int:
    """The task was opened or accepted: nobody who acted needs a text message about it."""
    return push.acknowledge_reference(reference(task), users)


def withdraw(task: Task) -> int:
    """The task went to another squad: its members get no text message about it any more."""
    return push.withdraw(reference(task))


def _where(task: Task) -> str:
    if task.place:
        return task.place
    if task.lead_id:
        return task.lead.tracking_code
    return str(task.district)


def _summary(task: Task) -> str:
    if task.lead_id:
        return lead_summary(task.lead)
    person = task.follow_up.person if task.follow_up_id else None
    return _("Revisit %(person)s") % {"person": person} if person else _("Scheduled revisit")


def lead_summary(lead) -> str:
    """How many people and what was seen, as a notification says it: "2人，躺在地上，老年人"."""
    parts = [_("%(n)d person(s)") % {"n": lead.people_count}, *lead.flag_labels()]
    return phrases(parts)


def _phone(user, task: Task) -> str:
    """The member's own mobile, else the squad's: somebody in the car reads it."""
    for number in (user.phone, task.squad.phone):
        try:
            return normalize_mobile(number)
        except ValidationError:
            continue
    return ""
