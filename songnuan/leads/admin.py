from __future__ import annotations

from django.contrib import admin

from songnuan.accounts.admin import ScopedAdmin
from songnuan.leads.models import (
    Lead,
    LeadStatusChange,
    Payout,
    RewardClaim,
    RewardRule,
    TrustedReporter,
)


class StatusChangeInline(admin.TabularInline):
    model = LeadStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_status", "to_status", "outcome", "by", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(ScopedAdmin):
    """Read-mostly: leads move through `services.set_status`, never by editing the status."""

    list_display = ["tracking_code", "received_at", "source", "status", "outcome", "district",
                    "priority"]
    list_filter = ["status", "source", "outcome", "district"]
    search_fields = ["tracking_code", "place"]
    readonly_fields = ["tracking_code", "source", "status", "outcome", "lat", "lon", "district",
                       "hotspot", "priority", "duplicate_of", "received_at", "resolved_at",
                       "reporter_phone", "trusted_reporter", "organisation", "received_by"]
    exclude = ["priority_reasons", "flags", "hotspot_distance_m", "coord_system",
               "location_source"]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request):
        # A lead comes in through the public form, the hotline or the API, which triage it and
        # compare it with the open leads; one added here would have neither, nor a source.
        return False


@admin.register(TrustedReporter)
class TrustedReporterAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "kind", "district", "is_active"]
    list_filter = ["kind", "organisation", "is_active"]
    search_fields = ["name"]


@admin.register(RewardRule)
class RewardRuleAdmin(ScopedAdmin):
    list_display = ["outcome", "amount_yuan", "district", "partners_eligible", "is_active"]
    list_filter = ["outcome", "district", "is_active"]


@admin.register(RewardClaim)
class RewardClaimAdmin(ScopedAdmin):
    list_display = ["incident", "amount_yuan", "status", "district", "created_at"]
    list_filter = ["status", "district"]
    readonly_fields = [f.name for f in RewardClaim._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False


@admin.register(Payout)
class PayoutAdmin(ScopedAdmin):
    list_display = ["claim", "amount_yuan", "method", "reference", "paid_at", "district"]
    list_filter = ["district", "method"]
    readonly_fields = [f.name for f in Payout._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False
