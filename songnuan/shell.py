"""The page shell's registries: navigation, home-page panels and page-wide banners.

Each app registers its entries in its AppConfig.ready(), so the shell knows nothing about the
apps and a role sees only what its permissions open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Menu sections by the first order they hold; entries ordered below 100 head the menu unlabelled.
SECTIONS = [
    (100, _("Leads and dispatch")),
    (200, _("Relief network")),
    (300, _("People and stations")),
    (500, _("Family tracing")),
    (800, _("Administration")),
]


@dataclass(frozen=True)
class NavItem:
    """A menu entry. Its order also places it in a section of the menu (see SECTIONS)."""

    label: Any  # a lazy translation
    url_name: str
    perm: str | None = None
    order: int = 100
    icon: str = ""
    # user -> a number to show beside the entry (unread alerts), 0 for none
    badge: Callable[[Any], int] | None = None

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@dataclass
class Panel:
    """A card on a home page: what to look at or do next."""

    title: Any
    url: str | None = None
    count: int | None = None
    hint: Any = ""
    tone: str = "info"  # info, warn, alert, ok
    order: int = 100


@dataclass
class Banner:
    text: Any
    tone: str = "warn"
    url: str | None = None
    details: list[Any] = field(default_factory=list)


_nav: list[NavItem] = []
_panels: list[Callable[[Any], list[Panel]]] = []
_banners: list[Callable[[HttpRequest], Banner | None]] = []


def register_nav(*items: NavItem) -> None:
    for item in items:
        if item not in _nav:
            _nav.append(item)


def register_panels(provider: Callable[[Any], list[Panel]]) -> None:
    if provider not in _panels:
        _panels.append(provider)


def register_banner(provider: Callable[[HttpRequest], Banner | None]) -> None:
    if provider not in _banners:
        _banners.append(provider)


def nav_for(user: Any) -> list[dict[str, Any]]:
    entries = []
    for item in sorted(_nav, key=lambda entry: entry.order):
        if item.perm and not user.has_perm(item.perm):
            continue
        url = item.url()
        if url:
            entries.append({"label": item.label, "url": url, "icon": item.icon,
                            "badge": item.badge(user) if item.badge else 0,
                            "section": section_of(item.order)})
    return entries


def section_of(order: int) -> Any:
    label: Any = ""
    for first, section in SECTIONS:
        if order >= first:
            label = section
    return label


def nav_sections(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The menu entries grouped by section, in order; sections with no entry are left out."""
    sections: list[dict[str, Any]] = []
    for entry in entries:
        if not sections or sections[-1]["label"] is not entry["section"]:
            sections.append({"label": entry["section"], "items": []})
        sections[-1]["items"].append(entry)
    return sections


def panels_for(user: Any) -> list[Panel]:
    found: list[Panel] = []
    for provider in _panels:
        found.extend(provider(user))
    return sorted(found, key=lambda panel: panel.order)


def banners_for(request: HttpRequest) -> list[Banner]:
    return [banner for provider in _banners if (banner := provider(request)) is not None]
