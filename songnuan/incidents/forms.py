"""Input of the incident pages: the few-tap report, notes, the review, plans and the filters."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from songnuan.incidents.models import Kind, Level, Status
from songnuan.network.models import District
from songnuan.people.models import Person


class ReportForm(forms.Form):
    """Type and place are checked by the service, so the web and any other caller refuse
    alike, field by field."""

    client_request_id = forms.CharField(max_length=64, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("type of incident"), choices=Kind.choices, required=False,
                             widget=forms.RadioSelect)
    level = forms.ChoiceField(label=_("how serious"), choices=Level.choices, initial=Level.GENERAL,
                              widget=forms.RadioSelect)
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.none(),
                                      required=False)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90,
                           max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180,
                           max_value=180)
    people = forms.ModelMultipleChoiceField(label=_("people involved"),
                                            queryset=Person.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    file_numbers = forms.CharField(label=_("other person file numbers"), max_length=200,
                                   required=False, help_text=_("Separated by commas."))
    description = forms.CharField(label=_("what happened"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    actions_taken = forms.CharField(label=_("what was done"), max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, districts=None, people=None, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("client_request_id", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else \
            District.objects.none()
        self.fields["people"].queryset = people if people is not None else Person.objects.none()

    def clean_file_numbers(self) -> list[int]:
        numbers = []
        for part in self.cleaned_data["file_numbers"].replace("，", ",").split(","):
            part = part.strip().lstrip("#")
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(_("“%(value)s” is not a file number."),
                                            params={"value": part})
            numbers.append(int(part))
        return numbers


class NoteForm(forms.Form):
    text = forms.CharField(label=_("what was done"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("photo or document"),
                           help_text=_("A photo, a PDF or a Word document, up to 10 MB."))


class CloseForm(forms.Form):
    cause = forms.CharField(label=_("cause"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(label=_("lessons"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("measures"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("type of incident"), required=False,
                             choices=[("", "—"), *Kind.choices])
    level = forms.ChoiceField(label=_("how serious"), required=False,
                              choices=[("", "—"), *Level.choices])
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", "—"), *Status.choices])
    district = forms.ModelChoiceField(label=_("district"), required=False,
                                      queryset=District.objects.none())
    since = forms.DateField(label=_("reported from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("reported until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else \
            District.objects.none()


class PlanForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=120)
    kind = forms.ChoiceField(label=_("type of incident"), required=False,
                             choices=[("", "—"), *Kind.choices])
    protocol_level = forms.IntegerField(label=_("cold-weather protocol level"), required=False,
                                        min_value=1, max_value=4)
    district = forms.ModelChoiceField(label=_("district"), required=False,
                                      queryset=District.objects.none(),
                                      help_text=_("Empty for the city's plan."))
    text = forms.CharField(label=_("plan text"), max_length=20000, required=False,
                           widget=forms.Textarea(attrs={"rows": 6}))
    items = forms.CharField(label=_("checklist"), max_length=20000, required=False,
                            widget=forms.Textarea(attrs={"rows": 8}),
                            help_text=_("One action a line."))
    document = forms.FileField(
        label=_("or read it from a Word document (.docx)"), required=False,
        help_text=_("Its list paragraphs become the checklist, the rest the plan text; what "
                    "is typed above is kept where the document has none."))
    note = forms.CharField(label=_("what changed"), max_length=200, required=False)

    MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

    def __init__(self, *args, districts=None, new: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else \
            District.objects.none()
        if not new:
            for name in ("title", "kind", "protocol_level", "district"):
                del self.fields[name]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document is not None and document.size > self.MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The document is larger than 5 MB."))
        return document
