"""The one mechanism that decides which rows a user may see or change.

Every scoped model declares how a row relates to districts, sites and assignees with a
`Scoping`, and uses `ScopedQuerySet` as its manager, so pages, API handlers, exports and the
admin all ask the same question: `Model.objects.restrict(user, "view")`.

Accounts knows no domain: the tree of sites below a user's site reaches it through
`register_site_tree`, which the relief network calls in its `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from songnuan.accounts.roles import ROLE_SPECS, Reach

if TYPE_CHECKING:
    from songnuan.accounts.models import User

ACTIONS = ("view", "add", "change", "delete")

SiteTree = Callable[[int], frozenset[int]]
_site_tree: list[SiteTree] = []


def register_site_tree(tree: SiteTree) -> None:
    """Say how to find a site and every site below it (only one tree: a new one replaces it)."""
    _site_tree[:] = [tree]


@dataclass(frozen=True)
class Scoping:
    """How a model's rows relate to the scope of a user.

    district: lookup path from the row to its District's primary key ("district", "site__district").
    site: lookup path to the Site's primary key, for users scoped to a site.
    assigned: a function user -> Q for rows addressed to that user (a task for their squad, a
      comparison request sent to them); such rows are visible whatever the user's reach.
    city_wide: rows everybody with the permission may see (reference data such as districts).
    """

    district: str | None = None
    site: str | None = None
    assigned: Callable[[Any], Q] | None = None
    city_wide: bool = False


@dataclass(frozen=True)
class UserScope:
    reach: Reach
    district_ids: frozenset[int] = frozenset()
    site_ids: frozenset[int] = frozenset()


def scope_of(user: User) -> UserScope:
    """Where the user's view reaches, derived from their role, district and site."""
    spec = ROLE_SPECS.get(user.role)
    if spec is None:
        return UserScope(Reach.ASSIGNMENT)
    if spec.reach is Reach.SITE:
        if user.site_id is None:
            return UserScope(Reach.ASSIGNMENT)
        sites = _site_and_descendants(user.site_id)
        return UserScope(Reach.SITE, frozenset({user.site.district_id}), sites)
    if spec.reach is Reach.DISTRICT and user.district_id is not None:
        return UserScope(Reach.DISTRICT, frozenset({user.district_id}))
    if spec.reach in (Reach.DISTRICT, Reach.CITY):
        if spec.needs_district:
            return UserScope(Reach.ASSIGNMENT)  # misconfigured: see nothing rather than all
        return UserScope(Reach.CITY)
    return UserScope(Reach.ASSIGNMENT)


def _site_and_descendants(site_id: int) -> frozenset[int]:
    if not _site_tree:
        return frozenset({site_id})
    return _site_tree[0](site_id)


def scope_filter(model: type[models.Model], user: User, action: str = "view") -> Q | None:
    """The filter a user's rows of `model` must match, or None when they may see none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    if not user.has_perm(perm):
        return None
    scoping: Scoping = getattr(model, "scoping", Scoping())
    scope = _cached_scope(user)
    if scope.reach is Reach.CITY or scoping.city_wide:
        return Q()  # every row (an empty Q would vanish if OR-ed with another)
    assigned = scoping.assigned(user) if scoping.assigned else None
    reach_q = _reach_filter(scoping, scope)
    if reach_q is None:
        return assigned
    return reach_q | assigned if assigned is not None else reach_q


def _reach_filter(scoping: Scoping, scope: UserScope) -> Q | None:
    if scope.reach is Reach.SITE and scoping.site:
        return Q(**{f"{scoping.site}__in": scope.site_ids})
    if scope.reach in (Reach.SITE, Reach.DISTRICT) and scoping.district:
        return Q(**{f"{scoping.district}__in": scope.district_ids})
    return None


def _cached_scope(user: User) -> UserScope:
    cached = getattr(user, "_songnuan_scope", None)
    if cached is None:
        cached = scope_of(user)
        user._songnuan_scope = cached  # type: ignore[attr-defined]
    return cached


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user: User, action: str = "view") -> ScopedQuerySet:
        condition = scope_filter(self.model, user, action)
        if condition is None:
            return self.none()
        return self.filter(condition)


def can(user: User, action: str, obj: models.Model) -> bool:
    """May `user` perform `action` on this row?"""
    condition = scope_filter(type(obj), user, action)
    if condition is None:
        return False
    return type(obj)._default_manager.filter(condition, pk=obj.pk).exists()


def may_place_in(user: User, district_id: int | None, site_id: int | None = None) -> bool:
    """May `user` create or move a row into this district/site (for add and change forms)?"""
    scope = _cached_scope(user)
    if scope.reach is Reach.CITY:
        return True
    if scope.reach is Reach.SITE:
        return site_id in scope.site_ids if site_id is not None else False
    if scope.reach is Reach.DISTRICT:
        return district_id in scope.district_ids
    return False
