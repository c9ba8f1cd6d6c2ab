"""Station input checked at the edge: admission, daily logs, referrals, discharge, visits."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.roles import SENSITIVE
from songnuan.people.biometrics import LATER
from songnuan.people.forms import BiometricsForm
from songnuan.people.models import Category, NotTakenReason, Person, Sex
from songnuan.shelter.models import (
    AdmissionRoute,
    AgeGroup,
    Condition,
    Outcome,
    ReferralKind,
    ReferralStatus,
    TravelMode,
    ZoneSex,
)

NOT_TAKEN_CHOICES = [("", "—"), *NotTakenReason.choices,
                     (LATER, _("To take later today (the tracing deadline runs)"))]

HEALTH_FIELDS = ("temperature_c", "injuries", "frostbite", "infectious_symptoms",
                 "mental_illness_signs", "intoxicated", "health_notes")


class AdmissionForm(BiometricsForm):
    """Both steps of the admission wizard: the checks, the photo and fingerprints (the person
    file's biometrics fields, with "later" among the reasons), then the zone and bed."""

    site = forms.ModelChoiceField(label=_("Station"), queryset=None, empty_label=None)
    arrival = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person = forms.IntegerField(label=_("Person file number"), required=False,
                                help_text=_("Leave empty to open a new file."))
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    alias = forms.CharField(label=_("Alias or description"), max_length=50, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False)
    age_estimate = forms.IntegerField(label=_("Age (estimate)"), min_value=0, max_value=120,
                                      required=False)
    route = forms.ChoiceField(label=_("How they came"), choices=AdmissionRoute.choices)
    items_held = forms.CharField(label=_("Belongings held for them"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    dangerous_items = forms.CharField(label=_("Dangerous items found"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    temperature_c = forms.DecimalField(label=_("Temperature (°C)"), max_digits=3,
                                       decimal_places=1, required=False,
                                       widget=forms.NumberInput(attrs={"step": "0.1",
                                                                       "inputmode": "decimal"}))
    injuries = forms.CharField(label=_("Injuries"), max_length=200, required=False)
    frostbite = forms.BooleanField(label=_("Frostbite"), required=False)
    infectious_symptoms = forms.BooleanField(label=_("Infectious symptoms (cough, fever, rash)"),
                                             required=False)
    mental_illness_signs = forms.BooleanField(label=_("Signs of mental illness"), required=False)
    intoxicated = forms.BooleanField(label=_("Intoxicated"), required=False)
    health_notes = forms.CharField(label=_("Health notes"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    categories = forms.MultipleChoiceField(label=_("Categories"), choices=Category.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    photo_token = forms.CharField(required=False, widget=forms.HiddenInput)
    scan_token = forms.CharField(required=False, widget=forms.HiddenInput)
    bed = forms.IntegerField(label=_("Bed"), required=False)
    override_reason = forms.CharField(label=_("Reason to override the zone rules"),
                                      max_length=200, required=False)

    def __init__(self, *args, sites, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.user = user
        for name in ("photo_not_taken", "fingerprints_not_taken"):
            self.fields[name].choices = NOT_TAKEN_CHOICES
        self.fields["without_face_reason"].help_text = _(
            "Only when the face cannot be photographed (bandaged, covered).")

    def clean(self):
        data = super().clean()
        if not data.get("person") and not any(data.get(f) for f in ("name", "alias")):
            self.add_error("alias", _("Give a name or a description, or a person file number."))
        return data


class DischargeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("How the stay ends"), choices=Outcome.choices,
                                widget=forms.RadioSelect)
    destination = forms.CharField(label=_("Destination"), max_length=200, required=False,
                                  help_text=_("Home address, hospital, station or institution."))
    travel_mode = forms.ChoiceField(label=_("How they travel home"), required=False,
                                    choices=[("", "—"), *TravelMode.choices])
    family_contact = forms.CharField(label=_("Family contact"), max_length=100, required=False)
    family_phone = forms.CharField(label=_("Family phone"), max_length=30, required=False)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Refer to"), choices=ReferralKind.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=100)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    with_police = forms.BooleanField(label=_("Police accompany"), required=False)
    with_health = forms.BooleanField(label=_("Health workers accompany"), required=False)


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    note = forms.CharField(label=_("Latest news"), max_length=200, required=False)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=90)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MoveBedForm(forms.Form):
    bed = forms.IntegerField(label=_("Bed"))
    override_reason = forms.CharField(label=_("Reason to override the zone rules"),
                                      max_length=200, required=False)


class EntryCheckForm(forms.Form):
    """The security check at the door: the service decides what must go together."""

    stay = forms.ModelChoiceField(label=_("Person staying here"), queryset=None, required=False,
                                  empty_label=_("Not admitted (describe below)"))
    who = forms.CharField(label=_("Who"), max_length=100, required=False,
                          help_text=_("For someone not admitted: a description."))
    items_found = forms.CharField(label=_("Items found"), max_length=300, required=False)
    items_confiscated = forms.CharField(label=_("Items confiscated"), max_length=300,
                                        required=False)
    refused = forms.BooleanField(label=_("Refused entry"), required=False)
    refusal_reason = forms.CharField(label=_("Reason for refusing entry"), max_length=300,
                                     required=False)

    def __init__(self, *args, stays, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stay"].queryset = stays
        self.fields["stay"].label_from_instance = lambda stay: stay.person.display_name


class NoteForm(forms.Form):
    notes = forms.CharField(label=_("Note"), max_length=200)


class ArrivalForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Station"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("Who is coming"), max_length=200, required=False)
    person = forms.IntegerField(label=_("Person file number"), required=False)
    coming_from = forms.CharField(label=_("Coming from"), max_length=100, required=False,
                                  help_text=_("The squad, site or place."))
    expected_at = forms.DateTimeField(label=_("Expected at"), initial=timezone.now,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class ZoneForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Station"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Zone name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=ZoneSex.choices, required=False)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    beds = forms.IntegerField(label=_("Number of beds"), min_value=1, max_value=500)

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class VisitForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Relief point"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("Who (a few words)"), max_length=100, required=False)
    people_count = forms.IntegerField(label=_("People"), min_value=1, max_value=50, initial=1)
    services = forms.CharField(label=_("Services given"), max_length=200, required=False)
    person = forms.IntegerField(label=_("Person file number (optional)"), required=False)

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


def may_see_health(user) -> bool:
    return user.has_perm(SENSITIVE)


def parse_temperature(value: str) -> Decimal | None:
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return Decimal(value).quantize(Decimal("0.1"))
    except ArithmeticError:
        raise ValidationError(_("Not a temperature: %(value)s") % {"value": value}) from None


def lookup_person(user, pk: int | None) -> Person | None:
    if not pk:
        return None
    return Person.objects.restrict(user, "view").filter(pk=pk, merged_into__isnull=True).first()

