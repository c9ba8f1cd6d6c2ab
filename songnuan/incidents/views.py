"""Incident pages: the register, the few-tap report, an incident's page, and the plans."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import can, may_place_in, scope_of
from songnuan.incidents import escalation, plans, services
from songnuan.incidents.forms import (
    AttachmentForm,
    CloseForm,
    FilterForm,
    NoteForm,
    PlanForm,
    ReportForm,
)
from songnuan.incidents.models import (
    Checklist,
    ChecklistItem,
    EmergencyPlan,
    EscalationStep,
    Incident,
)
from songnuan.network.services import districts_for
from songnuan.outreach.models import EncounterPerson, Task
from songnuan.people.models import Person
from songnuan.private_files import send_privately
from songnuan.refusals import Refused, add_to_form

REGISTER_ROWS = 300


def _visible(user):
    return Incident.objects.restrict(user, "view").select_related("district", "reported_by")


def _with_lateness(incidents, now: datetime.datetime):
    """Each incident marked `is_late` while a step of its chain is past its deadline unanswered."""
    late = EscalationStep.objects.filter(
        incident=OuterRef("pk"), sent_at__isnull=False, acknowledged_at__isnull=True,
        skipped_at__isnull=True, due_at__lt=now, incident__closed_at__isnull=True)
    return incidents.annotate(is_late=Exists(late))


def _filtered(request: HttpRequest):
    form = FilterForm(request.GET or None, districts=districts_for(request.user))
    incidents = _visible(request.user)
    if form.is_valid():
        data = form.cleaned_data
        for name in ("kind", "level", "status", "district"):
            if data[name]:
                incidents = incidents.filter(**{name: data[name]})
        if data["since"]:
            incidents = incidents.filter(reported_at__date__gte=data["since"])
        if data["until"]:
            incidents = incidents.filter(reported_at__date__lte=data["until"])
    return form, incidents


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
def register(request: HttpRequest) -> HttpResponse:
    form, incidents = _filtered(request)
    if request.GET.get("export") == "csv":
        return _csv(incidents)
    now = timezone.now()
    rows = list(_with_lateness(incidents, now)[:REGISTER_ROWS])
    return render(request, "incidents/register.html", {
        "form": form, "incidents": rows, "now": now,
        "query": request.GET.urlencode()})


def _csv(incidents) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("number"), _("type of incident"), _("severity"), _("district"),
                     _("place"), _("happened at"), _("reported at"), _("reported by"),
                     _("status"), _("acknowledged"), _("closed")])
    for row in incidents.iterator(chunk_size=500):
        writer.writerow([row.pk, row.get_kind_display(), row.get_level_display(),
                         str(row.district), row.place, _stamp(row.occurred_at),
                         _stamp(row.reported_at), str(row.reported_by), row.get_status_display(),
                         _stamp(row.acknowledged_at), _stamp(row.closed_at)])
    return response


def _stamp(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


@login_required
@permission_required("incidents.add_incident", raise_exception=True)
def report(request: HttpRequest) -> HttpResponse:
    task = _task(request)
    met = _people_met(task) if task else Person.objects.none()
    form = ReportForm(request.POST or None, districts=districts_for(request.user), people=met)
    if request.method == "POST" and form.is_valid():
        try:
            incident, _created = services.report(_input(request, form, task), by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Incident reported: the leader on duty has been told."))
            return redirect(incident)
    return render(request, "incidents/report.html", {"form": form, "task": task})


def _task(request: HttpRequest) -> Task | None:
    pk = request.POST.get("task") or request.GET.get("task")
    if not pk or not str(pk).isdigit():
        return None
    return get_object_or_404(Task.objects.restrict(request.user, "view")
                             .select_related("district"), pk=pk)


def _people_met(task: Task):
    """The people the task's squad met, and the person a follow-up task revisits."""
    met = Q(pk__in=EncounterPerson.objects.filter(encounter__task=task).values("person_id"))
    if task.follow_up_id and task.follow_up.person_id:
        met |= Q(pk=task.follow_up.person_id)
    return Person.objects.filter(met)


def _input(request: HttpRequest, form: ReportForm, task: Task | None) -> services.IncidentInput:
    data = form.cleaned_data
    people = list(data["people"])
    if data["file_numbers"]:
        found = list(Person.objects.restrict(request.user, "view")
                     .filter(pk__in=data["file_numbers"]))
        missing = set(data["file_numbers"]) - {person.pk for person in found}
        if missing:
            raise Refused(_("No person file you may see has the number %(n)s.")
                          % {"n": min(missing)}, "file_numbers")
        people += found
    return services.IncidentInput(
        client_request_id=data["client_request_id"], kind=data["kind"], level=data["level"],
        task=task, district=data["district"], lat=data["lat"], lon=data["lon"],
        place=data["place"], people=list({person.pk: person for person in people}.values()),
        description=data["description"], actions_taken=data["actions_taken"])


def _may_work_on(user, incident: Incident) -> bool:
    return can(user, "change", incident) or incident.steps.filter(recipients=user).exists()


def _may_attach(user, incident: Incident) -> bool:
    """Whoever works on it, and the reporter: the patroller sends the scene photo."""
    return incident.reported_by_id == user.pk or _may_work_on(user, incident)


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(_visible(request.user), pk=pk)
    escalation.sync_incident(incident)
    return _detail(request, incident)


def _detail(request: HttpRequest, incident: Incident, *, note_form: NoteForm | None = None,
            close_form: CloseForm | None = None, attachment_form: AttachmentForm | None = None,
            status: int = 200) -> HttpResponse:
    now = timezone.now()
    return render(request, "incidents/detail.html", {
        "incident": incident, "now": now,
        "steps": [(step, step.is_late(now)) for step in
                  incident.steps.prefetch_related("recipients").select_related(
                      "acknowledged_by")],
        "actions": incident.actions.select_related("by"),
        "attachments": incident.attachments.select_related("by"),
        "attachment_form": attachment_form or AttachmentForm(),
        "checklists": incident.checklists.select_related("version__plan").prefetch_related(
            "items__ticked_by"),
        "people": incident.people.all(),
        "may_acknowledge": escalation.alerts_to_acknowledge(incident, request.user).exists(),
        "may_work": _may_work_on(request.user, incident) and not incident.is_closed,
        "may_attach": _may_attach(request.user, incident) and not incident.is_closed,
        "may_close": can(request.user, "change", incident) and not incident.is_closed,
        "note_form": note_form or NoteForm(), "close_form": close_form or CloseForm(),
    }, status=status)


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(_visible(request.user), pk=pk)
    try:
        escalation.acknowledge(incident, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Acknowledged: the chain goes no higher on your account."))
    return redirect(incident)


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _may_work_on, NoteForm(request.POST), "note_form",
                lambda incident, data: services.add_action(incident, data["text"],
                                                           by=request.user))


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, _may_attach, AttachmentForm(request.POST, request.FILES),
                "attachment_form",
                lambda incident, data: services.attach(incident, data["file"], by=request.user))


def _act(request: HttpRequest, pk: int, may, form, form_name: str, act) -> HttpResponse:
    """A form posted from the incident's page: done, back to the page; refused, the page again
    with the form and what was typed."""
    incident = get_object_or_404(_visible(request.user), pk=pk)
    if not may(request.user, incident):
        return render(request, "403.html", status=403)
    if form.is_valid():
        try:
            act(incident, form.cleaned_data)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            return redirect(incident)
    return _detail(request, incident, **{form_name: form}, status=422)


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    incident = get_object_or_404(_visible(request.user), pk=pk)
    kept = get_object_or_404(incident.attachments, pk=attachment_pk)
    return send_privately(kept.file, content_type=services.CONTENT_TYPES.get(
        kept.extension, "application/octet-stream"), filename=kept.name,
        as_attachment=kept.extension != "jpg")


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
@require_POST
def tick(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    incident = get_object_or_404(_visible(request.user), pk=pk)
    if not _may_work_on(request.user, incident):
        return render(request, "403.html", status=403)
    item = get_object_or_404(ChecklistItem, pk=item_pk, checklist__incident=incident)
    try:
        plans.tick(item, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused.message))
    return redirect(f"{incident.get_absolute_url()}#item-{item.pk}")


@login_required
@permission_required("incidents.change_incident", raise_exception=True)
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.restrict(request.user, "change"), pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close(incident, by=request.user, **form.cleaned_data)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Incident closed with its review."))
            return redirect(incident)
    return _detail(request, incident, close_form=form, status=422)


def _level_checklist(request: HttpRequest, pk: int) -> Checklist:
    return get_object_or_404(
        Checklist.objects.restrict(request.user, "view").filter(decision__isnull=False)
        .select_related("version__plan", "district", "decision", "opened_for"), pk=pk)


def _may_tick(user, checklist: Checklist) -> bool:
    return checklist.opened_for_id == user.pk or (
        user.has_perm("incidents.change_incident") and can(user, "change", checklist))


@login_required
@permission_required("incidents.view_emergencyplan", raise_exception=True)
def level_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist a protocol level change opened for the district's leader on duty."""
    checklist = _level_checklist(request, pk)
    return render(request, "incidents/level_checklist.html", {
        "checklist": checklist, "items": checklist.items.select_related("ticked_by"),
        "may_work": _may_tick(request.user, checklist)})


@login_required
@permission_required("incidents.view_emergencyplan", raise_exception=True)
@require_POST
def level_tick(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    checklist = _level_checklist(request, pk)
    if not _may_tick(request.user, checklist):
        return render(request, "403.html", status=403)
    item = get_object_or_404(ChecklistItem, pk=item_pk, checklist=checklist)
    try:
        plans.tick(item, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused.message))
    return redirect(f"{checklist.get_absolute_url()}#item-{item.pk}")


# --------------------------------------------------------------------------- plans


@login_required
@permission_required("incidents.view_emergencyplan", raise_exception=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans_seen = (EmergencyPlan.objects.restrict(request.user, "view")
                  .select_related("district", "owner").prefetch_related("versions"))
    return render(request, "incidents/plan_list.html", {"plans": plans_seen})


@login_required
@permission_required("incidents.add_emergencyplan", raise_exception=True)
def plan_add(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, request.FILES or None,
                    districts=districts_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = EmergencyPlan(title=data["title"], kind=data["kind"],
                             protocol_level=data["protocol_level"], district=data["district"],
                             owner=request.user)
        try:
            _check_plan_scope(request.user, data["district"])
            plans.save_version(plan, **_plan_content(data), by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return render(request, "incidents/plan_form.html", {"form": form, "plan": None})


def _plan_content(data: dict) -> dict:
    """The version's text, checklist and note from the form: a Word document's where it has
    them, what was typed where it has not."""
    text, items = data["text"], plans.checklist_lines(data["items"])
    if data.get("document"):
        read_text, read_items = plans.read_docx(data["document"].read())
        text, items = read_text or text, read_items or items
    return {"text": text, "items": items, "note": data["note"]}


def _check_plan_scope(user, district) -> None:
    if district is None and scope_of(user).reach is not Reach.CITY:
        raise Refused(_("Choose your district: only the city writes the city's plans."),
                      "district")
    if district is not None and not may_place_in(user, district.pk):
        raise Refused(_("You cannot write plans for %(district)s.") % {"district": district},
                      "district")


@login_required
@permission_required("incidents.view_emergencyplan", raise_exception=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(EmergencyPlan.objects.restrict(request.user, "view")
                             .select_related("district", "owner"), pk=pk)
    may_change = can(request.user, "change", plan)
    current = plan.current()
    form = None
    if may_change:
        initial = {"text": current.text, "items": "\n".join(current.items)} if current else {}
        form = PlanForm(request.POST or None, request.FILES or None, new=False, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                plans.save_version(plan, **_plan_content(form.cleaned_data), by=request.user)
            except Refused as refused:
                add_to_form(form, refused)
            else:
                messages.success(request, _("New version saved."))
                return redirect(plan)
    return render(request, "incidents/plan_detail.html", {
        "plan": plan, "versions": plan.versions.select_related("written_by"),
        "current": current, "form": form,
        "level_checklists": (Checklist.objects.restrict(request.user, "view")
                             .filter(version__plan=plan, decision__isnull=False)
                             .select_related("district", "opened_for")
                             .order_by("-opened_at")[:20])})
