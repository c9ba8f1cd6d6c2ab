"""Staff pages: hotspots, the dispatch board, the patroller's phone, patrol plans, SLAs."""

from __future__ import annotations

import datetime
import uuid
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from songnuan import images, maptiles, pending_uploads
from songnuan.accounts.models import User
from songnuan.accounts.roles import ANSWER_LOOK_IN
from songnuan.accounts.scoping import may_place_in
from songnuan.geo.districts import district_by_code
from songnuan.leads.models import OPEN_STATUSES, Flag, Lead, LeadPhoto, LeadStatus, Source
from songnuan.leads.photos import may_see_photos
from songnuan.network.models import District, Site
from songnuan.notify import vapid
from songnuan.outreach import board as dispatch_board
from songnuan.outreach import (
    dispatch,
    escort,
    help_nearby,
    map_layers,
    navigation,
    night_plan,
    paging,
    patrols,
    services,
    squads,
)
from songnuan.outreach.api import my_task_changes
from songnuan.outreach.forms import (
    HotspotFilterForm,
    LookInAnswerForm,
    MemberForm,
    ShiftForm,
    SquadForm,
    StandbyForm,
)
from songnuan.outreach.models import (
    ACTIVE_TASK_STATUSES,
    Encounter,
    EncounterOutcome,
    FollowUp,
    Hotspot,
    LookIn,
    PatrolPlan,
    PatrolStop,
    Squad,
    Task,
    TaskKind,
    TaskStatus,
)
from songnuan.outreach.person_search import find_people
from songnuan.outreach.reports import service_levels as service_level_figures
from songnuan.people.models import Person, Sex
from songnuan.refusals import Refused, add_to_form, form_errors_text
from songnuan.supplies import services as supplies
from songnuan.weather.protocol import protocol_active


@cache
def _outline(code: str) -> dict:
    return district_by_code(code).geojson()


def _map_context(hotspots, district_ids: set[int]) -> dict:
    codes = sorted(District.objects.filter(pk__in=district_ids).values_list("code", flat=True))
    data = services.hotspots_geojson(hotspots)
    data["outlines"] = [_outline(code) for code in codes]
    return data | maptiles.tile_layer()


@login_required
@permission_required("outreach.view_hotspot", raise_exception=True)
def hotspot_list(request: HttpRequest) -> HttpResponse:
    hotspots = Hotspot.objects.restrict(request.user, "view").select_related("district")
    form = HotspotFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            hotspots = hotspots.filter(district=data["district"])
        if data["place_type"]:
            hotspots = hotspots.filter(place_type=data["place_type"])
        if data["risk_level"]:
            hotspots = hotspots.filter(risk_level=data["risk_level"])
    hotspots = list(hotspots.filter(is_active=True))
    districts = {spot.district_id for spot in hotspots}
    layers = map_layers.layers_for(request.user)
    return render(request, "outreach/hotspot_list.html", {
        "form": form, "hotspots": hotspots, "layers": layers,
        "map_data": _map_context(hotspots, districts) | {
            "layers": map_layers.as_map_data(layers)},
    })


@login_required
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = get_object_or_404(
        Hotspot.objects.restrict(request.user, "view").select_related("district"), pk=pk
    )
    under_protocol = protocol_active(hotspot.district_id)
    return render(request, "outreach/hotspot_detail.html", {
        "hotspot": hotspot, "under_protocol": under_protocol,
        "required_patrols": hotspot.required_patrols(under_protocol),
        "map_data": _map_context([hotspot], {hotspot.district_id}),
    })


# ------------------------------------------------------------------ the dispatch board

def _dispatcher(view):
    view = permission_required(("outreach.add_task", "leads.change_lead"),
                               raise_exception=True)(view)
    return login_required(view)


QUEUE_SHOWN = 100  # leads the queue lists; the map draws them all


@_dispatcher
def board(request: HttpRequest) -> HttpResponse:
    districts = [(district.pk, str(district)) for district in _districts(request.user)]
    queue = _queue_context(dispatch_board.board_data(request.user))
    return render(request, "outreach/board.html", queue | {
        "map_data": _map_context([], {pk for pk, _name in districts}) | {
            "queue_url": reverse("outreach:board_queue"),
            "refresh_ms": round(settings.OUTREACH_BOARD_REFRESH_SECONDS * 1000),
            # The JS puts a lead's id in place of the 0.
            "lead_url": reverse("leads:lead_detail", args=[0]),
        },
        "filters": {
            "district": districts,
            "status": [(value, label) for value, label in LeadStatus.choices
                       if value in OPEN_STATUSES],
            "flag": Flag.choices, "source": Source.choices,
        },
    })


def _districts_worked_in(user) -> set[int]:
    return {pk for pk in District.objects.values_list("pk", flat=True) if may_place_in(user, pk)}


@_dispatcher
def board_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/_board_queue.html",
                  _queue_context(dispatch_board.board_data(request.user)))


def _queue_context(data: dict) -> dict:
    """The head of the queue, each lead with the squads to pick from: the ranked suggestions
    first (a mutual-aid squad from another district among them), then the other on-shift
    squads of its district."""
    squads = sorted(data["squads"], key=lambda s: (not s["on_shift"], s["name"]))
    by_district: dict[int, list[dict]] = {}
    for squad in squads:
        if squad["on_shift"]:
            by_district.setdefault(squad["district_id"], []).append(squad)
    shown = []
    for lead in data["leads"][:QUEUE_SHOWN]:
        ranked = lead.get("suggestions") or (
            [lead["suggestion"]] if lead.get("suggestion") else [])
        busy_with = lead["task"]["squad_id"] if lead["task"] else None
        choices = [{"id": s["squad_id"], "name": s["squad"]} for s in ranked
                   if s["squad_id"] != busy_with]
        listed = {choice["id"] for choice in choices} | {busy_with}
        choices += [{"id": s["id"], "name": s["name"]}
                    for s in by_district.get(lead["district_id"], []) if s["id"] not in listed]
        suggested = " ".join(str(s["squad_id"]) for s in ranked if s["squad_id"] != busy_with)
        shown.append((lead, choices, suggested))
    return {"data": data, "squads": squads, "shown": shown}


@_dispatcher
def board_data_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(dispatch_board.board_data(request.user))


def _back_to_board(request: HttpRequest, error: str = "", ok: str = "") -> HttpResponse:
    if error:
        messages.error(request, error)
    elif ok:
        messages.success(request, ok)
    if request.htmx:
        return board_queue(request)
    return redirect("outreach:board")


@require_POST
@_dispatcher
def assign_lead(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"), pk=pk)
    if lead.district_id is None:
        return _back_to_board(request, error=gettext(
            "The lead has no location yet: set its place or its district first."))
    pick = _chosen_squad(request, lead.lat, lead.lon, lead.district_id, lead_id=lead.pk)
    if pick is None:
        return _back_to_board(request, error=gettext("No squad is available."))
    try:
        dispatch.assign_lead(lead, pick.squad, by=request.user, reason=pick.reason,
                             eta_min=pick.eta_min)
    except Refused as refused:
        return _back_to_board(request, error=refused.message)
    return _back_to_board(request, ok=gettext("%(lead)s assigned to %(squad)s.") % {
        "lead": lead.tracking_code, "squad": pick.squad.name})


@require_POST
@_dispatcher
def assign_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp.objects.restrict(request.user, "change"), pk=pk)
    pick = _chosen_squad(request, follow_up.lat, follow_up.lon, follow_up.district_id)
    if pick is None:
        return _back_to_board(request, error=gettext("No squad is available."))
    try:
        dispatch.assign_follow_up(follow_up, pick.squad, by=request.user, reason=pick.reason,
                                  eta_min=pick.eta_min)
    except Refused as refused:
        return _back_to_board(request, error=refused.message)
    return _back_to_board(request, ok=gettext("Follow-up assigned to %(squad)s.") % {
        "squad": pick.squad.name})


@require_POST
@_dispatcher
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.restrict(request.user, "change"), pk=pk)
    pick = _chosen_squad(request, task.lat, task.lon, task.district_id, exclude=task.squad_id)
    if pick is None:
        return _back_to_board(request, error=gettext("No other squad is available."))
    try:
        dispatch.reassign(task, pick.squad, by=request.user, reason=pick.reason,
                          eta_min=pick.eta_min)
    except Refused as refused:
        return _back_to_board(request, error=refused.message)
    return _back_to_board(request, ok=gettext("Moved to %(squad)s.") % {
        "squad": pick.squad.name})


@require_POST
@_dispatcher
def call_on_reserve(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader on duty answers a capacity alert by calling a reserve squad on."""
    squad = get_object_or_404(Squad.objects.restrict(request.user, "change"), pk=pk)
    try:
        squads.call_on_reserve(squad, by=request.user)
    except Refused as refused:
        return _back_to_board(request, error=refused.message)
    ready = timezone.localtime(timezone.now() + squads.call_out_time())
    return _back_to_board(request, ok=gettext(
        "%(squad)s called on: its crew gathers, and it can be sent from %(time)s.") % {
        "squad": squad.name, "time": ready.strftime("%H:%M")})


@require_POST
@_dispatcher
def send_to_standby(request: HttpRequest, pk: int) -> HttpResponse:
    """The dispatcher tells a squad with nothing to do where to wait, as the board suggests."""
    squad = get_object_or_404(Squad.objects.restrict(request.user, "change"), pk=pk)
    form = StandbyForm(request.POST)
    if not form.is_valid():
        return _back_to_board(request, error=form_errors_text(form))
    data = form.cleaned_data
    try:
        squads.send_to_standby(squad, data["lat"], data["lon"], data["place"], by=request.user,
                               for_the_night=data["for_the_night"])
    except Refused as refused:
        return _back_to_board(request, error=refused.message)
    return _back_to_board(request, ok=gettext("%(squad)s told to wait at %(place)s.") % {
        "squad": squad.name, "place": data["place"]})


@require_POST
@_dispatcher
def ask_to_look_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The dispatcher has phoned a site near a lead no squad can reach in time."""
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"), pk=pk)
    site_id = request.POST.get("site", "")
    site = (Site.objects.filter(pk=int(site_id)).first()
            if site_id.isdigit() and len(site_id) <= 9 else None)
    if site is None:
        return _back_to_board(request, error=gettext("Choose the site that was asked."))
    try:
        help_nearby.ask_to_look_in(lead, site, by=request.user)
    except Refused as refused:
        return _back_to_board(request, error=refused.message)
    return _back_to_board(request, ok=gettext("%(site)s asked to look in on %(code)s.") % {
        "site": site.name, "code": lead.tracking_code})


@login_required
@permission_required(ANSWER_LOOK_IN, raise_exception=True)
def look_ins(request: HttpRequest) -> HttpResponse:
    """A site's staff (or a dispatcher they phoned back): the requests to look in on someone
    near, to answer what they found."""
    return _look_ins_page(request)


@require_POST
@login_required
@permission_required(ANSWER_LOOK_IN, raise_exception=True)
def answer_look_in(request: HttpRequest, pk: int) -> HttpResponse:
    look_in = get_object_or_404(LookIn.objects.restrict(request.user, "change"), pk=pk)
    form = LookInAnswerForm(request.POST, auto_id=f"id_{pk}_%s")
    if form.is_valid():
        try:
            help_nearby.answer_look_in(look_in, form.cleaned_data["answer"],
                                       form.cleaned_data["note"], by=request.user)
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, gettext("Answer sent to the dispatcher for %(code)s.") % {
                "code": look_in.lead.tracking_code})
            return redirect("outreach:look_ins")
    return _look_ins_page(request, typed=(pk, form), status=422)


def _look_ins_page(request: HttpRequest, typed: tuple[int, LookInAnswerForm] | None = None,
                   status: int = 200) -> HttpResponse:
    """The page; a refused answer keeps what was typed, on its request or, when the request
    was answered meanwhile, at the top."""
    waiting, done = help_nearby.requests_to(LookIn.objects.restrict(request.user, "view"),
                                            timezone.now())
    typed_pk, typed_form = typed or (None, None)
    for row in waiting:
        row.form = (typed_form if row.pk == typed_pk
                    else LookInAnswerForm(auto_id=f"id_{row.pk}_%s"))
        lead = row.lead
        row.map_links = (navigation.map_links(lead.lat, lead.lon, lead.place or lead.tracking_code)
                         if lead.lat is not None else [])
    stranded = typed_form if typed_pk not in {row.pk for row in waiting} else None
    # Requests reach a site's own staff by push; a dispatcher here only writes down an answer.
    offer_push = request.user.site_id is not None
    return render(request, "outreach/look_ins.html",
                  {"waiting": waiting, "done": done, "stranded": stranded,
                   "offer_push": offer_push, "vapid_public_key": vapid.keys().public_key},
                  status=status)


def _chosen_squad(request: HttpRequest, lat, lon, district_id, *, lead_id=None, exclude=None
                  ) -> night_plan.Pick | None:
    """The squad picked on the board, or the suggested one when none was picked."""
    picked = request.POST.get("squad", "")
    if picked and not picked.isdigit():
        return None
    return night_plan.pick_squad(Squad.objects.restrict(request.user, "view"), lat=lat,
                                 lon=lon, district_id=district_id, lead_id=lead_id,
                                 picked=int(picked) if picked else None, exclude=exclude)


# ------------------------------------------------------------------ squads and shifts

def _districts(user):
    return District.objects.filter(pk__in=_districts_worked_in(user)).order_by("code")


@_dispatcher
def squad_list(request: HttpRequest) -> HttpResponse:
    found = list(Squad.objects.restrict(request.user, "view").select_related("district"))
    on_shift = dispatch.squads_on_shift(found, timezone.now())
    loads = dispatch.squad_loads([s.pk for s in found])
    rows = [{"squad": s, "on_shift": s.pk in on_shift, "load": loads.get(s.pk, 0)}
            for s in found]
    return render(request, "outreach/squad_list.html", {"rows": rows})


@_dispatcher
def squad_new(request: HttpRequest) -> HttpResponse:
    form = SquadForm(request.POST or None, districts=_districts(request.user))
    if request.method == "POST" and form.is_valid():
        squad = form.save()
        messages.success(request, gettext("Squad %(squad)s created.") % {"squad": squad.name})
        return redirect("outreach:squad_detail", squad.pk)
    return render(request, "outreach/squad_form.html", {"form": form},
                  status=422 if form.errors else 200)


@_dispatcher
def squad_detail(request: HttpRequest, pk: int) -> HttpResponse:
    squad = get_object_or_404(Squad.objects.restrict(request.user, "change")
                              .select_related("district"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    users = User.objects.filter(district=squad.district_id, is_active=True).order_by("username")
    forms = {
        "squad": SquadForm(request.POST if action == "squad" else None, instance=squad,
                           districts=_districts(request.user)),
        "member": MemberForm(request.POST if action == "member" else None, users=users),
        "shift": ShiftForm(request.POST if action == "shift" else None),
    }
    if action in forms and forms[action].is_valid():
        try:
            _save(action, squad, forms[action])
        except Refused as refused:
            add_to_form(forms[action], refused)
        else:
            return redirect(request.get_full_path())
    elif action == "remove_member" and request.POST.get("member", "").isdigit():
        squad.members.filter(pk=request.POST["member"]).delete()
        return redirect(request.get_full_path())
    elif action == "remove_shift" and request.POST.get("shift", "").isdigit():
        # Past shifts are the record of who worked when; only coming ones can be dropped.
        squad.shifts.filter(pk=request.POST["shift"], starts_at__gt=timezone.now()).delete()
        return redirect(request.get_full_path())
    return render(request, "outreach/squad_detail.html", _squad_context(request, squad, forms),
                  status=422 if action and any(f.errors for f in forms.values()) else 200)


def _save(action: str, squad: Squad, form) -> None:
    data = form.cleaned_data
    if action == "squad":
        form.save()
    elif action == "member":
        squads.add_member(squad, data["user"], data["agency"], data["is_leader"])
    else:
        squads.add_shift(squad, data["starts_at"], data["ends_at"])


def _squad_context(request: HttpRequest, squad: Squad, forms: dict) -> dict:
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    days = squads.week_of(day)
    now = timezone.now()
    return {
        "squad": squad, "forms": forms, "now": now,
        "members": squad.members.select_related("user").order_by("-is_leader", "user__username"),
        "week": squads.week_schedule(squad, days),
        "previous_week": days[0] - datetime.timedelta(days=7),
        "next_week": days[0] + datetime.timedelta(days=7),
        "on_shift": dispatch.is_on_shift(squad, now),
        "load": dispatch.squad_loads([squad.pk]).get(squad.pk, 0),
    }


# ------------------------------------------------------------------ the patroller's phone

def _my_tasks(user):
    return (Task.objects.restrict(user, "view").filter(squad__members__user=user)
            .select_related("squad", "lead", "follow_up__person"))


@login_required
@permission_required("outreach.view_task", raise_exception=True)
def my_tasks(request: HttpRequest) -> HttpResponse:
    feed = my_task_changes(request.user, None)  # first: a change after it comes in the next read
    tasks = list(_my_tasks(request.user).filter(status__in=ACTIVE_TASK_STATUSES)
                 .order_by("assigned_at"))
    squads = Squad.objects.filter(members__user=request.user, is_active=True)
    stops = (PatrolStop.objects.filter(squad__in=squads, plan__night=patrols.night_of(
        timezone.now())).select_related("hotspot")
        .order_by("plan__night", "order"))
    standby = [(squad, navigation.map_links(*squad.standby, squad.standby_place))
               for squad in squads if squad.standby is not None]
    return render(request, "outreach/phone_tasks.html", {
        "tasks": tasks, "squads": squads, "stops": stops, "standby": standby,
        "now": timezone.now(), "feed": feed,
        "labels": _phone_labels(), "vapid_public_key": vapid.keys().public_key})


def _phone_labels() -> dict:
    """The words the phone's script needs: to draw a task from the API's JSON as the page does,
    and to say what its queue is waiting for."""
    return {"kind": dict(TaskKind.choices), "status": dict(TaskStatus.choices),
            "flags": dict(Flag.choices),
            "people": _one_and_other(lambda n: ngettext("%(n)s person", "%(n)s people", n)),
            "assigned": gettext("Assigned %(at)s"),
            "called_back": gettext("Called back: %(place)s (%(why)s)"),
            "queue": _one_and_other(lambda n: ngettext("%(n)s action waiting for the network",
                                                       "%(n)s actions waiting for the network",
                                                       n)),
            "storage_full": gettext(
                "The phone's storage is full: keep this page open until they are sent."),
            "signed_out": gettext("You are signed out: sign in again; your actions are kept."),
            "not_saved": gettext("Not saved.")}


def _one_and_other(message) -> dict[str, str]:
    """`message` for one and for several, for a script to fill in "%(n)s"."""
    return {"one": message(1), "other": message(2)}


@login_required
@permission_required("outreach.view_task", raise_exception=True)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(_my_tasks(request.user), pk=pk)
    if "X-Songnuan-Keep" not in request.headers:  # the service worker storing it is not a read
        paging.acknowledge(task, [request.user])
    return render(request, "outreach/phone_task.html", _task_context(request, task))


def _task_context(request: HttpRequest, task: Task, state: dict | None = None,
                  **extra) -> dict:
    person_outcomes = [(v, label) for v, label in EncounterOutcome.choices
                       if v in dispatch.OUTCOMES_WITH_PEOPLE]
    options = escort.escort_sites(task)
    suggested = extra.get("suggested_site")
    if suggested is not None and all(o.site.pk != suggested.pk for o in options):
        options.append(escort.EscortSite(suggested, None, 0, False))
    state = state or {}
    if "site" not in state:
        chosen = escort.preselected(options)
        state["site"] = str(chosen.pk) if chosen else ""
    stock = list(supplies.stocks_of(task.squad).filter(quantity__gt=0, item__is_active=True))
    return {"task": task, "outcomes": EncounterOutcome.choices, "escort_sites": options,
            "person_outcomes": person_outcomes, "sexes": Sex.choices, "stock": stock,
            "slots": _person_slots(state.get("people", []), stock), "state": state,
            "client_request_id": state.get("client_request_id") or uuid.uuid4().hex,
            "labels": _phone_labels(),
            "closed_message": (dispatch.closed_message(task) if task.status in (
                TaskStatus.CANCELLED, TaskStatus.DECLINED) else ""),
            **_lead_context(request, task), **extra}


def _person_slots(people: list[dict], stock) -> list[dict]:
    """The form's person fieldsets: the first always open, the others open when filled in."""
    slots = []
    for index in range(MAX_PEOPLE_PER_ENCOUNTER):
        values = people[index] if index < len(people) else {}
        items = values.get("items", {})
        slots.append({"index": index, "is_open": index == 0 or bool(values), **values,
                      "stock": [(row, items.get(row.item.pk, 0)) for row in stock],
                      "handed_any": any(items.values())})
    return slots


def _lead_context(request: HttpRequest, task: Task) -> dict:
    """Where to drive and what squads found around the place lately; for a lead, also what
    the reporter saw and said, and the open leads around it (the squad there may take them
    too, or see that their people are the ones in front of it)."""
    lead = task.lead
    context: dict = {"map_links": [], "photos": [], "duplicates": [], "lead_notes": [],
                     "met_here": dispatch.met_here_recently(task)}
    if task.lat is not None and task.lon is not None:
        context["map_links"] = navigation.map_links(
            task.lat, task.lon, task.place or (lead.tracking_code if lead else ""))
    if lead is None:
        return context
    if may_see_photos(request.user, lead):
        context["photos"] = list(LeadPhoto.objects.filter(lead__in=[lead, *lead.duplicates.all()]))
    context["duplicates"] = list(lead.duplicates.order_by("received_at"))
    context["lead_notes"] = [change for change in lead.history.select_related("by")
                             if change.note]
    context["nearby"] = dispatch.open_leads_nearby(lead)
    return context


def _phone_reply(request: HttpRequest, task: Task, error: str = "", field: str = "",
                 status: int = 200) -> HttpResponse:
    """Queued phone actions post with fetch and read JSON; a plain form gets the page again."""
    if _wants_json(request):
        body = {"ok": not error, "status": task.status}
        if error:
            body["error"], body["field"] = error, field
        return JsonResponse(body, status=status)
    if error:
        messages.error(request, error)
    return redirect("outreach:task_detail", task.pk)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _client_time(request: HttpRequest) -> datetime.datetime | None:
    """When the phone says the patroller tapped (ISO 8601 with offset), if it sent one."""
    try:
        at = datetime.datetime.fromisoformat(request.POST.get("client_at", ""))
    except ValueError:
        return None
    return at if timezone.is_aware(at) else None


@require_POST
@login_required
@permission_required("outreach.change_task", raise_exception=True)
def task_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    task = get_object_or_404(_my_tasks(request.user), pk=pk)
    action = {"accept": dispatch.accept, "arrive": dispatch.arrive}.get(step)
    if action is None:
        raise Http404
    try:
        task = action(task, by=request.user, client_at=_client_time(request))
    except Refused as refused:
        return _phone_reply(request, task, refused.message, refused.field or "", 409)
    paging.acknowledge(task)  # the squad is on its way: nobody needs the text message now
    return _phone_reply(request, task)


@require_POST
@login_required
@permission_required("outreach.change_task", raise_exception=True)
def task_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """The squad cannot take the task (a breakdown, someone already on board): the form the
    phone page falls back on without its script, which sends the same to the API."""
    task = get_object_or_404(_my_tasks(request.user), pk=pk)
    try:
        dispatch.decline(task, by=request.user, reason=request.POST.get("reason", ""),
                         client_at=_client_time(request))
    except Refused as refused:  # the page again, the reason as typed, the error beside it
        return render(request, "outreach/phone_task.html", _task_context(
            request, task, decline_error=refused.message, decline_field=refused.field or "",
            decline_reason=request.POST.get("reason", "")), status=refused.status)
    messages.success(request, gettext("Declined: the task goes back to the dispatchers."))
    return redirect("outreach:my_tasks")


@require_POST
@login_required
@permission_required("outreach.change_task", raise_exception=True)
def task_someone_else(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """A report merged into the task's lead is about someone else: split it off."""
    return _on_the_scene(request, pk, report_pk, dispatch.someone_else, gettext(
        "%(code)s is a lead of its own now: the dispatchers will send a squad."))


@require_POST
@login_required
@permission_required("outreach.change_task", raise_exception=True)
def task_same_people(request: HttpRequest, pk: int, lead_pk: int) -> HttpResponse:
    """An open lead nearby is about the people the squad found: merge it into the task's."""
    return _on_the_scene(request, pk, lead_pk, dispatch.same_people, gettext(
        "%(code)s is merged into this lead: its reporter is told what you find."))


def _on_the_scene(request: HttpRequest, pk: int, lead_pk: int, act, done: str) -> HttpResponse:
    """A squad's step about another lead on the scene, from the page without its script."""
    task = get_object_or_404(_my_tasks(request.user), pk=pk)
    other = get_object_or_404(Lead, pk=lead_pk)
    try:
        changed = act(task, other, by=request.user)
    except Refused as refused:
        return _phone_reply(request, task, refused.message, refused.field or "", 409)
    messages.success(request, done % {"code": changed.tracking_code})
    return _phone_reply(request, task)


@require_POST
@login_required
@permission_required("outreach.add_encounter", raise_exception=True)
def task_encounter(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(_my_tasks(request.user), pk=pk)
    state = _encounter_state(request)
    try:
        data = _encounter_input(request, state)
        encounter = dispatch.record_encounter(task, data, by=request.user)
    except Refused as refused:
        if _wants_json(request):
            return _phone_reply(request, task, refused.message, refused.field or "", 422)
        _hold_photos(request, state)
        return render(request, "outreach/phone_task.html", _task_context(
            request, task, state, error=refused.message, error_field=refused.field or "",
            suggested_site=getattr(refused, "suggestion", None)), status=422)
    pending_uploads.release([p.get("photo_token", "") for p in state["people"]], request.user)
    task.refresh_from_db()
    short = _shortfall_message(encounter.shortfalls)
    if _wants_json(request):
        return JsonResponse({"ok": True, "status": task.status, "warning": short,
                             "next": reverse("outreach:my_tasks")})
    messages.success(request, gettext("Recorded. Thank you."))
    if short:
        messages.warning(request, short)
    return redirect("outreach:my_tasks")


def _shortfall_message(shortfalls) -> str:
    if not shortfalls:
        return ""
    return gettext("The squad's stock was short, so less was handed over: %(items)s.") % {
        "items": "; ".join(str(short) for short in shortfalls)}


def _encounter_state(request: HttpRequest) -> dict:
    """Everything the patroller typed, as typed: the form is shown again with it on an error."""
    post = request.POST
    people = []
    for index in range(MAX_PEOPLE_PER_ENCOUNTER):
        prefix = f"p{index}-"
        values = {key: post.get(prefix + key, "").strip()
                  for key in ("person", "q", "sex", "age", "name", "outcome", "photo_token")}
        values["items"] = _items_handed(post, prefix)
        values["has_upload"] = prefix + "photo" in request.FILES
        people.append(values)
    # Trailing empty slots are not people; an empty slot between filled ones keeps its place.
    while people and not _is_filled(people[-1]):
        people.pop()
    return {"client_request_id": post.get("client_request_id", "")[:64],
            "outcome": post.get("outcome", ""), "site": post.get("site", ""),
            "hospital": post.get("hospital", ""), "contact_card": bool(post.get("contact_card")),
            "note": post.get("note", ""), "people": people}


def _is_filled(values: dict) -> bool:
    return bool(values["person"] or values["age"] or values["name"] or values["outcome"]
                or values["photo_token"] or values["has_upload"] or any(values["items"].values()))


def _hold_photos(request: HttpRequest, state: dict) -> None:
    """Keep each photo sent with a refused form, so the page can carry it back by token."""
    for index, values in enumerate(state["people"]):
        upload = request.FILES.get(f"p{index}-photo")
        if upload is not None:
            values["photo_token"] = pending_uploads.hold(upload, request.user)


def _encounter_input(request: HttpRequest, state: dict) -> dispatch.EncounterInput:
    people = []
    for index, values in enumerate(state["people"]):
        if not _is_filled(values):
            continue
        photo = request.FILES.get(f"p{index}-photo")
        if photo is None and values["photo_token"]:
            photo = pending_uploads.held(values["photo_token"], request.user)
        if photo is not None:
            photo = _scrubbed_photo(photo)
        person_id, age = values["person"], values["age"]
        people.append(dispatch.PersonMet(
            person_id=int(person_id) if person_id.isdigit() else None,
            sex=values["sex"] if values["sex"] in Sex.values else "",
            age_estimate=_age(age), self_name=values["name"], photo=photo,
            outcome=values["outcome"], supplies=values["items"]))
    site = state["site"]
    return dispatch.EncounterInput(
        client_request_id=state["client_request_id"] or uuid.uuid4().hex,
        outcome=state["outcome"], people=people,
        site_id=int(site) if site.isdigit() else None, hospital=state["hospital"],
        contact_card_left=state["contact_card"], note=state["note"],
        client_at=_client_time(request))


def _scrubbed_photo(upload):
    """Re-encoded now, so a file that is no photo is refused on the form, not in the save."""
    try:
        return images.scrubbed(upload)
    except ValidationError as error:
        raise Refused(error.messages[0], "photo") from None


def _age(text: str) -> int | None:
    """An approximate age; anything else is refused on the field rather than dropped."""
    if not text:
        return None
    if text.isdigit() and 0 < int(text) < 120:
        return int(text)
    raise Refused(gettext("Enter an age between 1 and 119."), "age")


def _items_handed(post, prefix: str) -> dict[int, int]:
    """The steppers' "p0-item-12" = "2" fields; a quantity that is not a number counts as -1,
    so the service refuses it rather than silently handing over nothing."""
    found = {}
    for name, value in post.items():
        if not name.startswith(prefix + "item-") or not name[len(prefix) + 5:].isdigit():
            continue
        value = value.strip()
        found[int(name[len(prefix) + 5:])] = int(value) if value.isdigit() else (
            0 if not value else -1)
    return found


MAX_PEOPLE_PER_ENCOUNTER = 5


@login_required
@permission_required("people.view_person", raise_exception=True)
def person_search(request: HttpRequest) -> HttpResponse:
    """Quick search of person files by name or pinyin, for the encounter form."""
    found = find_people(Person.objects.restrict(request.user, "view"), request.GET.get("q", ""))
    return render(request, "outreach/_person_results.html", {
        "people": found, "index": request.GET.get("i", "0")})


# ------------------------------------------------------------------ night patrol plans

@login_required
@permission_required("outreach.view_patrolplan", raise_exception=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = PatrolPlan.objects.restrict(request.user, "view").select_related("district")[:60]
    districts = [d for d in District.objects.order_by("code")
                 if may_place_in(request.user, d.pk)]
    error = ""
    if request.method == "POST":
        if not request.user.has_perm("outreach.add_patrolplan"):
            raise PermissionDenied
        district = next((d for d in districts if str(d.pk) == request.POST.get("district")),
                        None)
        try:
            night = datetime.date.fromisoformat(request.POST.get("night", ""))
        except ValueError:
            night = None
        if district is None or night is None:
            error = gettext("Choose a district and a night.")
        else:
            try:
                plan = patrols.make_plan(district, night, by=request.user)
            except Refused as refused:
                error = refused.message
            else:
                return redirect("outreach:plan_detail", plan.pk)
    return render(request, "outreach/plan_list.html", {
        "plans": plans, "districts": districts, "error": error,
        "tonight": patrols.night_of(timezone.now())}, status=422 if error else 200)


@login_required
@permission_required("outreach.view_patrolplan", raise_exception=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(PatrolPlan.objects.restrict(request.user, "view")
                             .select_related("district"), pk=pk)
    dropped = Hotspot.objects.filter(pk__in=plan.dropped)
    return render(request, "outreach/plan_detail.html", {
        "plan": plan, "routes": patrols.squads_for(plan), "dropped": dropped,
        "now": timezone.now()})


@require_POST
@login_required
@permission_required("outreach.change_patrolstop", raise_exception=True)
def stop_check(request: HttpRequest, pk: int) -> HttpResponse:
    stop = get_object_or_404(PatrolStop.objects.restrict(request.user, "change"), pk=pk)
    patrols.check_off(stop)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": True})
    return redirect(request.POST.get("next") or "outreach:my_tasks")


# ------------------------------------------------------------------ service levels

@login_required
@permission_required("outreach.view_task", raise_exception=True)
def service_levels(request: HttpRequest) -> HttpResponse:
    days = 14
    rows = service_level_figures(Task.objects.restrict(request.user, "view"),
                   Encounter.objects.restrict(request.user, "view"),
                   since=timezone.now() - datetime.timedelta(days=days))
    return render(request, "outreach/service_levels.html", {"rows": rows, "days": days,
                                                            "outcomes": EncounterOutcome})
