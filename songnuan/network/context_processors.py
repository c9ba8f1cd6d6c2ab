"""The served city on every page: its name, and its rescue hotline in the page footer."""

from __future__ import annotations

from django.http import HttpRequest

from songnuan.network.city import served_city


def city(request: HttpRequest) -> dict:
    served = served_city()
    return {"served_city": served, "rescue_hotline": served.hotline}
