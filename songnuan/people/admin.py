from django.contrib import admin

from songnuan.people.models import Person, PersonMerge


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("pk", "name", "alias", "sex", "birth_year", "status", "risk_level",
                    "district", "merged_into")
    list_filter = ("status", "risk_level", "district")
    search_fields = ("name", "alias", "self_name", "native_place")
    readonly_fields = ("birth_year", "risk_level", "risk_reasons", "merged_into")
    exclude = ("id_number_cipher", "id_number_digest", "mental_state", "health_notes")

    def get_queryset(self, request):
        return Person.objects.restrict(request.user, "view")


@admin.register(PersonMerge)
class PersonMergeAdmin(admin.ModelAdmin):
    list_display = ("pk", "survivor", "absorbed", "merged_at", "merged_by", "undone_at")
    exclude = ("filled",)

    def get_queryset(self, request):
        return PersonMerge.objects.restrict(request.user, "view")

    def has_change_permission(self, request, obj=None) -> bool:
        return False
