"""Admin pages: the holiday arrangements are kept here (add each year when it is published)."""

from __future__ import annotations

from django.contrib import admin

from songnuan.tracing.models import (
    Announcement,
    CandidateReview,
    ComparisonRequest,
    FollowUp,
    HolidayYear,
    MissingReport,
    ReturnPlan,
    SettlementStep,
    TracingCase,
)


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.restrict(request.user, "view")


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "updated_at")
    fields = ("year", "holidays", "workdays", "source")


@admin.register(MissingReport)
class MissingReportAdmin(ScopedAdmin):
    list_display = ("reference", "name", "sex", "birth_year", "district", "status", "created_at")
    list_filter = ("status", "source")
    exclude = ("id_number_cipher", "id_number_digest")


@admin.register(TracingCase)
class TracingCaseAdmin(ScopedAdmin):
    list_display = ("pk", "person", "site", "status", "opened_at")
    list_filter = ("status",)
    raw_id_fields = ("person", "stay", "matched_report")


admin.site.register(ComparisonRequest, ScopedAdmin)
admin.site.register(CandidateReview, ScopedAdmin)
admin.site.register(Announcement, ScopedAdmin)


@admin.register(ReturnPlan)
class ReturnPlanAdmin(ScopedAdmin):
    list_display = ("pk", "case", "destination", "status", "departs_at", "arrived_at")
    list_filter = ("status", "receiver_kind")
    raw_id_fields = ("case", "escort_user")
    readonly_fields = ("status", "departed_at", "arrived_at", "received_by_name")


admin.site.register(FollowUp, ScopedAdmin)
admin.site.register(SettlementStep, ScopedAdmin)
