"""Input checked at the edge: the site form, list filters, import and warming visits."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import may_place_in, scope_of
from songnuan.network import services
from songnuan.network.models import (
    District,
    HostType,
    Service,
    Site,
    SiteLevel,
    SiteStatus,
)
from songnuan.refusals import Refused

COORD_CHOICES = [
    ("wgs84", _("WGS-84 (GPS)")),
    ("gcj02", _("GCJ-02 (Amap, Tencent)")),
    ("bd09", _("BD-09 (Baidu)")),
]
# What only staff with district or city reach may change: where a site is and where it hangs.
STRUCTURAL_FIELDS = ("name", "level", "parent", "lat", "lon", "coord", "district",
                     "district_override_reason")


class SiteForm(forms.ModelForm):
    # No range limits here: the position check names swapped or far-away coordinates itself.
    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lon = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    coord = forms.ChoiceField(label=_("Coordinate system"), choices=COORD_CHOICES,
                              initial="wgs84",
                              help_text=_("Stored as WGS-84 whatever system you enter."))
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False,
        empty_label=_("From the coordinates"),
        help_text=_("Leave empty to use the district the coordinates lie in."),
    )
    hours_text = forms.CharField(
        label=_("Opening hours"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Mon-Sun 18:00-08:00"}),
        help_text=_("One span a line, e.g. “Mon-Fri 18:00-08:00” or “Sat,Sun 09:00-17:00”; "
                    "a span ending before it starts runs overnight."),
    )
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=Service.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Site
        fields = [
            "name", "level", "parent", "host_type", "is_qindao_yijia", "address", "lat", "lon",
            "district", "district_override_reason", "is_24h", "open_in_cold_protocol",
            "services", "seats", "beds", "phone", "status", "status_reason",
        ]

    def __init__(self, *args, editor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.order_fields(["name", "level", "parent", "host_type", "is_qindao_yijia", "address",
                           "lat", "lon", "coord", "district", "district_override_reason",
                           "hours_text", "is_24h", "open_in_cold_protocol"])
        for name in ("seats", "beds"):
            self.fields[name].required = False
        if self.instance.pk:
            self.initial["hours_text"] = "\n".join(self.instance.hours)
            # Shown only when it was set by hand: otherwise moving the site re-derives it.
            self.initial["district"] = (
                self.instance.district_id if self.instance.district_override_reason else None
            )
        parents = Site.objects.restrict(editor, "view") | Site.objects.filter(
            Q(level=SiteLevel.CENTRAL_STATION) | Q(pk=self.instance.parent_id or 0)
        )
        self.fields["parent"].queryset = parents.exclude(
            level__in=[SiteLevel.RELIEF_POINT, SiteLevel.GUIDANCE_POINT]
        ).exclude(pk=self.instance.pk or 0).distinct().select_related("district")
        if self.instance.pk and scope_of(editor).reach is Reach.SITE:
            for name in STRUCTURAL_FIELDS:
                self.fields[name].disabled = True
            self.fields["lat"].initial = self.instance.lat
            self.fields["lon"].initial = self.instance.lon

    def clean(self):
        data = super().clean()
        for name in ("seats", "beds"):
            data[name] = data.get(name) or 0
        if self.fields["lat"].disabled:
            for name in ("lat", "lon", "district", "district_override_reason"):
                data[name] = getattr(self.instance, name)
        elif "lat" in data and "lon" in data:
            self._place(data)
        if "hours_text" in data:
            try:
                self.instance.hours = services.parse_hours_field(data["hours_text"])
            except Refused as refused:
                self.add_error("hours_text", str(refused.message))
        district = data.get("district")
        if district is not None and not self._may_place(district):
            self.add_error("district", _("You may only place sites in your own district."))
        return data

    def _place(self, data: dict) -> None:
        probe = Site(pk=self.instance.pk)
        try:
            services.place_site(probe, data["lat"], data["lon"], data.get("coord", "wgs84"),
                                data.get("district"), data.get("district_override_reason", ""))
        except Refused as refused:
            self.add_error(refused.field if refused.field in self.fields else "lat",
                           str(refused.message))
            return
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else "lat", messages)
            return
        data["lat"], data["lon"] = probe.lat, probe.lon
        data["district"] = probe.district
        data["district_override_reason"] = probe.district_override_reason

    def _may_place(self, district: District) -> bool:
        if scope_of(self.editor).reach is Reach.SITE:
            return self.instance.pk is not None and may_place_in(
                self.editor, district.pk, self.instance.pk
            )
        return may_place_in(self.editor, district.pk)

    def _post_clean(self) -> None:
        super()._post_clean()
        try:
            services.check_site(self.instance)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                field = "hours_text" if field == "hours" else field
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
                elif field not in self.fields:
                    self.add_error(None, messages)


class SiteFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(),
                                      required=False, empty_label=_("All districts"))
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("All levels"))] + SiteLevel.choices)
    host_type = forms.ChoiceField(label=_("Host facility"), required=False,
                                  choices=[("", _("All hosts"))] + HostType.choices)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status"))] + SiteStatus.choices + [("full", _("Full"))],
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("One site a row, with the columns of the export."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class VisitForm(forms.Form):
    direction = forms.ChoiceField(choices=[("in", _("Check in")), ("out", _("Check out"))])
    count = forms.IntegerField(label=_("People"), min_value=1,
                               max_value=services.MAX_VISITS_PER_CLICK, initial=1)


class PlaceForm(forms.Form):
    """The public page's fallback when the phone's location is refused."""

    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(),
                                      required=False, empty_label=_("Choose your district"))
    place = forms.CharField(label=_("Or type a place"), required=False, max_length=60)
