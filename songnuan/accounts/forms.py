"""Input checked at the edge: login, two-factor codes, users, organisations and API tokens."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts import audit_labels, services, twofactor
from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.models import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    AuditAction,
    Organisation,
    TokenScope,
    User,
)
from songnuan.accounts.roles import ROLE_SPECS, Reach, Role
from songnuan.accounts.scoping import may_place_in, scope_of


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request, *args, **kwargs) -> None:
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.user = services.authenticate_with_lockout(
                self.request, data["username"], data["password"]
            )
        except services.LoginLocked as locked:
            raise forms.ValidationError(str(locked), code="locked") from None
        if self.user is None:
            raise forms.ValidationError(
                _("Wrong username or password, or the account is disabled."), code="invalid"
            )
        return data


class ScopedFormMixin:
    """Limits district, site and organisation choices to what the editing user may place."""

    def limit_choices(self, editor: User) -> None:
        scope = scope_of(editor)
        if scope.reach is not Reach.CITY:
            if "district" in self.fields:
                self.fields["district"].queryset = self.fields["district"].queryset.filter(
                    pk__in=scope.district_ids
                )
                self.fields["district"].required = True
            if "site" in self.fields:
                sites = self.fields["site"].queryset
                self.fields["site"].queryset = sites.filter(district__in=scope.district_ids)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = Organisation.objects.restrict(editor, "view")

    def check_placement(self, editor: User) -> None:
        district = self.cleaned_data.get("district")
        site = self.cleaned_data.get("site")
        if site is not None and district is not None and site.district_id != district.pk:
            self.add_error("site", _("This site is not in the chosen district."))
        scope = scope_of(editor)
        district_id = district.pk if district else (site.district_id if site else None)
        if scope.reach is Reach.SITE:
            ok = may_place_in(editor, district_id, site.pk if site else None)
        else:
            ok = may_place_in(editor, district_id)
        if not ok:
            self.add_error("district", _("You may only place records in your own district."))


class UserForm(ScopedFormMixin, forms.ModelForm):
    password = forms.CharField(
        label=_("New password"), strip=False, required=False, widget=forms.PasswordInput,
        help_text=_("At least 10 characters, not a common or all-number password."),
    )

    class Meta:
        model = User
        fields = [
            "username", "last_name", "first_name", "role", "organisation", "district", "site",
            "phone", "email", "language", "is_active",
        ]

    def __init__(self, *args, editor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.limit_choices(editor)
        self.fields["language"].choices = [("", _("The bureau's default")),
                                           *settings.LANGUAGES]
        if scope_of(editor).reach is not Reach.CITY:
            self.fields["role"].choices = [
                (value, label) for value, label in Role.choices if value != Role.CITY_ADMIN
            ]
        if self.instance.pk is None:
            self.fields["password"].required = True

    def clean(self):
        data = super().clean()
        role = data.get("role")
        spec = ROLE_SPECS.get(role) if role else None
        if spec and spec.needs_district and not data.get("district"):
            self.add_error("district", _("This role needs a district."))
        if spec and spec.needs_site and not data.get("site"):
            self.add_error("site", _("This role needs a site."))
        self.check_placement(self.editor)
        password = data.get("password")
        if password:
            candidate = self.instance
            for field in ("username", "first_name", "last_name", "email"):
                if field in data:
                    setattr(candidate, field, data[field])
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        user.is_staff = user.role == Role.CITY_ADMIN
        if commit:
            user.save()
        return user


class OrganisationForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "district", "site", "phone", "is_active"]

    def __init__(self, *args, editor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.limit_choices(editor)

    def clean(self):
        data = super().clean()
        self.check_placement(self.editor)
        return data


def audited_model_choices() -> list[tuple[str, str]]:
    """Every kind of object the log records, by its label in the reader's language."""
    choices = [(model._meta.label_lower, audit_labels.model_label(model, model.__name__))
               for model in apps.get_models() if issubclass(model, AuditedModel)]
    return sorted(choices, key=lambda choice: choice[1])


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All"))] + AuditAction.choices
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All")), *audited_model_choices()]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app or a recovery code, checked by `check` on clean."""

    code = forms.CharField(
        label=_("Code"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, user: User, ip: str | None, *args, **kwargs) -> None:
        self.user = user
        self.ip = ip
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.check(data["code"])
        except services.LoginLocked as locked:
            raise forms.ValidationError(str(locked), code="locked") from None
        except twofactor.TwoFactorError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
        return data

    def check(self, code: str) -> None:
        self.used = twofactor.verify(self.user, code, self.ip)


class TwoFactorEnrolForm(TwoFactorCodeForm):
    """The first code from a newly added app; on success `recovery_codes` holds the new codes."""

    def __init__(self, user: User, ip: str | None, secret: str, *args, **kwargs) -> None:
        self.secret = secret
        self.recovery_codes: list[str] = []
        super().__init__(user, ip, *args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def check(self, code: str) -> None:
        self.recovery_codes = twofactor.enrol(self.user, self.secret, code)


class TwoFactorDisableForm(TwoFactorCodeForm):
    def check(self, code: str) -> None:
        twofactor.disable(self.user, code, self.ip)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("object", "Name"), max_length=100,
                           help_text=_("What the token is for, such as the script that uses it."))
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices,
                              initial=TokenScope.READ, widget=forms.RadioSelect)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
        help_text=_("At most a year; the token stops working after that."),
    )
