from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from songnuan.shell import banners_for, nav_for, nav_sections


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    nav_items = nav_for(user) if signed_in else []
    return {
        "rescue_hotline": settings.RESCUE_HOTLINE,
        "nav_sections": nav_sections(nav_items),
        "nav_badge": sum(item["badge"] for item in nav_items),
        "banners": banners_for(request) if signed_in else [],
    }
