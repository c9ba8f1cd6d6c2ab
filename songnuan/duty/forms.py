"""Roster input: one shift, with the people and districts the editor may choose from."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.models import User
from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import scope_of
from songnuan.duty.models import DutyShift
from songnuan.network.services import districts_for

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ShiftForm(forms.ModelForm):
    class Meta:
        model = DutyShift
        fields = ["district", "role", "user", "starts_at", "ends_at"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}

    def __init__(self, *args, editor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (User.objects.restrict(editor, "view")
                                        .filter(is_active=True)
                                        .order_by("district__code", "last_name", "first_name"))
        self.fields["user"].label_from_instance = _person_label
        self.fields["district"].queryset = districts_for(editor)
        if scope_of(editor).reach is Reach.CITY:
            self.fields["district"].empty_label = _("The whole city")
        else:
            self.fields["district"].required = True
            self.fields["district"].help_text = ""
            self.fields["district"].empty_label = None

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return data


def _person_label(user: User) -> str:
    return f"{user}（{user.get_role_display()}）"
