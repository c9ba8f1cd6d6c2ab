"""Forms at the edge: reports (public and staff), decisions, announcements, comparisons."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.scoping import may_place_in
from songnuan.linkage.idnumber import normalise
from songnuan.network.forms import ImportForm as TableFileForm
from songnuan.network.models import District
from songnuan.refusals import add_to_form
from songnuan.tracing import returns
from songnuan.tracing.models import (
    Channel,
    ComparisonKind,
    Decision,
    MissingReport,
    PlacementKind,
    ReturnPlan,
    SettlementKind,
)

REPORT_FIELDS = ("name", "sex", "birth_year", "height_cm", "native_place", "dialect", "features",
                 "missing_since", "last_seen_place", "description", "photo", "reporter_name",
                 "reporter_phone", "reporter_relation", "district")


class ReportForm(forms.ModelForm):
    class Meta:
        model = MissingReport
        fields = REPORT_FIELDS
        widgets = {"missing_since": forms.DateInput(attrs={"type": "date"}),
                   "reporter_phone": forms.TextInput(attrs={"inputmode": "tel",
                                                            "autocomplete": "tel"}),
                   "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
                   "height_cm": forms.NumberInput(attrs={"inputmode": "numeric"}),
                   "features": forms.Textarea(attrs={"rows": 2}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= datetime.date.today().year:
            raise forms.ValidationError(_("A birth year between 1900 and this year, please."))
        return year

    def clean_height_cm(self):
        height = self.cleaned_data.get("height_cm")
        if height is not None and not 40 <= height <= 250:
            raise forms.ValidationError(_("A height between 40 and 250 cm, please."))
        return height

    def clean_missing_since(self):
        day = self.cleaned_data.get("missing_since")
        if day and day > datetime.date.today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class StaffReportForm(ReportForm):
    """Staff may record the ID number; it is stored encrypted, never in a plain column."""

    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    field_order = (*REPORT_FIELDS[:2], "id_number")

    def clean_id_number(self) -> str:
        return normalise(self.cleaned_data.get("id_number"))

    def save(self, commit: bool = True) -> MissingReport:
        report = super().save(commit=False)
        report.set_id_number(self.cleaned_data["id_number"])
        if commit:
            report.save()
        return report


class PublicReportForm(ReportForm):
    code = forms.CharField(label=_("Verification code"), max_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        (Decision.CONFIRMED, _("Confirm: same person")),
        (Decision.REJECTED, _("Reject: not the same person"))])
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AnnouncementForm(forms.Form):
    found_place = forms.CharField(label=_("Where found"), max_length=200)
    contact = forms.CharField(label=_("Station contact"), max_length=200, required=False)
    national_reference = forms.CharField(
        label=_("National family-search platform: reference returned"), max_length=100,
        required=False)
    press_reference = forms.CharField(label=_("Press: newspaper and issue"), max_length=100,
                                      required=False)
    social_reference = forms.CharField(label=_("Social media: account and post"),
                                       max_length=100, required=False)

    def references(self) -> dict[str, str]:
        data = self.cleaned_data
        return {Channel.NATIONAL: data["national_reference"],
                Channel.PRESS: data["press_reference"], Channel.SOCIAL: data["social_reference"]}


class RefreshForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    reference = forms.CharField(label=_("Reference returned"), max_length=100, required=False)


class ComparisonForm(forms.Form):
    kind = forms.ChoiceField(label=_("Comparison"), choices=ComparisonKind.choices)
    liaison = forms.ModelChoiceField(label=_("Police liaison"), queryset=None)
    message = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 2}),
                              required=False)

    def __init__(self, *args, **kwargs):
        from songnuan.accounts.models import User
        from songnuan.accounts.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = User.objects.filter(role=Role.POLICE_LIAISON,
                                                              is_active=True)


class OfficerForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Case officer"), queryset=None, required=False,
                                     empty_label=_("Nobody yet"))

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class ResultForm(forms.Form):
    matched = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "yes", choices=[
        ("no", _("No match")), ("yes", _("Matched an identity"))])
    identity = forms.CharField(label=_("Matched identity"), max_length=200, required=False,
                               help_text=_("The name the comparison found."))
    id_number = forms.CharField(label=_("ID number"), max_length=24, required=False)
    reference = forms.CharField(label=_("Police reference"), max_length=60, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Comparison report"), required=False)


class DischargeHomeForm(forms.Form):
    destination = forms.CharField(label=_("Going home to"), max_length=200)
    travel_mode = forms.ChoiceField(label=_("How they travel home"))
    family_contact = forms.CharField(label=_("Family contact"), max_length=100, required=False)
    family_phone = forms.CharField(label=_("Family phone"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        from songnuan.shelter.models import TravelMode

        super().__init__(*args, **kwargs)
        self.fields["travel_mode"].choices = TravelMode.choices


class ImportForm(TableFileForm):
    district = forms.ModelChoiceField(label=_("District the reports are filed in"),
                                      queryset=District.objects.none())

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One report a row; column names in Chinese or English (e.g. 外部编号 or record_id).")
        allowed = [d.pk for d in District.objects.all() if may_place_in(user, d.pk)]
        self.fields["district"].queryset = District.objects.filter(pk__in=allowed)
        self.fields["district"].initial = user.district_id


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReturnPlanForm(forms.ModelForm):
    """The return home (送返): route, ticket, escort, who receives, what was given."""

    class Meta:
        model = ReturnPlan
        fields = ("destination", "route", "travel_mode", "ticket_kind", "ticket_number",
                  "departs_at", "arrives_at", "escort_user", "escort", "escort_phone",
                  "receiver_kind", "receiver_org", "receiver_name", "receiver_phone",
                  "supplies", "money_yuan")
        widgets = {"departs_at": DATETIME, "arrives_at": DATETIME,
                   "escort_phone": forms.TextInput(attrs={"inputmode": "tel"}),
                   "receiver_phone": forms.TextInput(attrs={"inputmode": "tel"}),
                   "money_yuan": forms.NumberInput(attrs={"inputmode": "decimal",
                                                          "min": "0", "step": "0.01"})}

    def __init__(self, *args, staff=None, **kwargs) -> None:
        from songnuan.shelter.models import TravelMode

        super().__init__(*args, **kwargs)
        self.fields["travel_mode"] = forms.ChoiceField(label=_("How they travel home"),
                                                       choices=TravelMode.choices)
        self.fields["escort_user"].queryset = staff if staff is not None else \
            self.fields["escort_user"].queryset.none()
        self.fields["escort_user"].required = False
        self.fields["route"].widget.attrs["placeholder"] = _("e.g. the city's railway station → "
                                                              "Linyi by train, then coach to the "
                                                              "county")

    def clean(self) -> dict:
        cleaned = super().clean()
        for refused in returns.plan_refusals(cleaned):
            add_to_form(self, refused)
        return cleaned


class ArrivalForm(forms.Form):
    code = forms.CharField(label=_("Code from the escort"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))
    received_by = forms.CharField(label=_("Received by (your name)"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FollowUpForm(forms.Form):
    outcome = forms.CharField(label=_("How the person is doing"), max_length=300,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SettlementStepForm(forms.Form):
    """A settlement step done: the document's number, a scan, and for the placement where."""

    kind = forms.ChoiceField(choices=SettlementKind.choices, widget=forms.HiddenInput)
    reference = forms.CharField(label=_("document number"), max_length=60, required=False)
    document = forms.FileField(label=_("document"), required=False)
    placement = forms.ChoiceField(label=_("placed in"), required=False,
                                  choices=[("", "—"), *PlacementKind.choices])
    place = forms.CharField(label=_("institution or community"), max_length=100,
                            required=False)


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Why dismiss it"), max_length=200,
                             help_text=_("Not someone here, a duplicate, already found …"))


class SendToPartnerForm(forms.Form):
    to_city = forms.ChoiceField(label=_("Partner city"))

    def __init__(self, *args, cities: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_city"].choices = cities
