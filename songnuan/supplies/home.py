"""Home-page card for anyone who keeps or draws on supplies: stocks below their reserve."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from songnuan.shell import Panel
from songnuan.supplies.models import Stock
from songnuan.supplies.services import low_stocks
from songnuan.words import listed


def panels(user) -> list[Panel]:
    if not user.has_perm("supplies.view_stock"):
        return []
    stocks = Stock.objects.restrict(user, "view")
    if not stocks.exists():
        return []
    low = low_stocks(stocks).select_related("item")
    count = low.count()
    names = listed(sorted({row.item.name for row in low[:20]}))
    return [Panel(_("Supplies below reserve"), reverse("supplies:stock") + "?low=1",
                  count=count, tone="alert" if count else "ok", order=150,
                  hint=names or _("Every stock is at or above its reserve level"))]
