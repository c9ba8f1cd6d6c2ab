from __future__ import annotations

from django.contrib import admin

from songnuan.accounts.admin import ScopedAdmin
from songnuan.supplies.models import Stock, SupplyItem


@admin.register(SupplyItem)
class SupplyItemAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(Stock)
class StockAdmin(ScopedAdmin):
    # Quantities change only through the ledger pages; here only the reserve level is edited.
    list_display = ["item", "site", "squad", "district", "quantity", "reserve_level"]
    list_filter = ["district", "item"]
    readonly_fields = ["item", "site", "squad", "district", "quantity"]

    def has_add_permission(self, request) -> bool:
        return False
