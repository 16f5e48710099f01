from django.contrib import admin

from goodgov.governance.models import ItaAnswer, ItaChecklist, ItaItem


class ItaItemInline(admin.TabularInline):
    model = ItaItem
    extra = 0
    fields = ["position", "code", "title_th", "title_en", "auto", "integrity"]


@admin.register(ItaChecklist)
class ItaChecklistAdmin(admin.ModelAdmin):
    list_display = ["year", "agency_kind", "source", "loaded_at"]
    inlines = [ItaItemInline]


@admin.register(ItaAnswer)
class ItaAnswerAdmin(admin.ModelAdmin):
    list_display = ["agency", "item", "url", "answered_at"]
    readonly_fields = ["agency", "item", "url", "evidence", "answered_by", "answered_at"]
