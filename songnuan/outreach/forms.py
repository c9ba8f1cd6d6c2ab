"""Filters for the hotspot list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from songnuan.network.models import District
from songnuan.outreach.models import PlaceType, RiskLevel


class HotspotFilterForm(forms.Form):
    district = forms.ModelChoiceField(District.objects.all(), required=False,
                                      label=_("District"), empty_label=_("All districts"))
    place_type = forms.ChoiceField(choices=[("", _("All types")), *PlaceType.choices],
                                   required=False, label=_("Type of place"))
    risk_level = forms.TypedChoiceField(choices=[("", _("Any risk")), *RiskLevel.choices],
                                        coerce=int, empty_value=None, required=False,
                                        label=_("Risk level"))
