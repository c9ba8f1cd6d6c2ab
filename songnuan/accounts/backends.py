"""Grants each user the permissions of their role (see `roles.ROLE_SPECS`)."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.contrib.auth.backends import BaseBackend

from songnuan.accounts.roles import ROLE_SPECS

ACTIONS = ("view", "add", "change", "delete")


@cache
def role_permissions(role: str) -> frozenset[str]:
    spec = ROLE_SPECS.get(role)
    if spec is None:
        return frozenset()
    granted: set[str] = set()
    for grant in spec.grants:
        granted |= _expand(grant)
    return frozenset(granted)


def _expand(grant: str) -> set[str]:
    if grant == "*":
        return {
            f"{model._meta.app_label}.{action}_{model._meta.model_name}"
            for model in apps.get_models()
            for action in ACTIONS
            if not (model._meta.app_label == "accounts" and model._meta.model_name == "auditevent")
        }
    app_label, _, what = grant.partition(".")
    if what not in ACTIONS and what != "*":
        return {grant}
    if not apps.is_installed(f"songnuan.{app_label}"):
        return set()
    actions = ACTIONS if what == "*" else (what,)
    return {
        f"{app_label}.{action}_{model._meta.model_name}"
        for model in apps.get_app_config(app_label).get_models()
        for action in actions
    }


class RolePermissionBackend(BaseBackend):
    """Authorisation only: authentication stays with Django's ModelBackend."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:  # type: ignore[override]
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(role_permissions(getattr(user_obj, "role", "")))

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:  # type: ignore[override]
        return perm in self.get_all_permissions(user_obj, obj)
