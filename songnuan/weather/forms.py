"""Input checked at the edge: files, manual weather, overrides, rules, the campaign."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.network.models import City, District
from songnuan.network.services import districts_for
from songnuan.weather.engine import WARNING_TYPES
from songnuan.weather.importing import MAX_WARNING_DAYS, ForecastRow, WarningRow
from songnuan.weather.models import (
    LEVEL_CHOICES,
    MAX_PERIOD_HOURS,
    MAX_TEMPERATURE_C,
    MAX_WIND_MS,
    MIN_TEMPERATURE_C,
    Campaign,
    Precipitation,
    ProtocolRules,
    WarningLevel,
    WarningType,
)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_BACKTEST_DAYS = 180
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DistrictChoiceMixin:
    def limit_districts(self, user) -> None:
        choices = districts_for(user)
        self.fields["district"].queryset = choices
        own = user.district_id or (user.site.district_id if user.site_id else None)
        if own is not None and "district" not in self.initial:
            self.initial["district"] = own


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Weather file"),
        help_text=_("JSON or CSV in the import format: forecasts or warnings."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ForecastForm(DistrictChoiceMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME_WIDGET)
    min_c = forms.FloatField(label=_("Minimum temperature (°C)"), min_value=MIN_TEMPERATURE_C,
                             max_value=MAX_TEMPERATURE_C)
    max_c = forms.FloatField(label=_("Maximum temperature (°C)"), min_value=MIN_TEMPERATURE_C,
                             max_value=MAX_TEMPERATURE_C)
    wind_ms = forms.FloatField(label=_("Wind speed (m/s)"), min_value=0, max_value=MAX_WIND_MS,
                               initial=0)
    precipitation = forms.ChoiceField(label=_("Precipitation"), choices=Precipitation.choices,
                                      initial=Precipitation.NONE)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit_districts(user)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("The period ends before it starts."))
            elif ends - starts > datetime.timedelta(hours=MAX_PERIOD_HOURS):
                self.add_error("ends_at", _("A forecast period is at most %(h)d hours.")
                               % {"h": MAX_PERIOD_HOURS})
        low, high = data.get("min_c"), data.get("max_c")
        if low is not None and high is not None and low > high:
            self.add_error("min_c", _("The minimum is above the maximum."))
        return data

    def row(self) -> ForecastRow:
        data = self.cleaned_data
        return ForecastRow((data["district"].pk,), data["starts_at"], data["ends_at"],
                           data["min_c"], data["max_c"], data["wind_ms"] or 0.0,
                           data["precipitation"])


class WarningForm(DistrictChoiceMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    reference = forms.CharField(
        label=_("Reference"), max_length=60,
        help_text=_("The issuer's identifier, e.g. the observatory's 2026-017."))
    type = forms.ChoiceField(label=_("Type"), choices=WarningType.choices)
    level = forms.TypedChoiceField(label=_("Level"), choices=WarningLevel.choices, coerce=int)
    issued_at = forms.DateTimeField(label=_("Issued at"), widget=DATETIME_WIDGET)
    valid_from = forms.DateTimeField(label=_("Valid from"), widget=DATETIME_WIDGET)
    valid_until = forms.DateTimeField(label=_("Valid until"), widget=DATETIME_WIDGET)
    replaces = forms.CharField(label=_("Replaces warning"), max_length=60, required=False,
                               help_text=_("The reference of the signal this one upgrades or "
                                           "downgrades."))
    text = forms.CharField(label=_("Text"), widget=forms.Textarea, required=False,
                           max_length=2000)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit_districts(user)

    def clean(self):
        data = super().clean()
        start, end, issued = data.get("valid_from"), data.get("valid_until"), data.get("issued_at")
        if start and end:
            if end <= start:
                self.add_error("valid_until", _("The validity period is reversed: it ends "
                                                "before it starts."))
            elif end - start > datetime.timedelta(days=MAX_WARNING_DAYS):
                self.add_error("valid_until", _("A warning is valid for at most %(d)d days.")
                               % {"d": MAX_WARNING_DAYS})
            if issued and issued > end:
                self.add_error("issued_at", _("Issued after its validity ended."))
        return data

    def row(self) -> WarningRow:
        data = self.cleaned_data
        return WarningRow(
            str(_("this warning")), (data["district"].pk,), data["reference"].strip(),
            data["type"], data["level"], data["issued_at"], data["valid_from"],
            data["valid_until"], data["text"], data["replaces"].strip(), None)


class OverrideForm(DistrictChoiceMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Why the automatic level is not right; it is recorded."))
    expires_at = forms.DateTimeField(label=_("Expires at"), widget=DATETIME_WIDGET,
                                     help_text=_("At most 72 hours from now."))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit_districts(user)
        if not self.is_bound:
            self.initial.setdefault(
                "expires_at", timezone.localtime() + datetime.timedelta(hours=12))


WARNING_COLOURS = [(1, _("Blue")), (2, _("Yellow")), (3, _("Orange")), (4, _("Red"))]


class RulesForm(forms.ModelForm):
    """A rules version, with a grid: the protocol level for each warning type and colour."""

    class Meta:
        model = ProtocolRules
        fields = [
            "name", "alert_min_c", "severe_min_c", "extreme_min_c", "use_wind_chill",
            "drop_c", "drop_hours", "drop_to_c", "drop_level", "freezing_level",
            "night_starts_hour", "night_ends_hour", "lead_hours", "hold_hours",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        levels = self.instance.warning_levels or {}
        self.grid = []
        for type_value, type_label in WarningType.choices:
            row = []
            for colour, _label in WARNING_COLOURS:
                name = f"w_{type_value}_{colour}"
                self.fields[name] = forms.TypedChoiceField(
                    label=f"{type_label} {_label}", choices=LEVEL_CHOICES, coerce=int,
                    initial=(levels.get(type_value) or [0, 0, 0, 0])[colour - 1])
                row.append(name)
            self.grid.append((type_label, row))

    def grid_rows(self):
        return [(label, [self[name] for name in names]) for label, names in self.grid]

    def clean(self):
        data = super().clean()
        alert, severe, extreme = (data.get(k) for k in ("alert_min_c", "severe_min_c",
                                                        "extreme_min_c"))
        if None not in (alert, severe, extreme) and not extreme < severe < alert:
            self.add_error("severe_min_c", _("Thresholds must fall: extreme below severe below "
                                             "cold alert."))
        for name, low, high in (("drop_c", 1, 40), ("drop_hours", 1, 72), ("lead_hours", 0, 72),
                                ("hold_hours", 0, 168), ("night_starts_hour", 0, 23),
                                ("night_ends_hour", 0, 23)):
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, _("Between %(low)s and %(high)s.")
                               % {"low": low, "high": high})
        for name, low, high in (("alert_min_c", -40, 15), ("severe_min_c", -45, 10),
                                ("extreme_min_c", -50, 5), ("drop_to_c", -40, 20)):
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, _("Between %(low)s and %(high)s °C.")
                               % {"low": low, "high": high})
        return data

    def save(self, commit: bool = True) -> ProtocolRules:
        rules = super().save(commit=False)
        rules.warning_levels = {
            type_value: [self.cleaned_data[f"w_{type_value}_{colour}"]
                         for colour, _label in WARNING_COLOURS]
            for type_value in WARNING_TYPES
        }
        if commit:
            rules.save()
        return rules


class BacktestForm(DistrictChoiceMixin, forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    since = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    until = forms.DateField(label=_("To"), widget=DATE_WIDGET)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit_districts(user)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if until < since:
                self.add_error("until", _("The end date is before the start date."))
            elif (until - since).days > MAX_BACKTEST_DAYS:
                self.add_error("until", _("At most %(d)d days at a time.")
                               % {"d": MAX_BACKTEST_DAYS})
        return data


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "planned_end_on"]
        widgets = {"starts_on": DATE_WIDGET, "planned_end_on": DATE_WIDGET}

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("planned_end_on")
        if start and end and end <= start:
            self.add_error("planned_end_on", _("The planned end must be after the start."))
        return data


class ExtensionForm(forms.Form):
    new_end_on = forms.DateField(label=_("New end"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}))


class DecisionDateForm(forms.Form):
    decided_on = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET,
                                 initial=timezone.localdate)



class CitySeasonForm(forms.ModelForm):
    """The city's usual campaign season (proposed at setup from its latitude) and extensions."""

    class Meta:
        model = City
        fields = ["season_start_month", "season_start_day", "season_end_month", "season_end_day",
                  "extension_days"]

    def clean(self):
        data = super().clean()
        for month, day in (("season_start_month", "season_start_day"),
                           ("season_end_month", "season_end_day")):
            if data.get(month) is None or data.get(day) is None:
                continue
            try:
                datetime.date(2001, data[month], data[day])  # not a leap year: no 29 February
            except ValueError:
                self.add_error(day, _("No such day in that month."))
        if data.get("season_start_month") == data.get("season_end_month") is not None:
            self.add_error("season_end_month",
                           _("The season cannot start and end in the same month."))
        days = data.get("extension_days")
        if days is not None and not 1 <= days <= 60:
            self.add_error("extension_days", _("Between %(low)s and %(high)s.")
                           % {"low": 1, "high": 60})
        return data
