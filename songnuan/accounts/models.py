"""Organisations, users, the audit log and API tokens."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.roles import Role
from songnuan.accounts.scoping import ScopedQuerySet, Scoping


class OrganisationKind(models.TextChoices):
    CITY_BUREAU = "city_bureau", _("City civil-affairs bureau")
    DISTRICT_BUREAU = "district_bureau", _("District civil-affairs bureau")
    RESCUE_CENTRE = "rescue_centre", _("City rescue service centre")
    STATION = "station", _("Rescue station")
    PARTNER = "partner", _("Partner organisation")
    POLICE = "police", _("Police unit")
    HOSPITAL = "hospital", _("Hospital")


class Organisation(AuditedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="organisations",
        help_text=_("Empty for city-wide organisations."),
    )
    site = models.ForeignKey(
        "network.Site", verbose_name=_("site"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="organisations",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", site="site")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AuditedModel, AbstractUser):
    """A member of staff. Their role says what they may do; district and site say where."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="members",
    )
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff",
    )
    site = models.ForeignKey(
        "network.Site", verbose_name=_("site"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language of their pages and of the messages sent to their phone."))

    objects = ScopedUserManager()
    scoping = Scoping(district="district", site="site", assigned=lambda user: Q(pk=user.pk))
    audit_exclude = ("password", "last_login")

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("view_sensitive", _("Can see sensitive personal data"))]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def spoken_language(self) -> str:
        """The language to speak to them in."""
        return self.language or settings.LANGUAGE_CODE

    def get_full_name(self) -> str:
        # Chinese order: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def can_view_sensitive(self) -> bool:
        return self.has_perm("accounts.view_sensitive")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    READ_SENSITIVE = "read_sensitive", _("Sensitive read")
    EXPORT = "export", _("Export")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Two-factor sign-in set up")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
    RECOVERY_CODE_USED = "2fa_recovery_used", _("Recovery code used")
    RECOVERY_CODES_RENEWED = "2fa_codes_renewed", _("Recovery codes renewed")
    TWO_FACTOR_DISABLED = "2fa_disabled", _("Two-factor sign-in turned off")


class AuditEvent(models.Model):
    """One entry of the append-only audit log (database triggers refuse updates and deletes)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_constraint=False,
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")


class LoginFailure(models.Model):
    """A failed login, kept for the lock-out window."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)


TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


def default_token_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=TOKEN_DEFAULT_DAYS)


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(AuditedModel):
    """A bearer token for the staff API; only its SHA-256 is stored.

    A token lasts until it expires (at most a year) or is revoked; a read-only one may only
    read, whatever its user may do.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices,
                             default=TokenScope.READ_WRITE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=default_token_expiry)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    audit_exclude = ("key_hash", "last_used_at")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_read_only(self) -> bool:
        return self.scope == TokenScope.READ

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class TwoFactorDevice(models.Model):
    """The authenticator app (TOTP, RFC 6238) a user set up, with the last time step accepted
    (each step's code is good once) and the wrong codes entered since the last right one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    last_used_step = models.BigIntegerField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)


class RecoveryCode(models.Model):
    """A one-time code for signing in without the authenticator app; only its SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"])]
