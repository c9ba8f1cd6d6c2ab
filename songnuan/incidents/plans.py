"""Emergency plans (应急预案, notice 三(一)): versions with a checklist, opened for the leader on
duty when an incident of the plan's type is reported or a district's cold-weather protocol level
changes to the plan's level, each item ticked with who and when.

A plan can be written in the page or read from the Word document a bureau already keeps: its
list paragraphs (and lines numbered or marked as a list) are the checklist, the rest the text.
python-docx is imported only when a document is read: it takes a moment to import, which every
web process would otherwise pay at start."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.models import User
from songnuan.duty import services as duty
from songnuan.duty.models import Severity, Topic
from songnuan.incidents.models import (
    ActionKind,
    Checklist,
    ChecklistItem,
    EmergencyPlan,
    Incident,
    IncidentAction,
    PlanVersion,
)
from songnuan.refusals import Conflict, Refused
from songnuan.weather.protocol import LevelChange
from songnuan.words import said_to_each

MAX_ITEMS = 60
MAX_ITEM_CHARS = 300
LIST_MARK = re.compile(r"^(?:\d+(?:\.\s|、|\)|）)|[（(]\d+[）)]|[-*•□☐·])")


def checklist_lines(text: str) -> list[str]:
    """One item a line; list marks and numbering ("1. ", "1、", "（1）", "-", "□") are dropped."""
    items = []
    for line in text.splitlines():
        line = LIST_MARK.sub("", line.strip()).strip()
        if line:
            items.append(line)
    return items


def read_docx(data: bytes) -> tuple[str, list[str]]:
    """A Word document's plan text and checklist items."""
    from docx import Document  # slow to import: see the module's docstring
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise Refused(_("This is not a Word document (.docx)."), "document") from None
    text, items = [], []
    for paragraph in document.paragraphs:
        line = paragraph.text.strip()
        if not line:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("List") or LIST_MARK.match(line):
            items.extend(checklist_lines(line))
        else:
            text.append(line)
    if not text and not items:
        raise Refused(_("The document has no text."), "document")
    return "\n".join(text), items


@transaction.atomic
def save_version(plan: EmergencyPlan, *, text: str, items: list[str], note: str,
                 by: User, now: datetime.datetime | None = None) -> PlanVersion:
    """Write the plan's next version; the earlier ones stay as they were."""
    if not items:
        raise Refused(_("A plan needs at least one checklist item."), "items")
    if len(items) > MAX_ITEMS:
        raise Refused(_("At most %(n)s checklist items.") % {"n": MAX_ITEMS}, "items")
    too_long = [item for item in items if len(item) > MAX_ITEM_CHARS]
    if too_long:
        raise Refused(_("A checklist item has at most %(n)s characters: %(item)s")
                      % {"n": MAX_ITEM_CHARS, "item": too_long[0][:40]}, "items")
    if plan.pk is None:
        plan.save()
    EmergencyPlan.objects.select_for_update().filter(pk=plan.pk).first()
    last = plan.versions.aggregate(last=Max("number"))["last"] or 0
    return PlanVersion.objects.create(plan=plan, number=last + 1, text=text.strip(),
                                      items=items, note=note.strip()[:200], written_by=by,
                                      written_at=now or timezone.now())


def _own_else_city(plans, district) -> EmergencyPlan | None:
    """The district's own plan with a version, else the city's."""
    candidates = (plans.filter(is_active=True)
                  .filter(Q(district=district) | Q(district__isnull=True))
                  .order_by("district_id"))
    for plan in sorted(candidates, key=lambda plan: plan.district_id is None):
        if plan.versions.exists():
            return plan
    return None


def plan_for(incident: Incident) -> EmergencyPlan | None:
    """The district's own plan for the incident's type, else the city's."""
    return _own_else_city(EmergencyPlan.objects.filter(kind=incident.kind), incident.district)


def plan_for_level(level: int, district) -> EmergencyPlan | None:
    """The district's own plan for a protocol level, else the city's."""
    return _own_else_city(EmergencyPlan.objects.filter(protocol_level=level), district)


def open_checklist(incident: Incident, *, now: datetime.datetime | None = None
                   ) -> Checklist | None:
    """Open the matching plan's current checklist for the district's leader on duty."""
    plan = plan_for(incident)
    if plan is None:
        return None
    version = plan.current()
    now = now or timezone.now()
    leaders = duty.leaders_on_duty(incident.district, now)
    checklist, created = Checklist.objects.get_or_create(
        incident=incident, version=version,
        defaults={"opened_at": now, "opened_for": leaders[0] if leaders else None})
    if created:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=checklist, order=n, text=text)
            for n, text in enumerate(version.items))
        IncidentAction.objects.create(
            incident=incident, kind=ActionKind.CHECKLIST, at=now,
            text=_("Checklist of “%(plan)s” (version %(n)s) opened.")
            % {"plan": plan.title, "n": version.number})
    return checklist


def open_level_checklist(change: LevelChange) -> Checklist | None:
    """Open the plan of the new protocol level for the district's leader on duty, once a change.

    Registered as a weather listener (`IncidentsConfig.ready`); the leader on duty is alerted
    with a link to the checklist.
    """
    decision = change.decision
    plan = plan_for_level(int(change.level), decision.district)
    if plan is None:
        return None
    version = plan.current()
    at = decision.decided_at
    leaders = duty.leaders_on_duty(decision.district, at)
    checklist, created = Checklist.objects.get_or_create(
        decision=decision, version=version,
        defaults={"district": decision.district, "opened_at": at,
                  "opened_for": leaders[0] if leaders else None})
    if created:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=checklist, order=n, text=text)
            for n, text in enumerate(version.items))
        duty.alert(decision.district, topic=Topic.PROTOCOL,
                   text=said_to_each(_checklist_opened_text, decision, change.level, plan),
                   url=checklist.get_absolute_url(), key=f"protocol-plan:{checklist.pk}",
                   severity=Severity.WARNING, at=at)
    return checklist


def _checklist_opened_text(decision, level, plan) -> str:
    return _("%(district)s: %(level)s — checklist of “%(plan)s” opened.") % {
        "district": decision.district, "level": level.label, "plan": plan.title}


@transaction.atomic
def tick(item: ChecklistItem, *, by: User, now: datetime.datetime | None = None
         ) -> ChecklistItem:
    now = now or timezone.now()
    incident = item.checklist.incident
    if incident is not None and incident.is_closed:
        raise Conflict(_("This incident is closed."))
    if not ChecklistItem.objects.filter(pk=item.pk, ticked_at__isnull=True).update(
            ticked_at=now, ticked_by=by):
        raise Conflict(_("Already ticked."))
    item.refresh_from_db()
    if incident is None:
        return item
    IncidentAction.objects.create(incident=incident, kind=ActionKind.CHECKLIST, at=now, by=by,
                                  text=(_("Done: %(item)s") % {"item": item.text})[:1000])
    return item
