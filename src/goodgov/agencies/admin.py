"""Agencies and memberships, read-only: changes go through the services (and the
agency admin pages) so that each one is recorded in the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from goodgov.agencies.models import Agency, Membership


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "name_en", "kind", "fictional")
    list_filter = ("kind", "fictional")
    search_fields = ("code", "name_th", "name_en")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "agency", "role", "active")
    list_filter = ("agency", "role", "active")
    search_fields = ("user__email", "user__full_name", "agency__code")
