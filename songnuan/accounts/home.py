"""Home-page cards for administrators."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.models import AuditEvent, User
from songnuan.accounts.roles import AUDIT
from songnuan.shell import Panel


def panels(user) -> list[Panel]:
    found = []
    if user.has_perm("accounts.view_user"):
        accounts = User.objects.restrict(user, "view")
        found.append(Panel(
            _("Active staff accounts"), reverse("accounts:user_list"),
            count=accounts.filter(is_active=True).count(), order=900,
        ))
    if user.has_perm(AUDIT):
        since = timezone.now() - datetime.timedelta(hours=24)
        failures = AuditEvent.objects.filter(action="login_failed", at__gte=since).count()
        found.append(Panel(
            _("Failed logins, last 24 hours"),
            reverse("accounts:audit_log") + "?action=login_failed",
            count=failures, tone="alert" if failures >= 5 else "info", order=910,
        ))
    return found
