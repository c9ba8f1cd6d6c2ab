"""Person files: the list, the file page (one person, one file, one portrait), edit and merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts.roles import SENSITIVE
from songnuan.people import biometrics, identities, services
from songnuan.people.duplicates import possible_duplicates
from songnuan.people.forms import (
    BiometricsForm,
    IdentityForm,
    MergeForm,
    PersonForm,
    PhotoForm,
    SupersedeForm,
)
from songnuan.people.models import (
    Identity,
    IdentityStatus,
    Person,
    PersonMerge,
    PersonPhoto,
    RiskLevel,
    Status,
)
from songnuan.people.portrait import Portrait
from songnuan.people.timeline import sections_for, timeline_for, visible_to
from songnuan.private_files import send_privately
from songnuan.refusals import Refused, add_to_form

PAGE_SIZE = 50


@login_required
@permission_required("people.view_person", raise_exception=True)
def person_list(request: HttpRequest) -> HttpResponse:
    people = services.live(Person.objects.restrict(request.user, "view")).select_related(
        "district", "current_site")
    query = request.GET.get("q", "").strip()
    if query:
        by_number = services.find_by_id_number(query, people)
        if by_number is not None:
            return redirect(by_number)
        people = people.filter(Q(name__icontains=query) | Q(alias__icontains=query)
                               | Q(self_name__icontains=query) | Q(native_place__icontains=query))
    for name, choices in (("status", Status.values), ("risk_level", RiskLevel.values)):
        value = request.GET.get(name)
        if value in choices:
            people = people.filter(**{name: value})
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {
        "page": page, "query": query, "statuses": Status.choices, "risks": RiskLevel.choices,
        "status": request.GET.get("status", ""), "risk": request.GET.get("risk_level", ""),
    })


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, pk)


def _person_page(request: HttpRequest, pk: int, *, photo_form: PhotoForm | None = None
                 ) -> HttpResponse:
    """The person's file; a refused photo comes back with its caption and the reason."""
    user = request.user
    person = get_object_or_404(
        Person.objects.restrict(user, "view").select_related(
            "district", "current_site", "registered_at", "merged_into", "created_by"),
        pk=pk)
    may_see_sensitive = user.has_perm(SENSITIVE)  # the template's {% sensitive %} logs reads
    pool = Person.objects.restrict(user, "view")
    return render(request, "people/detail.html", {
        "person": person,
        "may_see_sensitive": may_see_sensitive,
        "may_change": user.has_perm("people.change_person") and person.merged_into_id is None,
        "portrait": Portrait(person.risk_level, person.risk_reasons),
        "timeline": visible_to(timeline_for(person), user),
        "duplicates": [] if person.merged_into_id else possible_duplicates(person, pool),
        "merges": person.merges_received.select_related("absorbed", "merged_by"),
        "photo_form": photo_form or PhotoForm(),
        "stays": person.stays.select_related("site", "bed__zone")[:20]
        if user.has_perm("shelter.view_stay") else [],
        "sections": sections_for(person, user),
        "identities": identities.history(person),
        "identity_in_force": identities.in_force(person),
        "identity_form": IdentityForm(),
        "biometrics": biometrics.summary(person),
    }, status=422 if photo_form else 200)


@login_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    if pk is None:
        if not user.has_perm("people.add_person"):
            raise Http404
        person = Person()
    else:
        person = get_object_or_404(
            Person.objects.restrict(user, "change").filter(merged_into__isnull=True), pk=pk)
    form = PersonForm(request.POST or None, instance=person, editor=user)
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        try:
            saved = services.save_person(candidate, id_number=form.cleaned_data.get(
                "id_number", ""), by=user)
        except Refused as error:
            add_to_form(form, error)
        else:
            identities.record_staff_entry(saved, by=user)
            messages.success(request, _("Saved the file of %(name)s.") % {"name": saved})
            return redirect(saved)
    return render(request, "people/form.html", {"form": form, "person": person})


@login_required
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "change"), pk=pk)
    if not request.user.has_perm(SENSITIVE):
        raise Http404
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _person_page(request, pk, photo_form=form)
    PersonPhoto.objects.create(person=person, image=form.cleaned_data["image"],
                               caption=form.cleaned_data["caption"], taken_by=request.user)
    messages.success(request, _("Photo added."))
    return redirect(person)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(SENSITIVE):
        raise Http404
    item = get_object_or_404(PersonPhoto.objects.restrict(request.user, "view"), pk=pk)
    services.record_sensitive_read(item.person, request.user, ["photo"])
    return send_privately(item.image)


@login_required
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    editable = Person.objects.restrict(user, "change").filter(merged_into__isnull=True)
    person = get_object_or_404(editable, pk=pk)
    other_id = request.POST.get("other") or request.GET.get("with")
    other = get_object_or_404(editable, pk=other_id) if other_id else None
    if other is None or other.pk == person.pk:
        raise Http404
    form = MergeForm(request.POST or None, initial={"other": other.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.merge(person, other, by=user, reason=form.cleaned_data["reason"])
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Merged file #%(id)s into this one.") % {"id": other.pk})
            return redirect(person)
    may_see_sensitive = user.has_perm(SENSITIVE)
    return render(request, "people/merge.html", {
        "person": person, "other": other, "form": form, "may_see_sensitive": may_see_sensitive,
    })


@login_required
@require_POST
def undo_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(PersonMerge.objects.restrict(request.user, "change"), pk=pk)
    try:
        absorbed = services.undo_merge(record, by=request.user)
    except Refused as error:
        messages.error(request, str(error.message))
        return redirect(record.survivor)
    messages.success(request, _("Merge undone: file #%(id)s is separate again.") % {
        "id": absorbed.pk})
    return redirect(record.survivor)



@login_required
def identity_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a name the person gives, or an identity from papers or the police."""
    person = get_object_or_404(
        Person.objects.restrict(request.user, "change").filter(merged_into__isnull=True), pk=pk)
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["id_number"] and not request.user.has_perm(SENSITIVE):
            raise Http404
        try:
            identities.record_identity(person, by=request.user, **data)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Identity recorded."))
            return redirect(person)
    return render(request, "people/identity_form.html", {"form": form, "person": person,
                                                         "current": identities.in_force(person)})


@login_required
def identity_supersede(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a held identity in force with the reason the one in force is wrong."""
    held = get_object_or_404(Identity.objects.restrict(request.user, "change").filter(
        status=IdentityStatus.HELD).select_related("person"), pk=pk)
    form = SupersedeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identities.supersede_with(held, reason=form.cleaned_data["reason"],
                                      by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The identity is now in force."))
            return redirect(held.person)
    return render(request, "people/identity_form.html", {
        "form": form, "person": held.person, "held": held,
        "current": identities.in_force(held.person)})


@login_required
def biometrics_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Photo and fingerprints taken after admission (the case's step is ticked once both are on
    file), or the reason they cannot be."""
    if not request.user.has_perm(SENSITIVE):
        raise Http404
    person = get_object_or_404(
        Person.objects.restrict(request.user, "change").filter(merged_into__isnull=True), pk=pk)
    posted = request.method == "POST"
    form = BiometricsForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            biometrics.record_later(person, _biometrics_input(data), by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Photo and fingerprints recorded."))
            return redirect(person)
    asked_again = request.method == "POST" and any(
        name in request.FILES and name not in form.errors
        for name in ("photo", "fingerprint_scan"))
    return render(request, "people/biometrics_form.html", {
        "form": form, "person": person, "asked_again": asked_again,
        "summary": biometrics.summary(person)})


def _biometrics_input(data: dict) -> biometrics.BiometricsInput:
    photo = None
    if data["photo"] is not None:
        photo = biometrics.check_photo(data["photo"], data["without_face_reason"])
    fingerprint = None
    if data["fingerprint_device"] or data["fingerprint_reference"] or data["fingerprint_scan"]:
        fingerprint = biometrics.FingerprintInput(
            device=data["fingerprint_device"], police_reference=data["fingerprint_reference"],
            scan=data["fingerprint_scan"])
    return biometrics.BiometricsInput(
        photo=photo, photo_not_taken=data["photo_not_taken"], photo_note=data["photo_note"],
        fingerprint=fingerprint, fingerprints_not_taken=data["fingerprints_not_taken"],
        fingerprints_note=data["fingerprints_note"])
