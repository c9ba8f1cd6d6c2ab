from __future__ import annotations

from django.contrib import admin

from songnuan.notify.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Read-only: the outbox is a record of what was sent (city administrators)."""

    list_display = ["created_at", "purpose", "phone", "status", "sent_at", "reference",
                    "provider_reference"]
    list_filter = ["status", "purpose"]
    search_fields = ["phone", "reference"]
    readonly_fields = [field.name for field in Outbox._meta.fields]

    def has_module_permission(self, request):
        return request.user.has_perm("notify.view_outbox")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("notify.view_outbox")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
