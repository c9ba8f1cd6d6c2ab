"""Pages: the public report and status pages, and the staff queue, lead, hotline and rewards."""

from __future__ import annotations

import csv
import datetime
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan import formulas
from songnuan.accounts import audit
from songnuan.accounts.client_address import client_address
from songnuan.accounts.models import Organisation, OrganisationKind
from songnuan.accounts.scoping import can, may_place_in, scope_of
from songnuan.leads import feedback, merge_reasons, rewards, services, triage
from songnuan.leads.forms import (
    ClaimCodeForm,
    DecisionForm,
    HotlineForm,
    InvalidForm,
    LeadFilterForm,
    LedgerForm,
    LinkForm,
    LocationForm,
    PayoutForm,
    ReportForm,
    SplitForm,
    StatusForm,
    TrackForm,
    TrustedReporterForm,
)
from songnuan.leads.models import (
    OPEN_STATUSES,
    ClaimStatus,
    Lead,
    LeadPhoto,
    LeadStatus,
    Payout,
    RewardClaim,
    Source,
    TrustedReporter,
)
from songnuan.leads.photos import may_see_photos
from songnuan.network.models import District
from songnuan.notify.phones import mask_mobile
from songnuan.places import resolver
from songnuan.places import services as places
from songnuan.places.maps import pin_map_setup
from songnuan.private_files import send_privately
from songnuan.refusals import Refused, add_to_form, form_errors_text

PAGE_SIZE = 50
DEVICE_COOKIE = "sn_device"
DEVICE_COOKIE_AGE_S = 365 * 24 * 3600
LOCATION_FIELDS = {"lat", "lon", "location"}

# ---------------------------------------------------------------------------------------------
# Public pages (no login)


def report(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("key", "")
    trusted = services.trusted_reporter_for_key(key) if key else None
    form = ReportForm(request.POST or None, request.FILES or None,
                      initial={"reporter_key": key if trusted else ""})
    location_error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        trusted = services.trusted_reporter_for_key(data["reporter_key"])
        lead_input = services.LeadInput(
            source=Source.PARTNER if trusted else Source.PUBLIC_WEB,
            lat=data["lat"], lon=data["lon"], coord=data["coord"], place=data["place"],
            description=data["description"], people_count=data["people_count"],
            flags=data["flags"], reporter_phone=data["reporter_phone"],
            client_request_id=data["client_request_id"], photos=data["photos"],
            ip=client_address(request), trusted_reporter=trusted,
        )
        try:
            lead, _created = services.submit_lead(lead_input)
        except Refused as refused:
            if refused.field in LOCATION_FIELDS:
                location_error = refused.message
            else:
                add_to_form(form, refused)
            status = 429 if isinstance(refused, services.RateLimited) else 422
        else:
            return redirect(f"{lead_url(lead)}?new=1")
    elif request.method == "POST":
        status = 422
    return render(request, "leads/report_form.html", {
        "form": form, "trusted": trusted, "location_error": location_error,
        "map_tiles": getattr(settings, "MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "map_crs": settings.MAP_TILE_CRS,
    }, status=status)


def lead_url(lead: Lead) -> str:
    return reverse("leads:public_status", args=[lead.tracking_code])


def track(request: HttpRequest) -> HttpResponse:
    """Follow a report by its tracking code: a typed code goes to that report's status page."""
    form = TrackForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("leads:public_status", code=form.cleaned_data["code"])
    return render(request, "leads/track.html", {"form": form})


def _public_lead(code: str) -> Lead:
    return get_object_or_404(Lead.objects.select_related("district", "duplicate_of"),
                             tracking_code=code.strip().upper())


def public_status(request: HttpRequest, code: str) -> HttpResponse:
    lead = _public_lead(code)
    stage = feedback.public_stage(lead)
    headline, detail, tone = feedback.stage_text(stage)
    claim = RewardClaim.objects.filter(lead=lead).exclude(
        status__in=[ClaimStatus.EXPIRED]).first()
    return render(request, "leads/report_status.html", {
        "lead": lead, "stage": stage, "headline": headline, "detail": detail, "tone": tone,
        "steps": _public_steps(stage), "is_new": request.GET.get("new") == "1",
        "claim": claim, "reward_open": rewards.why_not_eligible(lead) is None,
        "code_form": ClaimCodeForm(),
    })


def _public_steps(stage: str) -> list[tuple[str, bool]]:
    order = ["received", "on_the_way", "on_scene", "done"]
    reached = order.index(stage) if stage in order else 3
    labels = [_("Received"), _("Squad on the way"), _("At the place"), _("Done")]
    return [(label, index <= reached) for index, label in enumerate(labels)]


@require_POST
def claim_start(request: HttpRequest, code: str) -> HttpResponse:
    lead = _public_lead(code)
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(16)
    try:
        rewards.start_claim(lead, device=device, address=client_address(request))
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("We sent a 6-digit code to the phone you gave with the "
                                    "report."))
    response = redirect(lead_url(lead) + "#reward")
    # A long-lived random id of the browser: claims from one device by several phones are
    # held for review (the id is stored only as a keyed hash).
    response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE_S, httponly=True,
                        samesite="Lax", secure=request.is_secure())
    return response


@require_POST
def claim_confirm(request: HttpRequest, code: str) -> HttpResponse:
    lead = _public_lead(code)
    claim = RewardClaim.objects.filter(lead=lead, status=ClaimStatus.AWAITING_CODE).first()
    form = ClaimCodeForm(request.POST)
    if claim is None:
        messages.error(request, _("There is no claim waiting for a code. Ask for a new code."))
    elif not form.is_valid():
        messages.error(request, form.errors["code"][0])
    else:
        try:
            rewards.confirm_claim(claim, form.cleaned_data["code"])
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. Your claim goes to the district for "
                                        "approval; we will text you the decision."))
    return redirect(lead_url(lead) + "#reward")


# ---------------------------------------------------------------------------------------------
# Staff: queue and lead


@login_required
@permission_required("leads.view_lead", raise_exception=True)
def lead_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    params.setdefault("status", "open")  # the queue, also on its later pages
    form = LeadFilterForm(params)
    leads = Lead.objects.restrict(request.user, "view").select_related("district", "hotspot")
    status = "open"
    min_priority = None
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"]
        if data["district"]:
            leads = leads.filter(district=data["district"])
        if data["q"]:
            leads = leads.filter(Q(tracking_code__iexact=data["q"].strip())
                                 | Q(place__icontains=data["q"].strip()))
        min_priority = data["min_priority"]
    now = timezone.now()
    if status == "open":
        rows = services.queue(leads.filter(status__in=OPEN_STATUSES), now)
    else:
        if status:
            leads = leads.filter(status=status)
        rows = leads[:1000]
        if min_priority is not None:  # else the priority is worked out for the page shown only
            rows = list(rows)
            for lead in rows:
                lead.priority_now = triage.current_priority(lead, now)
    if min_priority is not None:
        rows = [lead for lead in rows if lead.priority_now >= min_priority]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for lead in page:
        if not hasattr(lead, "priority_now"):
            lead.priority_now = triage.current_priority(lead, now)
        lead.reasons_text = triage.explanation(lead, now)
        lead.in_danger = triage.in_danger(lead.flags)
    query = params.copy()
    query.pop("page", None)
    return render(request, "leads/lead_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "is_queue": status == "open",
    })


@login_required
def lead_detail(request: HttpRequest, pk: int, *, status: int = 200,
                **refused_form) -> HttpResponse:
    """The lead's page; a form just refused (`refused_form`, by its name in the page) is shown
    again as it was sent, with the reason."""
    lead = get_object_or_404(
        Lead.objects.restrict(request.user, "view").select_related(
            "district", "hotspot", "duplicate_of", "organisation", "trusted_reporter",
            "received_by"),
        pk=pk,
    )
    may_change = can(request.user, "change", lead)
    phone_shown = None
    if lead.reporter_phone and may_change and request.GET.get("show_phone") == "1":
        audit.record_sensitive_read(lead, ["reporter_phone"], user=request.user)
        phone_shown = lead.reporter_phone
    photos = []
    if may_see_photos(request.user, lead):
        photos = list(lead.photos.all())
    history = lead.history.select_related("by")
    may_locate = may_change and lead.status != LeadStatus.RESOLVED
    return render(request, "leads/lead_detail.html", {
        "lead": lead, "reasons": triage.explanation(lead),
        "in_danger": triage.in_danger(lead.flags), "priority": triage.current_priority(lead),
        "history": history, "photos": photos, "may_change": may_change,
        "phone_masked": mask_mobile(lead.reporter_phone) if lead.reporter_phone else "",
        "phone_shown": phone_shown,
        "merged": _with_reasons(services.merged_into(lead)), "nearby": services.nearby_of(lead),
        "merge_reasons": merge_reasons.explanation(lead.merge_reasons),
        "split_form": SplitForm(),
        "status_form": StatusForm(allowed=services.allowed_next(lead)),
        "invalid_form": InvalidForm(), "link_form": LinkForm(),
        "public_stage": feedback.stage_text(feedback.public_stage(lead))[0],
        "may_locate": may_locate,
        **(_location_context(lead, refused_form.pop("location_form", None)) if may_locate
           else {}),
        **refused_form,
    }, status=status)


def _location_context(lead: Lead, form: LocationForm | None) -> dict:
    """The "Set the place" form: candidates for the typed place and the pin map."""
    matches = resolver.resolve(lead.place) if lead.place and not lead.has_location else []
    return {
        "location_form": form or LocationForm(initial={"place": lead.place}),
        "candidates": places.describe(matches),
        "candidates_confident": resolver.is_confident(matches),
        "pin_map": pin_map_setup(lead.lat, lead.lon,
                                 lead.district.code if lead.district_id else None),
    }


@login_required
@require_POST
def lead_location(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _changeable(request, pk)
    form = LocationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_location(lead, data["lat"], data["lon"], by=request.user,
                                  source=data["place_source"] or "pin")
        except Refused as error:
            form.add_error("lat" if error.field in LOCATION_FIELDS else None, error.message)
        else:
            messages.success(request, _("The lead's place is set."))
            return redirect("leads:lead_detail", pk=lead.pk)
    return lead_detail(request, pk, location_form=form, status=422)


def _with_reasons(reports: list[Lead]) -> list[Lead]:
    for report in reports:
        report.reasons_text = merge_reasons.explanation(report.merge_reasons)
    return reports


def _changeable(request: HttpRequest, pk: int) -> Lead:
    return get_object_or_404(Lead.objects.restrict(request.user, "change"), pk=pk)


@login_required
@require_POST
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _changeable(request, pk)
    form = StatusForm(request.POST, allowed=services.allowed_next(lead))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_status(lead, data["status"], by=request.user, note=data["note"],
                                outcome=data["outcome"])
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Status changed."))
            return redirect("leads:lead_detail", pk=lead.pk)
    return lead_detail(request, pk, status_form=form, status=422)


@login_required
@require_POST
def lead_invalid(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _changeable(request, pk)
    form = InvalidForm(request.POST)
    if form.is_valid():
        try:
            services.mark_invalid(lead, reason=form.cleaned_data["reason"],
                                  prank=form.cleaned_data["prank"], by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The lead was closed as not valid."))
            return redirect("leads:lead_detail", pk=lead.pk)
    return lead_detail(request, pk, invalid_form=form, status=422)


@login_required
@require_POST
def lead_link(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _changeable(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        root = Lead.objects.restrict(request.user, "view").filter(
            tracking_code=form.cleaned_data["tracking_code"].strip().upper()).first()
        try:
            if root is None:
                raise Refused(_("No lead with that tracking code."), field="tracking_code")
            services.link_duplicate(lead, root, by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Linked as a duplicate."))
            return redirect("leads:lead_detail", pk=lead.pk)
    return lead_detail(request, pk, link_form=form, status=422)


@login_required
@permission_required("leads.change_lead", raise_exception=True)
@require_POST
def lead_split(request: HttpRequest, pk: int) -> HttpResponse:
    """Split the merged report `pk` off into its own lead; back to the lead it was merged into."""
    report = _changeable(request, pk)
    back = report.duplicate_of_id or report.pk
    form = SplitForm(request.POST)
    form.is_valid()
    try:
        services.split_duplicate(report, by=request.user, note=form.cleaned_data.get("note", ""))
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Report %(code)s is now a lead of its own.")
                         % {"code": report.tracking_code})
    return redirect("leads:lead_detail", pk=back)


@login_required
def lead_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    photo = get_object_or_404(LeadPhoto.objects.restrict(request.user, "view")
                              .select_related("lead"), pk=photo_pk, lead_id=pk)
    if not may_see_photos(request.user, photo.lead):
        raise PermissionDenied
    audit.record_sensitive_read(photo.lead, [f"photo {photo.pk}"], user=request.user)
    return send_privately(photo.image, content_type="image/jpeg")


@login_required
@permission_required("leads.add_lead", raise_exception=True)
def hotline(request: HttpRequest) -> HttpResponse:
    form = HotlineForm(request.POST or None)
    scope = scope_of(request.user)
    if scope.district_ids:
        form.fields["district"].queryset = District.objects.filter(pk__in=scope.district_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        coordinates = data["coordinates"]
        picked = None if coordinates else form.picked()
        lat, lon = coordinates or (picked[:2] if picked else (None, None))
        trusted = (TrustedReporter.objects.filter(phone=data["caller_phone"], is_active=True)
                   .select_related("organisation").first() if data["caller_phone"] else None)
        lead_input = services.LeadInput(
            source=Source.HOTLINE, lat=lat, lon=lon, coord="wgs84" if picked else data["coord"],
            picked_from=picked[2] if picked else "",
            place=data["place"], description=data["description"],
            people_count=data["people_count"], flags=data["flags"],
            reporter_phone=data["caller_phone"], received_by=request.user,
            trusted_reporter=trusted,
            district_id=data["district"].pk if data["district"] else None,
        )
        try:
            lead, _created = services.submit_lead(lead_input)
        except Refused as error:
            field = "coordinates" if error.field in LOCATION_FIELDS else None
            form.add_error(field if coordinates else "place", error.message)
        else:
            if lead.district_id and not may_place_in(request.user, lead.district_id):
                messages.warning(request, _("Lead %(code)s is in %(district)s, outside your "
                                            "district: that district's dispatchers see it.")
                                 % {"code": lead.tracking_code, "district": lead.district})
            else:
                messages.success(request, _("Lead %(code)s created: %(stage)s.") % {
                    "code": lead.tracking_code, "stage": lead.get_status_display()})
            return redirect(f"{request.path}?last={lead.pk}")
    last = None
    if request.GET.get("last"):
        last = Lead.objects.restrict(request.user, "view").filter(
            pk=request.GET["last"]).first() if request.GET["last"].isdigit() else None
    return render(request, "leads/hotline.html", {"form": form, "last": last})


# ---------------------------------------------------------------------------------------------
# Staff: rewards


@login_required
@permission_required(rewards.APPROVE, raise_exception=True)
def reward_list(request: HttpRequest) -> HttpResponse:
    return _reward_page(request, request.GET.get("status", ClaimStatus.AWAITING_APPROVAL))


CLAIM_FORMS = {ClaimStatus.AWAITING_APPROVAL: DecisionForm, ClaimStatus.APPROVED: PayoutForm}


def _reward_page(request: HttpRequest, status: str, *, refused: RewardClaim | None = None,
                 form=None) -> HttpResponse:
    """The claims in `status`, each with the form its status takes; the claim whose form was
    just refused shows it again as it was sent, with the reason."""
    claims = RewardClaim.objects.restrict(request.user, "view").select_related(
        "lead", "incident", "district", "decided_by")
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    for claim in page:
        claim.phone_masked = mask_mobile(claim.phone)
        if refused and claim.pk == refused.pk:
            claim.form = form
        else:
            blank = CLAIM_FORMS.get(claim.status)
            claim.form = blank() if blank else None
    return render(request, "leads/reward_list.html", {
        "page": page, "status": status, "statuses": ClaimStatus.choices,
        "ledger_form": LedgerForm(),
    }, status=422 if refused else 200)


def _claim_refused(request: HttpRequest, claim: RewardClaim, form,
                   error: Refused | None = None) -> HttpResponse:
    """Back to the claims with the refused form; a claim whose status has moved on takes no
    such form, so there the reason is said above the list."""
    if error is not None:
        add_to_form(form, error)
    if CLAIM_FORMS.get(claim.status) is not type(form):
        messages.error(request, form_errors_text(form))
        return redirect(reverse("leads:reward_list") + f"?status={claim.status}")
    return _reward_page(request, claim.status, refused=claim, form=form)


def _claim(request: HttpRequest, pk: int) -> RewardClaim:
    return get_object_or_404(RewardClaim.objects.restrict(request.user, "change"), pk=pk)


@login_required
@require_POST
def reward_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _claim_refused(request, claim, form)
    note = form.cleaned_data["note"]
    try:
        if request.POST.get("decision") == "approve":
            rewards.approve(claim, by=request.user, note=note)
            messages.success(request, _("Claim approved."))
        else:
            rewards.reject(claim, by=request.user, reason=note)
            messages.success(request, _("Claim rejected."))
    except Refused as error:
        return _claim_refused(request, claim, form, error)
    return redirect("leads:reward_list")


@login_required
@require_POST
def reward_pay(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    form = PayoutForm(request.POST)
    if not form.is_valid():
        return _claim_refused(request, claim, form)
    try:
        rewards.record_payout(claim, by=request.user, **form.cleaned_data)
    except Refused as error:
        return _claim_refused(request, claim, form, error)
    messages.success(request, _("Payment recorded."))
    return redirect(reverse("leads:reward_list") + "?status=approved")


@login_required
@permission_required(rewards.APPROVE, raise_exception=True)
def reward_ledger(request: HttpRequest) -> HttpResponse:
    form = LedgerForm(request.GET or None)
    payouts = Payout.objects.restrict(request.user, "view")
    if form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            payouts = payouts.filter(district=data["district"])
        if data["since"]:
            payouts = payouts.filter(paid_at__date__gte=data["since"])
        if data["until"]:
            payouts = payouts.filter(paid_at__date__lt=data["until"] + datetime.timedelta(1))
    payouts = payouts.order_by("district__code", "paid_at")
    audit.record("export", None, changes={"what": "reward ledger",
                                          "filters": request.GET.dict()}, user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="reward-ledger-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(rewards.LEDGER_HEADER)
    writer.writerows(formulas.safe_rows(rewards.ledger_rows(payouts)))
    return response


# ---------------------------------------------------------------------------------------------
# Staff: trusted reporters


@login_required
@permission_required("leads.view_trustedreporter", raise_exception=True)
def trusted_list(request: HttpRequest) -> HttpResponse:
    reporters = TrustedReporter.objects.restrict(request.user, "view").select_related(
        "organisation", "district")
    page = Paginator(reporters, PAGE_SIZE).get_page(request.GET.get("page"))
    for reporter in page:
        reporter.phone_masked = mask_mobile(reporter.phone)
    return render(request, "leads/trusted_list.html", {"page": page})


@login_required
@permission_required("leads.add_trustedreporter", raise_exception=True)
def trusted_add(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    districts = (District.objects.filter(pk__in=scope.district_ids) if scope.district_ids
                 else District.objects.all())
    organisations = Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True)
    form = TrustedReporterForm(request.POST or None, organisations=organisations,
                               districts=districts)
    if scope.district_ids:
        form.fields["district"].required = True
    if request.method == "POST" and form.is_valid():
        reporter = form.save(commit=False)
        key = services.issue_reporter_key(reporter)
        link = request.build_absolute_uri(reverse("leads:report")) + f"?key={key}"
        return render(request, "leads/trusted_created.html", {"reporter": reporter,
                                                               "link": link})
    return render(request, "leads/trusted_form.html", {"form": form})
