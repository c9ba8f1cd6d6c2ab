"""Input checked at the edge: the public report, the hotline form and staff actions."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from songnuan.leads.models import (
    TRACKING_ALPHABET,
    TRACKING_CODE_LENGTH,
    Flag,
    Lead,
    LeadStatus,
    Outcome,
    Payout,
    TrustedReporter,
)
from songnuan.leads.photos import clean_photo
from songnuan.leads.schemas import REQUEST_ID_PATTERN
from songnuan.network.city import served_city
from songnuan.network.models import District
from songnuan.notify.phones import normalize_mobile

COORD_CHOICES = [("wgs84", "WGS-84"), ("gcj02", "GCJ-02"), ("bd09", "BD-09")]
# Where a chosen point came from: a candidate's source, or a pin dropped on the map.
PICKED_FROM = [("gazetteer", "gazetteer"), ("site", "site"), ("hotspot", "hotspot"),
               ("geocoder", "geocoder"), ("pin", "pin")]


def place_search_attrs(**attrs) -> dict:
    """A place input that asks for candidates as it is typed (htmx)."""
    return {"autocomplete": "off", "hx-get": reverse_lazy("places:resolve"),
            "hx-trigger": "input changed delay:250ms, focus once", "hx-sync": "this:replace",
            "hx-target": "next .place-candidates", "aria-controls": "place-candidates", **attrs}


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to LEADS_MAX_PHOTOS photos, each checked and re-encoded without metadata."""

    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > settings.LEADS_MAX_PHOTOS:
            raise ValidationError(_("Send at most %(count)s photos.")
                                  % {"count": settings.LEADS_MAX_PHOTOS})
        return [clean_photo(super(PhotosField, self).clean(item, initial)) for item in files]


class MobileField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_mobile(value) if value else ""


class FlagsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Flag.choices, required=False, **kwargs)


class ReportForm(forms.Form):
    """The public report page: where, what you see, optionally photos and a phone."""

    client_request_id = forms.RegexField(regex=REQUEST_ID_PATTERN, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    coord = forms.ChoiceField(choices=COORD_CHOICES, initial="wgs84", widget=forms.HiddenInput)
    reporter_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    place = forms.CharField(
        label=_("Or type the place"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. under the bridge on Hangzhou Road")}),
    )
    people_count = forms.IntegerField(label=_("How many people?"), min_value=1, max_value=50,
                                      initial=1, widget=forms.NumberInput(attrs={
                                          "inputmode": "numeric"}))
    flags = FlagsField(label=_("What do you see?"))
    description = forms.CharField(
        label=_("Anything else"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _(
            "What they look like, exactly where, anything that helps the squad find them")}),
    )
    photos = PhotosField(label=_("Photos (up to 3)"), required=False)
    reporter_phone = MobileField(
        label=_("Your mobile (optional)"), required=False,
        help_text=_("For updates on your report and for rewards. Never shown to anyone else."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_request_id", uuid.uuid4().hex)


class HotlineForm(forms.Form):
    """The hotline operator's form: phone, place, what the caller sees. Keyboard first."""

    caller_phone = MobileField(label=_("Caller's mobile"), required=False, widget=forms.TextInput(
        attrs={"type": "tel", "autofocus": True, "accesskey": "1"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            widget=forms.TextInput(attrs=place_search_attrs(
                                accesskey="2", **{"hx-include": "[name=district]"})))
    # A candidate the operator chose: its WGS-84 point, filled in by the page.
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    place_source = forms.ChoiceField(required=False, choices=PICKED_FROM,
                                     widget=forms.HiddenInput)
    district = forms.ModelChoiceField(District.objects.all(), label=_("District"),
                                      required=False, empty_label=_("From the coordinates"))
    coordinates = forms.CharField(
        label=_("Coordinates"), required=False, max_length=60,
        help_text=_("Optional: latitude, longitude as the caller's map app shows them."),
    )
    coord = forms.ChoiceField(label=_("Map system"), choices=COORD_CHOICES, initial="gcj02",
                              help_text=_("Amap and Tencent show GCJ-02, Baidu BD-09."))
    people_count = forms.IntegerField(label=_("People"), min_value=1, max_value=50, initial=1)
    flags = FlagsField(label=_("What the caller sees"))
    description = forms.CharField(label=_("Notes"), required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def clean_coordinates(self) -> tuple[float, float] | None:
        text = self.cleaned_data["coordinates"].replace("，", ",").strip()
        if not text:
            return None
        parts = [part for part in text.replace(" ", ",").split(",") if part]
        try:
            lat, lon = (float(part) for part in parts)
        except ValueError:
            lat, lon = served_city().centre
            raise ValidationError(_("Write the coordinates as: %(example)s") % {
                "example": f"{lat:.4f}, {lon:.4f}"}) from None
        return lat, lon

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("coordinates"):
            self.add_error("place", _("Say where: a place or coordinates."))
        if data.get("lat") is None or data.get("lon") is None:
            data["lat"] = data["lon"] = None
        return data

    def picked(self) -> tuple[float, float, str] | None:
        """The chosen candidate's point and source, when one was chosen."""
        data = self.cleaned_data
        if data.get("lat") is None:
            return None
        return data["lat"], data["lon"], data.get("place_source") or "gazetteer"


class LocationForm(forms.Form):
    """Set a lead's place: a candidate for the typed place, or a pin on the map."""

    place = forms.CharField(label=_("Search a place"), max_length=200, required=False,
                            widget=forms.TextInput(attrs=place_search_attrs()))
    lat = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput,
                           error_messages={"required": _(
                               "Choose a place from the list or put a pin on the map.")})
    lon = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput,
                           error_messages={"required": _(
                               "Choose a place from the list or put a pin on the map.")})
    place_source = forms.ChoiceField(required=False, choices=PICKED_FROM,
                                     widget=forms.HiddenInput)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=LeadStatus.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "—"), *Outcome.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            labels = dict(LeadStatus.choices)
            self.fields["status"].choices = [(s, labels[s]) for s in allowed
                                             if s != LeadStatus.DUPLICATE]


class InvalidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    prank = forms.BooleanField(label=_("This was a prank"), required=False)


class LinkForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("Same person as lead"), max_length=12,
        widget=forms.TextInput(attrs={"placeholder": _("Lead code, such as U8JRBQKJ")}))


class SplitForm(forms.Form):
    note = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("open", _("Open (the queue)")), ("", _("All")), *LeadStatus.choices])
    district = forms.ModelChoiceField(District.objects.all(), required=False,
                                      label=_("District"), empty_label=_("All districts"))
    min_priority = forms.IntegerField(label=_("Priority at least"), required=False)
    q = forms.CharField(label=_("Tracking code or place"), required=False, max_length=50)


class TrackForm(forms.Form):
    """A tracking code typed by the public: spaces and dashes are forgiven, case does not matter."""

    code = forms.CharField(
        label=_("Tracking code"), max_length=30,
        error_messages={"required": _("Type the tracking code you were given.")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                      "spellcheck": "false", "placeholder": "K7M2Q9XB"}))

    def clean_code(self) -> str:
        code = re.sub(r"[\s\-]", "", self.cleaned_data["code"]).upper()
        if len(code) != TRACKING_CODE_LENGTH or any(c not in TRACKING_ALPHABET for c in code):
            raise ValidationError(_(
                "A tracking code has %(n)d letters and digits (no 0, 1, I, L or O). "
                "Check what you typed.") % {"n": TRACKING_CODE_LENGTH})
        if not Lead.objects.filter(tracking_code=code).exists():
            raise ValidationError(_("No report has this tracking code. Check it, or call the "
                                    "hotline."))
        return code


class ClaimCodeForm(forms.Form):
    code = forms.RegexField(label=_("Code from the text message"), regex=r"^\s*\d{6}\s*$",
                            error_messages={"invalid": _("The code has 6 digits.")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                          "autocomplete": "one-time-code"}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=300)


class PayoutForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Payout.Method.choices)
    reference = forms.CharField(label=_("Payment reference"), max_length=100)


class LedgerForm(forms.Form):
    district = forms.ModelChoiceField(District.objects.all(), required=False,
                                      label=_("District"), empty_label=_("All districts"))
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


class TrustedReporterForm(forms.ModelForm):
    phone = MobileField(label=_("Mobile phone"))

    class Meta:
        model = TrustedReporter
        fields = ["name", "phone", "kind", "organisation", "district"]

    def __init__(self, *args, organisations=None, districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        if districts is not None:
            self.fields["district"].queryset = districts
