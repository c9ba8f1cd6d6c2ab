"""Input of the hotline pages: logging a call, the list's filters, a shorter retention."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.hotline.models import CallKind


class CallForm(forms.Form):
    """A call as the operator logs it. The rules (not in the future, no negative duration, a
    number we can store) are the service's, shown here field by field."""

    started_at = forms.DateTimeField(
        label=_("Call started"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    caller_phone = forms.CharField(
        label=_("Caller's number"), required=False, max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autofocus": True}),
        help_text=_("Empty for a hidden number."))
    duration_s = forms.IntegerField(label=_("Duration (seconds)"), required=False,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    kind = forms.ChoiceField(label=_("Kind of call"), choices=CallKind.choices, required=False,
                             widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(second=0,
                                                                                microsecond=0))


class FilterForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind of call"), required=False,
                             choices=[("", _("All kinds")), *CallKind.choices])
    operator = forms.ChoiceField(label=_("Operator"), required=False)

    def __init__(self, *args, operators=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [("", _("All operators")),
                                           *[(str(user.pk), str(user)) for user in operators]]


class ShortenForm(forms.Form):
    days = forms.IntegerField(label=_("Keep for (days from the call)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300)
