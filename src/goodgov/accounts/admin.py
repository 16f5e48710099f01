"""Staff may look people up; accounts change only through sign-up and the services,
so the admin shows them read-only. National IDs are never shown here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from goodgov.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("__str__", "email", "phone", "is_staff", "is_active", "fictional")
    list_filter = ("is_staff", "is_active", "fictional")
    search_fields = ("email", "phone", "full_name")
    fields = (
        "full_name",
        "email",
        "phone",
        "phone_verified",
        "preferred_language",
        "is_staff",
        "is_superuser",
        "is_active",
        "date_joined",
        "last_login",
        "fictional",
    )
    readonly_fields = fields

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
