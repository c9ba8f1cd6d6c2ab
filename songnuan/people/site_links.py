"""How other apps tie a person to a site, so site staff see the people who stay or call there.

The shelter app registers "has a stay at these sites", relief points "visited these points";
`Person.scoping` ORs them together for users whose reach is a site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q

SiteLink = Callable[[Iterable[int]], Q]

_links: list[SiteLink] = []


def register_site_link(link: SiteLink) -> None:
    if link not in _links:
        _links.append(link)


def site_link_filter(site_ids: Iterable[int]) -> Q:
    ids = list(site_ids)
    found = Q(pk__in=[])
    for link in _links:
        found |= link(ids)
    return found
