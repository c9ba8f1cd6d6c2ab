"""Home-page cards: how full the network is tonight and what is closed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from songnuan.network import services
from songnuan.network.models import Site
from songnuan.shell import Panel


def panels(user) -> list[Panel]:
    if not user.has_perm("network.view_site"):
        return []
    sites = list(Site.objects.restrict(user, "view").exclude(level="guidance"))
    if not sites:
        return []
    states = services.open_states(sites)
    loads = services.loads(sites)
    full = sum(1 for site in sites if states[site.pk] and loads[site.pk].is_full)
    open_count = sum(1 for site in sites if states[site.pk])
    board = reverse("network:board")
    return [
        Panel(_("Sites open now"), board, count=open_count,
              hint=_("of %(total)d stations and relief points") % {"total": len(sites)},
              tone="ok", order=200),
        Panel(_("Sites full now"), board, count=full, tone="alert" if full else "info",
              hint=_("All seats and beds taken"), order=210),
    ]
