"""The period and district a figure is asked for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from songnuan.network.models import District


class SelectionForm(forms.Form):
    first = forms.DateField(label=_("First night"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("Last night"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
    # Every district, so a district the user does not cover is refused by name (by
    # `selection.select`) rather than as an unknown choice.
    district = forms.ModelChoiceField(District.objects.all(), label=_("District"),
                                      required=False, empty_label=_("All my districts"))

    def __init__(self, *args, districts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].widget.choices = [("", _("All my districts"))] + [
            (d.pk, str(d)) for d in districts]


class ReportForm(SelectionForm):
    """A campaign report: its period and district, and the parts a person writes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "last"):  # what a date input accepts as its value
            self.fields[name].widget.format = "%Y-%m-%d"

    overview = forms.CharField(label=_("Overview remarks"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 4}))
    cases = forms.CharField(label=_("Typical cases"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(label=_("Problems found"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label=_("Next steps"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class BriefingForm(forms.Form):
    """Regenerate last night's briefing for one district or all those covered."""

    district = forms.ModelChoiceField(District.objects.all(), label=_("District"),
                                      required=False, empty_label=_("All my districts"))

    def __init__(self, *args, districts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].widget.choices = [("", _("All my districts"))] + [
            (d.pk, str(d)) for d in districts]
