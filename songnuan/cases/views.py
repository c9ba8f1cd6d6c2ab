"""Case pages: the library, proposing from a person file, a case's page with its consent,
review and withdrawal, and the Word exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts.audit import record_sensitive_read
from songnuan.accounts.roles import SENSITIVE
from songnuan.accounts.scoping import can
from songnuan.cases import services
from songnuan.cases.forms import (
    ConsentForm,
    EditForm,
    LibraryFilter,
    ProposalForm,
    ReviewForm,
    WithdrawForm,
)
from songnuan.cases.models import Audience, Case, CasePhoto, Status
from songnuan.network.services import districts_for
from songnuan.outreach.models import Encounter
from songnuan.people.models import Person, PersonPhoto
from songnuan.private_files import send_privately
from songnuan.refusals import Refused, add_to_form

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _visible(user):
    return Case.objects.restrict(user, "view").select_related("district", "consent")


@login_required
@permission_required("cases.view_case", raise_exception=True)
def library(request: HttpRequest) -> HttpResponse:
    districts = districts_for(request.user)
    form = LibraryFilter(request.GET or None, districts=districts)
    cases = _visible(request.user)
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["district"]:
            cases = cases.filter(district=form.cleaned_data["district"])
    cases = cases.filter(status=status) if status else cases.exclude(status=Status.WITHDRAWN)
    audiences = [(value, label, services.exportable(cases, value).exists())
                 for value, label in Audience.choices]
    return render(request, "cases/library.html", {
        "form": form, "cases": cases[:300], "audiences": audiences,
        "query": request.GET.urlencode(),
    })


def _docx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("cases.view_case", raise_exception=True)
def export_list(request: HttpRequest) -> HttpResponse:
    audience = request.GET.get("audience", "")
    cases = _visible(request.user)
    if request.GET.get("district", "").isdigit():
        cases = cases.filter(district_id=int(request.GET["district"]))
    try:
        chosen = services.exportable(cases, audience) if audience in Audience.values else []
        content = services.export_docx(chosen, audience, by=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("cases:library")
    return _docx(content, f"cases-{audience}-{timezone.localdate():%Y%m%d}.docx")


@login_required
@permission_required("cases.view_case", raise_exception=True)
def export_one(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_visible(request.user).exclude(status=Status.WITHDRAWN), pk=pk)
    audience = request.GET.get("audience", "")
    try:
        content = services.export_docx([case], audience, by=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect(case)
    return _docx(content, f"case-{case.pk}-{audience}.docx")


@login_required
@permission_required("cases.add_case", raise_exception=True)
def propose(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "view")
                               .select_related("district"), pk=person_pk)
    encounter = None
    encounter_pk = request.POST.get("encounter") or request.GET.get("encounter")
    if encounter_pk and str(encounter_pk).isdigit():
        encounter = get_object_or_404(
            Encounter.objects.restrict(request.user, "view").filter(people__person=person),
            pk=int(encounter_pk))
    may_see_photos = request.user.has_perm(SENSITIVE)
    photos = (PersonPhoto.objects.restrict(request.user, "view").filter(person=person)
              if may_see_photos else PersonPhoto.objects.none())
    initial = {}
    if encounter is not None:
        initial["story"] = "\n".join(part for part in (encounter.place, encounter.note) if part)
    form = ProposalForm(request.POST or None, request.FILES or None, photos=photos,
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = services.Proposal(
            title=data["title"], story=data["story"], photos=list(data["photos"]),
            uploads=[data["upload"]] if data["upload"] else [], encounter=encounter)
        try:
            case = services.propose(person, proposal, by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Case proposed. Record the person's consent, then send "
                                        "it for review."))
            return redirect(case)
    return render(request, "cases/propose.html", {
        "form": form, "person": person, "encounter": encounter,
    })


def _case(request: HttpRequest, pk: int, action: str = "view") -> Case:
    return get_object_or_404(Case.objects.restrict(request.user, action)
                             .select_related("district", "person", "proposed_by",
                                             "reviewed_by"), pk=pk)


def _detail(request: HttpRequest, case: Case, *, status: int = 200, **forms) -> HttpResponse:
    consent = getattr(case, "consent", None) if hasattr(case, "consent") else None
    may_see_original = request.user.has_perm(SENSITIVE) and not case.is_withdrawn
    if may_see_original:
        record_sensitive_read(case, ["title", "story"], user=request.user)
    may_change = can(request.user, "change", case)
    return render(request, "cases/detail.html", {
        "case": case, "consent": consent, "may_see_original": may_see_original,
        "may_change": may_change,
        "may_review": case.status == Status.IN_REVIEW and services.may_review(request.user,
                                                                               case),
        "photos": [] if case.is_withdrawn else list(case.photos.all()),
        "consent_form": forms.get("consent_form") or ConsentForm(
            initial={"given_on": timezone.localdate()}),
        "review_form": forms.get("review_form") or ReviewForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(
            initial={"withdrawn_on": timezone.localdate()}),
        "edit_form": forms.get("edit_form") or EditForm(
            initial={"title": case.title, "story": case.story}),
        "audiences": [(value, label, services.exportable(Case.objects.filter(pk=case.pk),
                                                         value).exists())
                      for value, label in Audience.choices],
    }, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _case(request, pk))


@login_required
@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "change")
    form = EditForm(request.POST)
    if form.is_valid():
        try:
            services.edit(case, title=form.cleaned_data["title"],
                          story=form.cleaned_data["story"], by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Case changed."))
            return redirect(case)
    return _detail(request, case, edit_form=form, status=400)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "change")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.record_consent(case, services.ConsentInput(**form.cleaned_data),
                                    by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(case)
    return _detail(request, case, consent_form=form, status=400)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "change")
    try:
        services.submit(case, by=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Case sent for review."))
    return redirect(case)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "change")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review(case, approve=form.cleaned_data["decision"] == "approve",
                            note=form.cleaned_data["note"], by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Case approved.") if case.status == Status.APPROVED
                             else _("Case returned."))
            return redirect(case)
    return _detail(request, case, review_form=form, status=400)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, "change")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(case, on=form.cleaned_data["withdrawn_on"],
                              reason=form.cleaned_data["reason"], by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Consent withdrawn: the case is taken down."))
            return redirect(case)
    return _detail(request, case, withdraw_form=form, status=400)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CasePhoto.objects.restrict(request.user, "view")
                             .exclude(case__status=Status.WITHDRAWN), pk=pk)
    return send_privately(item.image, content_type="image/jpeg")
