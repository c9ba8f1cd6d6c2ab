from __future__ import annotations

from django.contrib import admin

from songnuan.accounts.admin import ScopedAdmin
from songnuan.outreach.models import Hotspot


@admin.register(Hotspot)
class HotspotAdmin(ScopedAdmin):
    list_display = ["name", "place_type", "district", "risk_level", "patrols_per_night",
                    "patrols_per_night_protocol", "is_active"]
    list_filter = ["place_type", "risk_level", "district", "is_active"]
    search_fields = ["name", "address", "notes"]
