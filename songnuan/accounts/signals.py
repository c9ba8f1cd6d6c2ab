"""Logins and logouts go into the audit log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from songnuan.accounts import audit
from songnuan.accounts.client_address import client_address


def _ip(request) -> str | None:
    return client_address(request)


@receiver(user_logged_in, dispatch_uid="audit-login")
def audit_login(sender, request, user, **kwargs) -> None:
    audit.record("login", user, user=user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record("logout", user, user=user, ip=_ip(request))
