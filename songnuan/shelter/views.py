"""Station pages: the occupancy board, arrivals, the admission wizard, the stay, the daily log,
zones and relief-point visits. Thin: parse, call `services`, render."""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts.roles import SENSITIVE
from songnuan.accounts.scoping import may_place_in
from songnuan.network.models import Site, SiteLevel
from songnuan.people.identities import record_staff_entry
from songnuan.people.models import Person, Sex
from songnuan.people.services import record_sensitive_read, save_person
from songnuan.refusals import Refused, add_to_form, form_errors_text
from songnuan.shelter import allocation, forms, listeners
from songnuan.shelter.admission import (
    SUPPORT_ACTIONS,
    AdmissionInput,
    admit,
    cancel_arrival,
    check_admission_input,
    check_site_has_room,
    expect_arrival,
)
from songnuan.shelter.alerts import stays_ending, stays_over, zones_not_disinfected
from songnuan.shelter.beds import create_zone, free_beds, placement_for, suggest_bed
from songnuan.shelter.daily import (
    RollCallEntry,
    end_visit,
    link_visit,
    record_disinfection,
    record_entry_check,
    record_meal,
    record_note,
    record_roll_call,
    record_visit,
)
from songnuan.shelter.discharge import DischargeInput, discharge, discharge_refusals
from songnuan.shelter.held_files import HeldFiles
from songnuan.shelter.models import (
    AgeGroup,
    Arrival,
    ArrivalStatus,
    Bed,
    Condition,
    Disinfection,
    EntryCheck,
    LogKind,
    Meal,
    Referral,
    ReferralStatus,
    ReliefVisit,
    Stay,
    StayLog,
    StayStatus,
    SupportAction,
    Zone,
)
from songnuan.shelter.stays import complete_action, extend_stay, move_bed, refer, update_referral

STATION_LEVELS = (SiteLevel.CENTRAL_STATION, SiteLevel.SUB_STATION)


def _stations(user, action: str = "view"):
    sites = Site.objects.restrict(user, "view").filter(level__in=STATION_LEVELS)
    if action != "view":
        sites = [site for site in sites if may_place_in(user, site.district_id, site.pk)]
        return Site.objects.filter(pk__in=[site.pk for site in sites])
    return sites


def _default_site(user, sites):
    return sites.filter(pk=user.site_id).first() or sites.first()


# --- Board ---------------------------------------------------------------------------------

@login_required
@permission_required("shelter.view_bed", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites = _stations(user)
    chosen = request.GET.get("site")
    if chosen:
        sites = sites.filter(pk=_int(chosen))
    zones = list(Zone.objects.restrict(user).filter(site__in=sites, is_active=True)
                 .select_related("site").order_by("site__district__code", "site__name", "name"))
    # Plain rows, not model instances: the board shows thousands of beds.
    beds = defaultdict(list)
    for row in (Bed.objects.restrict(user).filter(zone__in=zones)
                .order_by("zone_id", "label").values_list("pk", "zone_id", "label", "is_active")):
        beds[row[1]].append(row)
    stays = Stay.objects.restrict(user).filter(status=StayStatus.OPEN, site__in=sites)
    by_bed = {row[0]: row for row in stays.filter(bed__isnull=False).values_list(
        "bed_id", "pk", "admitted_at", "limit_days", "person__name", "person__self_name",
        "person__alias")}
    now = timezone.now()
    site_rows = defaultdict(list)
    for zone in zones:
        tiles, used, usable = [], 0, 0
        for bed_id, _zone, label, active in beds[zone.pk]:
            stay = by_bed.get(bed_id)
            usable += active
            used += stay is not None
            tiles.append(_bed_tile(label, active, stay, now))
        site_rows[zone.site].append({"zone": zone, "tiles": mark_safe("".join(tiles)),  # noqa: S308
                                     "count": len(tiles), "used": used, "free": usable - used})
    alert = request.GET.get("alerts")
    listed = []
    if alert == "over":
        listed = stays_over(stays.select_related("person", "bed", "site"), now)
    elif alert == "ending":
        listed = stays_ending(stays.select_related("person", "bed", "site"), now)
    return render(request, "shelter/board.html", {
        "sites": [(site, rows, sum(r["used"] for r in rows), sum(r["free"] for r in rows))
                  for site, rows in site_rows.items()],
        "all_sites": _stations(user), "chosen": chosen, "alert": alert, "listed": listed,
    })


def _bed_tile(label: str, active: bool, stay: tuple | None, now) -> str:
    """One bed of the board, escaped by format_html."""
    if stay is None:
        state = "free" if active else "off"
        return format_html('<span class="bed {}"><b>{}</b></span>', state, label)
    _bed, pk, admitted_at, limit_days, name, self_name, alias = stay
    days_left = (admitted_at + timezone.timedelta(days=limit_days) - now).total_seconds() / 86400
    warning = settings.SHELTER_STAY_WARNING_DAYS
    state = "over" if days_left < 0 else "ending" if days_left <= warning else "taken"
    who = name or self_name or alias or "?"  # the name in force, as Person.display_name
    return format_html('<a class="bed {}" href="{}" title="{}"><b>{}</b><span>{}</span></a>',
                       state, reverse("shelter:stay", args=[pk]), who, label, who[:6])


# --- Arrivals ------------------------------------------------------------------------------

@login_required
@permission_required("shelter.view_arrival", raise_exception=True)
def arrivals(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites = _stations(user, "add")
    form = forms.ArrivalForm(request.POST or None, sites=sites,
                             initial={"site": _default_site(user, sites)})
    if request.method == "POST":
        if not user.has_perm("shelter.add_arrival"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                expect_arrival(
                    data["site"], person=forms.lookup_person(user, data["person"]),
                    description=data["description"], coming_from=data["coming_from"],
                    expected_at=data["expected_at"], by=user)
            except Refused as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Arrival recorded."))
                return redirect("shelter:arrivals")
    expected = (Arrival.objects.restrict(user).filter(status=ArrivalStatus.EXPECTED)
                .select_related("site", "person"))
    return render(request, "shelter/arrivals.html", {"form": form, "expected": expected})


@login_required
@require_POST
def arrival_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    arrival = get_object_or_404(Arrival.objects.restrict(request.user, "change"), pk=pk)
    try:
        cancel_arrival(arrival)
    except Refused as error:
        messages.error(request, str(error.message))
    return redirect("shelter:arrivals")


# --- Admission wizard ----------------------------------------------------------------------

@login_required
@permission_required("shelter.add_stay", raise_exception=True)
def admit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites = _stations(user, "add")
    if not sites.exists():
        raise Http404
    arrival = person = None
    source = request.POST if request.method == "POST" else request.GET
    if source.get("arrival"):
        arrival = get_object_or_404(
            Arrival.objects.restrict(user).filter(status=ArrivalStatus.EXPECTED),
            pk=source.get("arrival"))
        person = arrival.person
    if source.get("person"):
        person = forms.lookup_person(user, _int(source.get("person")))
        if person is None:
            raise Http404
    initial = {"site": arrival.site if arrival else _default_site(user, sites),
               "route": "escorted" if arrival else "walk_in",
               "arrival": arrival.pk if arrival else None,
               "person": person.pk if person else None,
               "alias": arrival.description[:50] if arrival and not person else "",
               "categories": person.categories if person else []}
    form = forms.AdmissionForm(request.POST or None, sites=sites, user=user, initial=initial)
    step = request.POST.get("step", "check")
    context = {"form": form, "arrival": arrival, "person": person, "step": "check"}
    held = HeldFiles(request) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid() and not held.refusals:
        data = form.cleaned_data
        admission = _admission_input(data, user)
        candidate = person or Person(name=data["name"], alias=data["alias"], sex=data["sex"],
                                     age_estimate=data["age_estimate"])
        try:
            admission.biometrics = held.biometrics(data)
            check_admission_input(admission)
            placement = placement_for(candidate, admission.screening(candidate))
            if step == "confirm":
                stay = _admit(candidate, data["site"], admission, user, arrival)
                held.release()
                messages.success(request, _("%(person)s admitted to bed %(bed)s.") % {
                    "person": stay.person, "bed": stay.bed})
                return redirect(stay)
            check_site_has_room(data["site"])
        except Refused as error:
            add_to_form(form, error)
            placement = None
        if placement is not None:
            context.update(_bed_choices(data["site"], placement, data.get("bed")))
            context.update(step="confirm", placement=placement,
                           may_override=user.has_perm("shelter.override_allocation"))
        elif step == "confirm":
            context["step"] = "confirm"
            context.update(_bed_choices(data["site"], placement_for(
                candidate, admission.screening(candidate)), data.get("bed")))
    if held is not None:
        for refused in held.refusals:
            add_to_form(form, refused)
        context["held"] = held
    return render(request, "shelter/admit.html", context)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _admission_input(data: dict, user) -> AdmissionInput:
    bed = None
    if data.get("bed"):
        bed = Bed.objects.restrict(user).select_related("zone").filter(pk=data["bed"]).first()
        if bed is None:
            raise Http404
    return AdmissionInput(
        route=data["route"], items_held=data["items_held"],
        dangerous_items=data["dangerous_items"], temperature_c=data["temperature_c"],
        injuries=data["injuries"], frostbite=data["frostbite"],
        infectious_symptoms=data["infectious_symptoms"],
        mental_illness_signs=data["mental_illness_signs"], intoxicated=data["intoxicated"],
        health_notes=data["health_notes"], categories=data["categories"], bed=bed,
        override_reason=data["override_reason"],
    )


@transaction.atomic
def _admit(person: Person, site, admission, user, arrival) -> Stay:
    if person.pk is None:
        person = save_person(person, by=user)
        record_staff_entry(person, by=user)
    return admit(person, site, admission, by=user, arrival=arrival)


def _bed_choices(site, placement, chosen_id) -> dict:
    suggested = suggest_bed(site, placement)
    zones = defaultdict(list)
    for bed in free_beds(site):
        zones[bed.zone].append(bed)
    choices = []
    for zone, beds in zones.items():
        choices.append({"zone": zone, "beds": beds,
                        "violations": allocation.violations(zone, placement)})
    choices.sort(key=lambda c: (bool(c["violations"]), *allocation.rank(c["zone"], placement)))
    return {"suggested": suggested, "zone_choices": choices,
            "chosen_bed": chosen_id or (suggested.pk if suggested else None),
            "placement_labels": {
                "condition": Condition(placement.condition).label,
                "age_group": AgeGroup(placement.age_group).label,
                "sex": Sex(placement.sex).label if placement.sex in Sex.values else "",
            }}


# --- The stay ------------------------------------------------------------------------------

def _stay(request, pk: int, action: str = "view") -> Stay:
    return get_object_or_404(
        Stay.objects.restrict(request.user, action).select_related(
            "person", "site", "bed__zone", "arrival", "admitted_by", "discharged_by"), pk=pk)


@login_required
def stay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_page(request, _stay(request, pk))


# Each with its own id prefix: the referral's and the extension's "reason" share a page.
STAY_FORMS = {"referral_form": partial(forms.ReferralForm, auto_id="id_refer_%s"),
              "extend_form": partial(forms.ExtendForm, auto_id="id_extend_%s"),
              "note_form": partial(forms.NoteForm, auto_id="id_note_%s"),
              "move_form": partial(forms.MoveBedForm, auto_id="id_move_%s")}


def _stay_page(request, stay, *, status: int = 200, **refused_form) -> HttpResponse:
    """The stay's page; a form the service refused is shown again as it was sent."""
    user = request.user
    may_see_health = user.has_perm(SENSITIVE)
    if may_see_health:
        record_sensitive_read(stay.person, user, ["stay_health_screening"])
    may_change = stay.is_open and user.has_perm("shelter.change_stay")
    free = free_beds(stay.site) if may_change else []
    blank = {name: form() for name, form in STAY_FORMS.items()}
    updated = refused_form.pop("updated_referral", None)
    update_form = refused_form.pop("referral_update_form", None)
    referrals = list(stay.referrals.all())
    for referral in referrals:
        referral.update_form = update_form if referral.pk == updated else None
    return render(request, "shelter/stay.html", {
        "stay": stay, "person": stay.person, "may_see_health": may_see_health,
        "may_change": may_change,
        "logs": stay.logs.select_related("recorded_by")[:60],
        "actions": [(a, SUPPORT_ACTIONS.get(a.action, a.action))
                    for a in stay.support_actions.all()],
        "referrals": referrals,
        **blank, **refused_form, "free_beds": free, "now": timezone.now(),
        "referral_statuses": ReferralStatus.choices,
    }, status=status)


def _post_on_open_stay(request, pk, form_name, act, done_message):
    """Send the stay's form `form_name` to the service; back on the page, with what was typed,
    when it is refused."""
    stay = _stay(request, pk, "change")
    if not stay.is_open:
        messages.error(request, _("This stay is closed: a discharged stay cannot be changed."))
        return redirect(stay)
    form = STAY_FORMS[form_name](request.POST)
    if form.is_valid():
        try:
            act(stay, form.cleaned_data)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, done_message)
            return redirect(stay)
    return _stay_page(request, stay, status=422, **{form_name: form})


@login_required
@require_POST
def stay_move_bed(request: HttpRequest, pk: int) -> HttpResponse:
    def act(stay, data):
        bed = get_object_or_404(Bed.objects.restrict(request.user).select_related("zone"),
                                pk=data["bed"])
        move_bed(stay, bed, by=request.user, override_reason=data["override_reason"])
    return _post_on_open_stay(request, pk, "move_form", act, _("Bed changed."))


@login_required
@require_POST
def stay_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_open_stay(
        request, pk, "extend_form",
        lambda stay, data: extend_stay(stay, days=data["days"], reason=data["reason"]),
        _("Stay extended."))


@login_required
@require_POST
def stay_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_open_stay(
        request, pk, "note_form",
        lambda stay, data: record_note(stay, data["notes"], by=request.user),
        _("Note added."))


@login_required
@require_POST
def stay_refer(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_open_stay(
        request, pk, "referral_form",
        lambda stay, data: refer(stay, by=request.user, **data),
        _("Referral recorded."))


@login_required
def stay_discharge(request: HttpRequest, pk: int) -> HttpResponse:
    stay = _stay(request, pk, "change")
    if not stay.is_open:
        messages.error(request, _("This stay is closed: a discharged stay cannot be changed."))
        return redirect(stay)
    form = forms.DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for refusal in discharge_refusals(DischargeInput(**form.cleaned_data)):
            add_to_form(form, refusal)
    if request.method == "POST" and form.is_valid():
        try:
            discharge(stay, DischargeInput(**form.cleaned_data),
                               by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(person)s discharged; the bed is free.") % {
                "person": stay.person})
            return redirect(stay.person)
    return render(request, "shelter/discharge.html", {"form": form, "stay": stay})


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(SupportAction.objects.restrict(request.user, "change"), pk=pk)
    try:
        complete_action(action, by=request.user, notes=request.POST.get("notes", ""))
    except Refused as error:
        messages.error(request, str(error.message))
    return redirect(action.stay)


@login_required
@require_POST
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.restrict(request.user, "change"), pk=pk)
    form = forms.ReferralUpdateForm(request.POST)
    if form.is_valid():
        try:
            update_referral(referral, status=form.cleaned_data["status"],
                            note=form.cleaned_data["note"])
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Referral updated."))
            return redirect(referral.stay or referral.person)
    if referral.stay is None or not referral.stay.is_open:  # no page shows this form
        messages.error(request, form_errors_text(form))
        return redirect(referral.stay or referral.person)
    return _stay_page(request, referral.stay, status=422, referral_update_form=form,
                      updated_referral=referral.pk)


# --- Daily log -----------------------------------------------------------------------------

def _station_asked_for(request: HttpRequest):
    """The stations the user works at, and the one the request names (else their own)."""
    sites = _stations(request.user, "add")
    site = sites.filter(pk=_int(request.GET.get("site") or request.POST.get("site"))).first() \
        or _default_site(request.user, sites)
    if site is None:
        raise Http404
    return sites, site


@login_required
@permission_required("shelter.add_staylog", raise_exception=True)
def daily(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites, site = _station_asked_for(request)
    stays = list(Stay.objects.restrict(user).filter(site=site, status=StayStatus.OPEN)
                 .select_related("person", "bed__zone").order_by("zone__name", "bed__label"))
    sent = None
    if request.method == "POST":
        try:
            _record_daily(request, site, stays)
        except (Refused, ValidationError) as error:
            sent = _sent_daily(request.POST, error)
        else:
            return redirect(f"{request.path}?site={site.pk}")
    today = timezone.localdate()
    zones = Zone.objects.restrict(user).filter(site=site, is_active=True)
    undone = set(zones_not_disinfected(zones, today).values_list("pk", flat=True))
    done_today = {d.zone_id: d for d in Disinfection.objects.filter(
        zone__in=zones, done_at__date=today).select_related("done_by")}
    logged = defaultdict(list)
    for log in StayLog.objects.filter(stay__in=stays, at__date=today).order_by("at"):
        logged[log.stay_id].append(log)
    rows = [{"stay": stay, "logs": logged[stay.pk],
             "present": any(log.kind == LogKind.ROLL_CALL and log.present
                            for log in logged[stay.pk]),
             "meals": [log.get_meal_display() for log in logged[stay.pk]
                       if log.kind == LogKind.MEAL],
             "ticked": sent is not None and str(stay.pk) in sent["stays"],
             "temperature": sent["post"].get(f"temperature_{stay.pk}", "") if sent else ""}
            for stay in stays]
    checks = EntryCheck.objects.restrict(user).filter(site=site, at__date=today).select_related(
        "stay__person")
    return render(request, "shelter/daily.html", {
        "site": site, "sites": sites, "rows": rows, "today": today, "checks": checks,
        "elsewhere": listeners.kept_elsewhere(user, site, today),
        "zones": [{"zone": z, "undone": z.pk in undone, "done": done_today.get(z.pk)}
                  for z in zones],
        "meals": Meal.choices, "may_see_health": user.has_perm(SENSITIVE), "sent": sent,
    }, status=422 if sent else 200)


def _sent_daily(post, error: Refused | ValidationError) -> dict:
    """What a refused daily-log form sent, to show it again with the reason."""
    message = str(error.message) if isinstance(error, Refused) else " ".join(error.messages)
    return {"what": post.get("what"), "post": post, "stays": set(post.getlist("stay")),
            "error": message}


@login_required
@permission_required("shelter.add_entrycheck", raise_exception=True)
def entry_check(request: HttpRequest) -> HttpResponse:
    """Record the security check of someone at the door: found, taken, or refused entry."""
    user = request.user
    sites, site = _station_asked_for(request)
    stays = Stay.objects.restrict(user).filter(site=site, status=StayStatus.OPEN).select_related(
        "person")
    form = forms.EntryCheckForm(request.POST or None, stays=stays)
    if request.method == "POST" and form.is_valid():
        try:
            record_entry_check(site, by=user, **form.cleaned_data)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Security check recorded."))
            return redirect(f"{reverse('shelter:daily')}?site={site.pk}")
    return render(request, "shelter/entry_check.html", {"form": form, "site": site})


def _record_daily(request, site, stays) -> None:
    user = request.user
    what = request.POST.get("what")
    chosen = {int(pk) for pk in request.POST.getlist("stay") if pk.isdigit()}
    if what == "disinfection":
        zone = get_object_or_404(Zone.objects.restrict(user, "view"), site=site,
                                 pk=request.POST.get("zone"))
        record_disinfection(zone, by=user, agent=request.POST.get("agent", ""))
        messages.success(request, _("Disinfection of %(zone)s recorded.") % {"zone": zone})
    elif what == "roll_call":
        # The roll call starts blank; "all present" is an explicit answer, never a default.
        everyone = request.POST.get("all_present") == "1"
        entries = [RollCallEntry(
            stay, everyone or stay.pk in chosen,
            forms.parse_temperature(request.POST.get(f"temperature_{stay.pk}", ""))
            if user.has_perm(SENSITIVE) else None) for stay in stays]
        record_roll_call(site, entries, by=user)
        messages.success(request, _("Roll call recorded: %(n)s present of %(total)s.") % {
            "n": len([e for e in entries if e.present]), "total": len(entries)})
    elif what == "meal":
        meal = request.POST.get("meal")
        if meal not in Meal.values:
            raise Refused(_("Choose the meal."), field="meal")
        served = [stay for stay in stays if stay.pk in chosen]
        record_meal(site, meal, served, by=user)
        messages.success(request, _("%(meal)s recorded for %(n)s people.") % {
            "meal": Meal(meal).label, "n": len(served)})


# --- Zones ---------------------------------------------------------------------------------

@login_required
@permission_required("shelter.view_zone", raise_exception=True)
def zones(request: HttpRequest) -> HttpResponse:
    user = request.user
    sites = _stations(user, "add")
    form = forms.ZoneForm(request.POST or None, sites=sites,
                          initial={"site": _default_site(user, sites)})
    if request.method == "POST":
        if not user.has_perm("shelter.add_zone"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                create_zone(data["site"], name=data["name"], sex=data["sex"],
                                     age_group=data["age_group"], condition=data["condition"],
                                     beds=data["beds"])
            except Refused as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Zone created."))
                return redirect("shelter:zones")
    listed = (Zone.objects.restrict(user).select_related("site")
              .order_by("site__name", "name"))
    counts = {row["zone_id"]: row["n"] for row in Bed.objects.restrict(user).filter(
        is_active=True).values("zone_id").annotate(n=Count("pk"))}
    return render(request, "shelter/zones.html", {
        "form": form, "zones": [(zone, counts.get(zone.pk, 0)) for zone in listed]})


# --- Relief-point visits -------------------------------------------------------------------

@login_required
@permission_required("shelter.view_reliefvisit", raise_exception=True)
def visits(request: HttpRequest) -> HttpResponse:
    user = request.user
    points = Site.objects.restrict(user).filter(level__in=(SiteLevel.RELIEF_POINT,
                                                           SiteLevel.GUIDANCE_POINT))
    points = Site.objects.filter(pk__in=[p.pk for p in points
                                         if may_place_in(user, p.district_id, p.pk)])
    form = forms.VisitForm(request.POST or None, sites=points,
                           initial={"site": _default_site(user, points)})
    if request.method == "POST":
        if not user.has_perm("shelter.add_reliefvisit"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            person = forms.lookup_person(user, data["person"])
            if data["person"] and person is None:
                form.add_error("person", _("No person file with this number in your view."))
            else:
                try:
                    record_visit(data["site"], by=user, person=person,
                                          description=data["description"],
                                          people_count=data["people_count"],
                                          services=data["services"])
                except Refused as error:
                    add_to_form(form, error)
                else:
                    messages.success(request, _("Visit recorded."))
                    return redirect("shelter:visits")
    listed = ReliefVisit.objects.restrict(user).select_related("site", "person")
    return render(request, "shelter/visits.html", {
        "form": form, "here": listed.filter(left_at__isnull=True),
        "recent": listed.filter(left_at__isnull=False)[:30],
    })


@login_required
@require_POST
def visit_end(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(ReliefVisit.objects.restrict(request.user, "change"), pk=pk)
    person_id = _int(request.POST.get("person"))
    try:
        if person_id:
            person = forms.lookup_person(request.user, person_id)
            if person is None:
                raise Http404
            link_visit(visit, person)
            messages.success(request, _("Visit linked to the person file."))
        else:
            end_visit(visit)
    except Refused as error:
        messages.error(request, str(error.message))
    return redirect("shelter:visits")
