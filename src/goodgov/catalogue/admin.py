"""Read-only admin: services and their versions change only through ``goodgov catalogue load``
(``service_publish``), which records each change in the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from goodgov.catalogue.models import Service, ServiceVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(admin.TabularInline):
    model = ServiceVersion
    fields = ("number", "digest", "source", "loaded_at")
    readonly_fields = ("number", "digest", "source", "loaded_at")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["code", "agency", "current", "active", "updated_at"]
    list_filter = ["agency", "active"]
    search_fields = ["code"]
    readonly_fields = [f.name for f in Service._meta.fields]
    inlines = [VersionInline]


@admin.register(ServiceVersion)
class ServiceVersionAdmin(ReadOnlyAdmin):
    list_display = ["service", "number", "digest", "source", "loaded_at"]
    list_filter = ["service"]
    readonly_fields = [f.name for f in ServiceVersion._meta.fields]
