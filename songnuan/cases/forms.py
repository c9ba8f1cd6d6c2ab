"""Input of the case pages: the proposal, consent, review, withdrawal and the library filters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.cases.models import Audience, ConsentGiver, ConsentMethod, Status
from songnuan.images import check_photo
from songnuan.network.models import District
from songnuan.people.models import PersonPhoto

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("publicity case", "title"), max_length=100)
    story = forms.CharField(label=_("story"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 8}),
                            help_text=_("Names, ID and phone numbers and addresses are taken "
                                        "out before review."))
    photos = forms.ModelMultipleChoiceField(label=_("photos from the person file"),
                                            queryset=PersonPhoto.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    upload = forms.ImageField(label=_("or upload a photo"), required=False)

    def __init__(self, *args, photos=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].queryset = photos if photos is not None else \
            PersonPhoto.objects.none()
        self.fields["photos"].label_from_instance = lambda photo: photo.caption or \
            timezone.localtime(photo.taken_at).strftime("%Y-%m-%d")

    def clean_upload(self) -> bytes | None:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        upload.seek(0)
        data = upload.read()
        check_photo(data)
        return data


class EditForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("publicity case", "title"), max_length=100)
    story = forms.CharField(label=_("story"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 8}))


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(label=_("consent given by"), choices=ConsentGiver.choices,
                                 initial=ConsentGiver.PERSON, widget=forms.RadioSelect)
    guardian_name = forms.CharField(label=_("guardian's name"), max_length=50, required=False)
    given_on = forms.DateField(label=_("consent given on"),
                               widget=DATE)
    method = forms.ChoiceField(label=_("how consent was given"), choices=ConsentMethod.choices,
                               widget=forms.RadioSelect)
    witness = forms.CharField(label=_("witness"), max_length=50, required=False)
    scope = forms.ChoiceField(label=_("uses allowed"), choices=Audience.choices,
                              widget=forms.RadioSelect,
                              help_text=_("Each use includes those above it."))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))],
                                 widget=forms.HiddenInput)
    note = forms.CharField(label=_("review note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("withdrawn on"),
                                   widget=DATE)
    reason = forms.CharField(label=_("reason for withdrawal"), max_length=200, required=False)


class LibraryFilter(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All but withdrawn")), *Status.choices])
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.none(),
                                      required=False, empty_label=_("All districts"))
    audience = forms.ChoiceField(label=_("export for"), required=False, choices=Audience.choices)

    def __init__(self, *args, districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else \
            District.objects.none()
