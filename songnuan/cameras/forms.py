from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from songnuan.cameras.figures import MAX_NIGHTS
from songnuan.cameras.models import Camera, CameraOwner, DismissReason, FeedKind, OwnerKind
from songnuan.geo.coords import CoordSystem

COORD_CHOICES = [(CoordSystem.WGS84.value, _("WGS-84 (GPS)")),
                 (CoordSystem.GCJ02.value, _("GCJ-02 (Amap, Tencent)")),
                 (CoordSystem.BD09.value, _("BD-09 (Baidu)"))]


class CameraForm(forms.Form):
    code = forms.CharField(label=_("camera code"), max_length=64)
    name = forms.CharField(label=_("name"), max_length=100)
    owner = forms.ModelChoiceField(CameraOwner.objects.none(), label=_("owned by"))
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180)
    coord = forms.ChoiceField(label=_("coordinate system"), choices=COORD_CHOICES,
                              initial=CoordSystem.WGS84.value)
    hotspot = forms.ModelChoiceField(None, label=_("watched hotspot"), required=False,
                                     help_text=_("Left empty: the nearest hotspot, if any."))
    feed_kind = forms.ChoiceField(label=_("kind of feed"), choices=FeedKind.choices)
    active_from = forms.TimeField(label=_("active from"), initial=datetime.time(18, 0))
    active_until = forms.TimeField(label=_("active until"), initial=datetime.time(8, 0))
    snapshot_url = forms.URLField(label=_("snapshot URL"), required=False, max_length=500,
                                  assume_scheme="https",
                                  help_text=_("For snapshot feeds: polled during the active "
                                              "hours."))
    masks = forms.CharField(
        label=_("privacy masks"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One rectangle per line: x, y, width, height as fractions of the picture "
                    "(0.6, 0, 0.4, 0.3 is the top right corner). Never stored nor analysed."))
    silent_after_minutes = forms.IntegerField(label=_("silent after (minutes)"), min_value=5,
                                              max_value=24 * 60, initial=60)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, hotspots=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = CameraOwner.objects.filter(is_active=True)
        self.fields["hotspot"].queryset = hotspots

    @staticmethod
    def initial_for(camera: Camera) -> dict:
        return {"code": camera.code, "name": camera.name, "owner": camera.owner_id,
                "lat": camera.lat, "lon": camera.lon, "coord": "wgs84",
                "hotspot": camera.hotspot_id, "feed_kind": camera.feed_kind,
                "snapshot_url": camera.snapshot_url,
                "active_from": camera.active_from, "active_until": camera.active_until,
                "masks": "\n".join(", ".join(f"{v:g}" for v in mask) for mask in camera.masks),
                "silent_after_minutes": camera.silent_after_minutes,
                "is_active": camera.is_active}


class ImportForm(forms.Form):
    """The register as a CSV or XLSX file, and whether names already registered update their
    camera or are refused."""

    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(label=_("CSV or XLSX file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
    update_existing = forms.BooleanField(
        label=_("update existing cameras"), required=False, label_suffix="",
        help_text=_("Ticked: a row naming a camera already registered changes that camera. "
                    "Left empty: such a row is refused as a duplicate."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class OwnerForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind of owner"), choices=OwnerKind.choices)


class DismissForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=DismissReason.choices)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class SnapshotForm(forms.Form):
    """A picture from a camera without AI, taken by hand, for our detector."""

    picture = forms.FileField(label=_("picture (JPEG or PNG)"))
    taken_at = forms.DateTimeField(
        label=_("picture taken at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Two pictures of the same person minutes apart tell a still person from a "
                    "passer-by."))


class NightsForm(forms.Form):
    """The nights a camera's figures cover, named by their evenings."""

    first = forms.DateField(label=_("from the night of"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("to the night of"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("first", _("The first night comes after the last."))
        elif first and last and (last - first).days >= MAX_NIGHTS:
            self.add_error("first", _("Choose at most %(n)s nights.") % {"n": MAX_NIGHTS})
        return data
