from django.contrib import admin

from songnuan.shelter.models import Arrival, Bed, Referral, ReliefVisit, Stay, Zone


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return self.model.objects.restrict(request.user, "view")


class BedInline(admin.TabularInline):
    model = Bed
    extra = 0


@admin.register(Zone)
class ZoneAdmin(ScopedAdmin):
    list_display = ("name", "site", "sex", "age_group", "condition", "is_active")
    list_filter = ("site", "condition")
    inlines = [BedInline]


@admin.register(Stay)
class StayAdmin(ScopedAdmin):
    list_display = ("pk", "person", "site", "bed", "admitted_at", "status", "outcome")
    list_filter = ("status", "site")
    raw_id_fields = ("person", "arrival")
    exclude = ("temperature_c", "injuries", "frostbite", "infectious_symptoms",
               "mental_illness_signs", "intoxicated", "health_notes")


@admin.register(Arrival)
class ArrivalAdmin(ScopedAdmin):
    list_display = ("pk", "site", "person", "description", "expected_at", "status")
    raw_id_fields = ("person",)


@admin.register(Referral)
class ReferralAdmin(ScopedAdmin):
    list_display = ("pk", "person", "kind", "organisation", "status", "requested_at")
    raw_id_fields = ("person", "stay")


@admin.register(ReliefVisit)
class ReliefVisitAdmin(ScopedAdmin):
    list_display = ("pk", "site", "description", "person", "arrived_at", "left_at")
    raw_id_fields = ("person",)
