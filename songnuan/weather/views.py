"""Weather, protocol and campaign pages: thin views over the weather services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts.scoping import may_place_in
from songnuan.network.models import City
from songnuan.network.services import districts_for
from songnuan.refusals import Refused, add_to_form, form_errors_text
from songnuan.weather.alerts import describe
from songnuan.weather.backtests import backtest
from songnuan.weather.campaign import decide_extension, new_campaign_initial, propose_extension
from songnuan.weather.city_rules import describe_basis
from songnuan.weather.evaluation import RULE_LABELS, activate_rules, active_rules, draft_rules
from songnuan.weather.forms import (
    BacktestForm,
    CampaignForm,
    CitySeasonForm,
    DecisionDateForm,
    ExtensionForm,
    ForecastForm,
    ImportForm,
    OverrideForm,
    RulesForm,
    WarningForm,
)
from songnuan.weather.importing import Batch, parse
from songnuan.weather.intake import (
    BatchRefused,
    apply_batch,
    check_scope,
    freshness,
    lift_warning,
    stale_message,
)
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import (
    Campaign,
    CampaignExtension,
    Forecast,
    ProtocolDecision,
    ProtocolNotice,
    ProtocolRules,
    Source,
    WeatherWarning,
)
from songnuan.weather.overrides import end_override, set_override
from songnuan.weather.protocol import (
    current_campaign,
    current_decisions,
    protocol_level,
    temperature_c,
)

VIEW = "weather.view_protocoldecision"
ENTER = "weather.add_forecast"
WARN = "weather.add_weatherwarning"
OVERRIDE = "weather.override_protocol"
EDIT_RULES = "weather.change_protocolrules"
EDIT_CAMPAIGN = "weather.change_campaign"
PAGE_SIZE = 50
FORECAST_HOURS = 72


def _district_rows(user, now: datetime.datetime):
    districts = list(districts_for(user))
    decisions = current_decisions([d.pk for d in districts], now)
    rows = []
    for district in districts:
        decision = decisions.get(district.pk)
        level = ProtocolLevel(decision.level) if decision else protocol_level(None)
        rows.append({
            "district": district, "decision": decision, "level": level,
            "reason": describe(decision.rule, decision.data) if decision else "",
            "temperature": temperature_c(district.pk, now),
        })
    return rows


@login_required
@permission_required(VIEW, raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = _district_rows(request.user, now)
    districts = [row["district"] for row in rows]
    chosen = next((d for d in districts if d.code == request.GET.get("district")), None)
    if chosen is None and districts:
        chosen = request.user.district if request.user.district in districts else districts[0]
    forecasts = []
    if chosen is not None:
        forecasts = list(Forecast.objects.filter(
            district=chosen, ends_at__gt=now,
            starts_at__lt=now + datetime.timedelta(hours=FORECAST_HOURS)).order_by("starts_at"))
        forecasts = [f for index, f in enumerate(forecasts) if f.hours > 3 or index % 3 == 0]
    warnings = (WeatherWarning.objects.restrict(request.user)
                .filter(valid_until__gt=now, cancelled_at__isnull=True)
                .select_related("district").order_by("valid_from", "district__code"))
    notices = ProtocolNotice.objects.restrict(request.user).select_related("district")[:8]
    state = freshness(now)
    return render(request, "weather/overview.html", {
        "rows": rows, "chosen": chosen, "forecasts": forecasts, "warnings": warnings,
        "notices": notices, "freshness": state, "campaign": current_campaign(now),
        "now": now, "stale_message": stale_message(state) if state.is_stale else "",
    })


@login_required
@permission_required(VIEW, raise_exception=True)
def decisions(request: HttpRequest) -> HttpResponse:
    rows = ProtocolDecision.objects.restrict(request.user).select_related(
        "district", "decided_by", "rules")
    code = request.GET.get("district", "")
    if code:
        rows = rows.filter(district__code=code)
    if request.GET.get("changes") == "active":
        rows = rows.exclude(level=0)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for decision in page:
        decision.described = describe(decision.rule, decision.data)
        decision.rule_label = RULE_LABELS.get(decision.rule, decision.rule)
    return render(request, "weather/decisions.html", {
        "page": page, "districts": districts_for(request.user), "code": code,
        "query": f"district={code}" if code else "", "now": timezone.now()})


@login_required
@permission_required(VIEW, raise_exception=True)
def warnings(request: HttpRequest) -> HttpResponse:
    rows = WeatherWarning.objects.restrict(request.user).select_related("district")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "weather/warnings.html", {"page": page, "now": timezone.now()})


@login_required
@permission_required(VIEW, raise_exception=True)
def notices(request: HttpRequest) -> HttpResponse:
    rows = ProtocolNotice.objects.restrict(request.user).select_related("district")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "weather/notices.html", {"page": page})


def _import(request: HttpRequest, batch: Batch, source: str) -> bool:
    check_scope(batch, by=request.user)
    try:
        result = apply_batch(batch, source, by=request.user)
    except BatchRefused as error:
        messages.error(request, str(error.message))
        request.import_errors = error.problems
        return False
    messages.success(request, _("Imported %(f)d forecast periods and %(w)d warnings; "
                                "%(c)d districts changed level.")
                     % {"f": result.forecasts, "w": result.warnings,
                        "c": result.changed_districts})
    return True


@login_required
@permission_required(ENTER, raise_exception=True)
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = parse(upload.read(), upload.name)
        if _import(request, batch, Source.FILE):
            return redirect("weather:overview")
        errors = getattr(request, "import_errors", [])
    return render(request, "weather/import.html", {"form": form, "errors": errors[:50],
                                                   "more": max(0, len(errors) - 50)})


@login_required
@permission_required(ENTER, raise_exception=True)
def forecast_add(request: HttpRequest) -> HttpResponse:
    form = ForecastForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _import(request, Batch(forecasts=[form.row()]), Source.MANUAL):
            return redirect("weather:overview")
        for error in getattr(request, "import_errors", []):
            form.add_error(None, error)
    return render(request, "weather/form.html", {
        "form": form, "title": _("Enter a forecast"), "back": "weather:overview"})


@login_required
@permission_required(WARN, raise_exception=True)
def warning_add(request: HttpRequest) -> HttpResponse:
    form = WarningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _import(request, Batch(warnings=[form.row()]), Source.MANUAL):
            return redirect("weather:warnings")
        for error in getattr(request, "import_errors", []):
            form.add_error(None, error)
    return render(request, "weather/form.html", {
        "form": form, "title": _("Enter a warning"), "back": "weather:warnings"})


@login_required
@require_POST
def warning_lift(request: HttpRequest, pk: int) -> HttpResponse:
    warning = get_object_or_404(
        WeatherWarning.objects.restrict(request.user, "change").select_related("district"),
        pk=pk)
    try:
        lift_warning(warning, by=request.user)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Lifted %(warning)s.") % {"warning": warning})
    return redirect("weather:warnings")


@login_required
@permission_required(OVERRIDE, raise_exception=True)
def override_add(request: HttpRequest) -> HttpResponse:
    form = OverrideForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not may_place_in(request.user, data["district"].pk):
            return render(request, "403.html", status=403)
        try:
            set_override(data["district"], data["level"], data["reason"], data["expires_at"],
                         by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Override recorded for %(district)s.")
                             % {"district": data["district"]})
            return redirect("weather:overview")
    return render(request, "weather/form.html", {
        "form": form, "title": _("Override the protocol level"), "back": "weather:overview",
        "intro": _("An override replaces the automatic level for a district until it expires. "
                   "Its reason and your name are recorded and sent to the district.")})


@login_required
@permission_required(OVERRIDE, raise_exception=True)
@require_POST
def override_end(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        ProtocolDecision.objects.restrict(request.user).filter(is_override=True), pk=pk)
    try:
        end_override(decision, by=request.user)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Override ended."))
    return redirect("weather:overview")


@login_required
@permission_required("weather.view_protocolrules", raise_exception=True)
def rules_list(request: HttpRequest) -> HttpResponse:
    active_rules()
    versions = list(ProtocolRules.objects.restrict(request.user).select_related("created_by"))
    for version in versions:
        version.basis_text = describe_basis(version.basis)
    return render(request, "weather/rules_list.html", {"versions": versions})


@login_required
@permission_required(EDIT_RULES, raise_exception=True)
@require_POST
def rules_copy(request: HttpRequest, pk: int) -> HttpResponse:
    base = get_object_or_404(ProtocolRules.objects.restrict(request.user), pk=pk)
    draft = draft_rules(by=request.user, base=base)
    return redirect("weather:rules_edit", pk=draft.pk)


@login_required
@permission_required(EDIT_RULES, raise_exception=True)
def rules_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rules = get_object_or_404(ProtocolRules.objects.restrict(request.user, "change"), pk=pk)
    if rules.is_active or rules.activated_at:
        messages.error(request, _("A version that has been in force is not edited; copy it."))
        return redirect("weather:rules_list")
    form = RulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved. Test it against past data before activating."))
        return redirect("weather:rules_test", pk=rules.pk)
    return render(request, "weather/rules_form.html", {"form": form, "rules": rules})


@login_required
@permission_required(EDIT_RULES, raise_exception=True)
@require_POST
def rules_activate(request: HttpRequest, pk: int) -> HttpResponse:
    rules = get_object_or_404(ProtocolRules.objects.restrict(request.user, "change"), pk=pk)
    activate_rules(rules, by=request.user)
    messages.success(request, _("“%(name)s” is now in force; every district was re-evaluated.")
                     % {"name": rules.name})
    return redirect("weather:rules_list")


@login_required
@permission_required("weather.view_protocolrules", raise_exception=True)
def rules_test(request: HttpRequest, pk: int) -> HttpResponse:
    rules = get_object_or_404(ProtocolRules.objects.restrict(request.user), pk=pk)
    today = timezone.localdate()
    campaign = current_campaign()
    initial = {"since": campaign.starts_on if campaign else today - datetime.timedelta(days=30),
               "until": today, "district": request.user.district}
    form = BacktestForm(request.GET or None, user=request.user, initial=initial)
    result = compared = None
    changes = []
    if form.is_valid():
        data = form.cleaned_data
        start = timezone.make_aware(datetime.datetime.combine(data["since"], datetime.time()))
        end = timezone.make_aware(datetime.datetime.combine(
            data["until"] + datetime.timedelta(days=1), datetime.time()))
        result = backtest(rules, data["district"], start, end)
        compared = backtest(active_rules(), data["district"], start, end) \
            if not rules.is_active else None
        changes = [{
            "at": item.at, "level": item.level, "until": item.expected_until,
            "reason": describe(item.trigger.rule, item.trigger.data)
            if item.trigger else describe("normal", {}),
        } for item in result.changes]
    return render(request, "weather/rules_test.html", {
        "rules": rules, "form": form, "result": result, "compared": compared,
        "changes": changes})


@login_required
@permission_required("weather.view_campaign", raise_exception=True)
def campaign(request: HttpRequest) -> HttpResponse:
    return _campaign_page(request)


def _campaign_page(request: HttpRequest, *, extension_form: ExtensionForm | None = None
                   ) -> HttpResponse:
    """The campaigns; a refused extension comes back with its dates, reason and why."""
    current = current_campaign()
    campaigns = Campaign.objects.restrict(request.user).prefetch_related("extensions")
    return render(request, "weather/campaign.html", {
        "current": current, "campaigns": campaigns, "city": City.objects.first(),
        "today": timezone.localdate(),
        "extension_form": extension_form or ExtensionForm(),
        "decision_form": DecisionDateForm()}, status=422 if extension_form else 200)


@login_required
@permission_required(EDIT_CAMPAIGN, raise_exception=True)
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Campaign.objects.restrict(request.user, "change"), pk=pk) \
        if pk else Campaign()
    initial = None if pk else new_campaign_initial(timezone.localdate())
    form = CampaignForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": instance.name})
        return redirect("weather:campaign")
    return render(request, "weather/form.html", {
        "form": form, "title": instance.name or _("New campaign"), "back": "weather:campaign"})


@login_required
@permission_required(EDIT_CAMPAIGN, raise_exception=True)
def season_edit(request: HttpRequest) -> HttpResponse:
    city = City.objects.first()
    if city is None:
        messages.error(request, _("Set the city up first; its season is proposed then."))
        return redirect("weather:campaign")
    form = CitySeasonForm(request.POST or None, instance=city)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved the campaign season of %(city)s.") % {"city": city})
        return redirect("weather:campaign")
    return render(request, "weather/form.html", {
        "form": form, "title": _("Campaign season of %(city)s") % {"city": city},
        "intro": _("Each new campaign starts from these dates; months and days of the month."),
        "back": "weather:campaign"})


@login_required
@permission_required(EDIT_CAMPAIGN, raise_exception=True)
@require_POST
def extension_propose(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Campaign.objects.restrict(request.user, "change"), pk=pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            propose_extension(target, form.cleaned_data["new_end_on"],
                              form.cleaned_data["reason"], by=request.user)
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Extension proposed."))
            return redirect("weather:campaign")
    if target != current_campaign():  # only the current campaign's page shows the form
        messages.error(request, form_errors_text(form))
        return redirect("weather:campaign")
    return _campaign_page(request, extension_form=form)


@login_required
@permission_required(EDIT_CAMPAIGN, raise_exception=True)
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(CampaignExtension.objects.restrict(request.user, "change"),
                                  pk=pk)
    form = DecisionDateForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            decide_extension(extension, approve, by=request.user,
                             decided_on=form.cleaned_data["decided_on"])
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Extension approved.") if approve
                             else _("Extension rejected."))
    else:
        messages.error(request, _("Give the decision date."))
    return redirect("weather:campaign")
