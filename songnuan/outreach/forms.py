"""Filters for the hotspot list; squad, member and shift forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.models import User
from songnuan.network.geography import district_for_point
from songnuan.network.models import District
from songnuan.outreach.models import Agency, LookInAnswer, PlaceType, RiskLevel, Squad


class HotspotFilterForm(forms.Form):
    district = forms.ModelChoiceField(District.objects.all(), required=False,
                                      label=_("District"), empty_label=_("All districts"))
    place_type = forms.ChoiceField(choices=[("", _("All types")), *PlaceType.choices],
                                   required=False, label=_("Type of place"))
    risk_level = forms.TypedChoiceField(choices=[("", _("Any risk")), *RiskLevel.choices],
                                        coerce=int, empty_value=None, required=False,
                                        label=_("Risk level"))


class SquadForm(forms.ModelForm):
    class Meta:
        model = Squad
        fields = ["name", "district", "vehicle", "phone", "base_lat", "base_lon", "capacity",
                  "duty_status", "is_active"]
        help_texts = {"vehicle": _("Plate number as on the vehicle: province, letter, number.")}

    def __init__(self, *args, districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.fields["district"].queryset = districts

    def clean(self):
        data = super().clean()
        lat, lon, district = data.get("base_lat"), data.get("base_lon"), data.get("district")
        known = lat is not None and lon is not None and district is not None
        if known and district_for_point(lat, lon) != district:
            self.add_error("base_lat", _("The base is not in the squad's district."))
        return data


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(User.objects.none(), label=_("Member"))
    agency = forms.ChoiceField(choices=Agency.choices, label=_("Agency"))
    is_leader = forms.BooleanField(required=False, label=_("Leader"))

    def __init__(self, *args, users=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if users is not None:
            self.fields["user"].queryset = users


class ShiftForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))


class StandbyForm(forms.Form):
    """Where a squad is told to wait: a point (WGS-84) and the name of the place."""

    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    place = forms.CharField(label=_("Place"), max_length=120)
    for_the_night = forms.BooleanField(label=_("There for the night"), required=False)


class LookInAnswerForm(forms.Form):
    """What a site's staff found when they looked in on someone the dispatcher asked about."""

    answer = forms.ChoiceField(label=_("What you found"), choices=LookInAnswer.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("Choose what you found.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
