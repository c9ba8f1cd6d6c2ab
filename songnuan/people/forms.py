"""Person-file input checked at the edge; the rules themselves are in `services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.roles import SENSITIVE, Reach
from songnuan.accounts.scoping import scope_of
from songnuan.accounts.sensitive import AuditsSensitiveFields
from songnuan.network.models import District
from songnuan.people.models import Category, Flag, IdentitySource, NotTakenReason, Person

SENSITIVE_FORM_FIELDS = ("id_number", "mental_state", "health_notes")
IDENTITY_FIELDS = ("name", "self_name", "id_number")


class PersonForm(AuditsSensitiveFields, forms.ModelForm):
    sensitive_fields_shown = SENSITIVE_FORM_FIELDS

    id_number = forms.CharField(
        label=_("ID number"), max_length=24, required=False,
        help_text=_("18 characters. Stored encrypted; leave empty to keep the one on file."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label=_("Vulnerabilities"), choices=Flag.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = [
            "name", "alias", "self_name", "sex", "birth_date", "age_estimate",
            "age_estimated_on", "native_place", "dialect", "height_cm", "marks", "categories",
            "flags", "status", "district", "mental_state", "health_notes",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "age_estimated_on": forms.DateInput(attrs={"type": "date"}),
            "marks": forms.Textarea(attrs={"rows": 3}),
            "mental_state": forms.Textarea(attrs={"rows": 3}),
            "health_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, editor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.fields["sex"].required = False
        if not editor.has_perm(SENSITIVE):
            for name in SENSITIVE_FORM_FIELDS:
                self.fields.pop(name)
        scope = scope_of(editor)
        if scope.reach is not Reach.CITY:
            self.fields["district"].queryset = District.objects.filter(pk__in=scope.district_ids)
        if self.instance.pk and self.instance.identities.exists():
            # Never overwritten in silence: a new name or number is a new identity record.
            for name in IDENTITY_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Kept in the identity history: record an identity to change it.")

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("name", "alias", "self_name")):
            self.add_error("alias", _(
                "Give a name, the name they give, or an alias staff can recognise."))
        return data


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why are these the same person?"), max_length=200)


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class IdentityForm(forms.Form):
    """A name or ID number learnt about the person; a confirmed match is recorded by tracing."""

    source = forms.ChoiceField(label=_("Source"), choices=[
        (value, label) for value, label in IdentitySource.choices
        if value != IdentitySource.MATCH])
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=24, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    native_place = forms.CharField(label=_("Native place"), max_length=100, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("The police record or document it rests on."))
    reason = forms.CharField(label=_("Reason to supersede the identity in force"),
                             max_length=200, required=False,
                             help_text=_("Needed only when it contradicts the one in force."))


class SupersedeForm(forms.Form):
    reason = forms.CharField(label=_("Reason to supersede the identity in force"),
                             max_length=200)


CAMERA = {"accept": "image/*", "capture": "environment"}
NOT_TAKEN = [("", "—"), *NotTakenReason.choices]


class BiometricsForm(forms.Form):
    """Photo and fingerprints taken after admission, or why they cannot be; the admission form
    takes the same fields (`shelter.forms.AdmissionForm`)."""

    photo = forms.FileField(label=_("Photo of the face"), required=False,
                            widget=forms.FileInput(attrs=CAMERA))
    without_face_reason = forms.CharField(label=_("Photo without a face: why"), max_length=200,
                                          required=False)
    photo_not_taken = forms.ChoiceField(label=_("No photo: why"), choices=NOT_TAKEN,
                                        required=False)
    photo_note = forms.CharField(label=_("Details"), max_length=200, required=False)
    fingerprint_device = forms.CharField(label=_("Fingerprint device"), max_length=100,
                                         required=False)
    fingerprint_reference = forms.CharField(label=_("Police system reference"), max_length=50,
                                            required=False)
    fingerprint_scan = forms.FileField(label=_("Or the scan"), required=False,
                                       widget=forms.FileInput(attrs=CAMERA))
    fingerprints_not_taken = forms.ChoiceField(label=_("No fingerprints: why"),
                                               choices=NOT_TAKEN, required=False)
    fingerprints_note = forms.CharField(label=_("Details"), max_length=200, required=False)
