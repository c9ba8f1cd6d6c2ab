from django.contrib import admin

from songnuan.weather.models import (
    Campaign,
    CampaignExtension,
    FeedStatus,
    Forecast,
    ProtocolDecision,
    ProtocolNotice,
    ProtocolRules,
    WeatherWarning,
)


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.restrict(request.user, "view")


@admin.register(Forecast)
class ForecastAdmin(ScopedAdmin):
    list_display = ("district", "starts_at", "ends_at", "min_c", "max_c", "wind_ms",
                    "precipitation", "source")
    list_filter = ("district", "source", "precipitation")
    date_hierarchy = "starts_at"


@admin.register(WeatherWarning)
class WeatherWarningAdmin(ScopedAdmin):
    list_display = ("reference", "district", "type", "level", "valid_from", "valid_until",
                    "cancelled_at", "source")
    list_filter = ("type", "level", "district")


@admin.register(ProtocolDecision)
class ProtocolDecisionAdmin(ScopedAdmin):
    list_display = ("district", "level", "starts_at", "ends_at", "rule", "is_override",
                    "decided_by")
    list_filter = ("district", "level", "rule", "is_override")
    readonly_fields = ("data",)


@admin.register(ProtocolRules)
class ProtocolRulesAdmin(ScopedAdmin):
    list_display = ("name", "is_active", "created_at", "activated_at")


@admin.register(ProtocolNotice)
class ProtocolNoticeAdmin(ScopedAdmin):
    list_display = ("created_at", "kind", "district", "recipients", "message")
    list_filter = ("kind",)


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ("name", "starts_on", "planned_end_on")


@admin.register(CampaignExtension)
class CampaignExtensionAdmin(ScopedAdmin):
    list_display = ("campaign", "new_end_on", "status", "proposed_automatically", "decided_on")


admin.site.register(FeedStatus)
