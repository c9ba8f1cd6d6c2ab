"""Organisations, users, the audit log and API tokens."""

from __future__ import annotations

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

    objects = ScopedUserManager()
    scoping = Scoping(district="district", site="site", assigned=lambda user: Q(pk=user.pk))
    audit_exclude = ("password", "last_login")

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("view_sensitive", _("Can see sensitive personal data"))]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

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


class ApiToken(models.Model):
    """A bearer token for the staff API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
