"""Input checked at the edge: the place form, the list search and the import upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.network.models import District
from songnuan.places.keys import split_aliases
from songnuan.places.models import Place, PlaceKind

COORD_CHOICES = [
    ("wgs84", _("WGS-84 (GPS)")),
    ("gcj02", _("GCJ-02 (Amap, Tencent)")),
    ("bd09", _("BD-09 (Baidu)")),
]


class PlaceForm(forms.ModelForm):
    aliases_text = forms.CharField(
        label=_("Aliases"), required=False, max_length=500,
        help_text=_("Other names people use, separated by semicolons or 、."))
    # No range limits here: the position check names swapped or far-away coordinates itself.
    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lon = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    coord = forms.ChoiceField(label=_("Coordinate system"), choices=COORD_CHOICES,
                              initial="wgs84",
                              help_text=_("Stored as WGS-84 whatever system you enter."))

    class Meta:
        model = Place
        fields = ["name", "aliases_text", "kind", "lat", "lon", "coord", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = pgettext_lazy("object", "Name")
        if self.instance.pk:
            self.initial.setdefault("aliases_text", "；".join(self.instance.aliases))

    def clean_aliases_text(self) -> list[str]:
        return split_aliases(self.cleaned_data["aliases_text"])

    def _post_clean(self) -> None:
        # The point and district are set by the service from lat/lon/coord, not here.
        self.instance.name = self.cleaned_data.get("name", self.instance.name)
        self.instance.kind = self.cleaned_data.get("kind", self.instance.kind)
        self.instance.is_active = self.cleaned_data.get("is_active", self.instance.is_active)
        self.instance.aliases = self.cleaned_data.get("aliases_text", self.instance.aliases)


class PlaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, alias or pinyin"), required=False, max_length=100)
    district = forms.ModelChoiceField(District.objects.all(), required=False,
                                      label=_("District"), empty_label=_("All districts"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *PlaceKind.choices])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
