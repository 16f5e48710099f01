"""Access rights are managed here by the node's operators; the rest is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from goodgov.exchange import services
from goodgov.exchange.models import AccessRight, Breach, Consent, Exchange, RecordView


@admin.register(AccessRight)
class AccessRightAdmin(admin.ModelAdmin):
    list_display = ("client", "service", "method", "granted_at", "revoked_at")
    list_filter = ("service", "revoked_at")
    fields = ("client", "service", "method", "fields", "purposes", "legal_bases", "note")
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: AccessRight, form: Any, change: bool) -> None:
        # Through the service, so that every grant is in the ledger.
        saved = services.right_grant(
            actor=request.user,
            client=obj.client,
            service=obj.service,
            method=obj.method,
            fields=list(obj.fields),
            purposes=list(obj.purposes),
            legal_bases=list(obj.legal_bases),
            note=obj.note,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the history stays

    # Revoking changes a right: only for those who may change them, not all who may look.
    @admin.action(description="Revoke the selected rights", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for right in queryset:
            services.right_revoke(actor=request.user, right=right)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnly):
    list_display = ("reference", "client", "service", "purpose", "expires_at", "withdrawn_at")


@admin.register(Exchange)
class ExchangeAdmin(ReadOnly):
    list_display = ("created_at", "direction", "peer", "service", "method", "purpose", "outcome")
    list_filter = ("direction", "outcome", "service")


@admin.register(RecordView)
class RecordViewAdmin(ReadOnly):
    list_display = ("viewed_at", "agency", "officer", "case", "purpose")
    list_filter = ("agency",)


@admin.register(Breach)
class BreachAdmin(ReadOnly):
    """Recorded on the data protection officer's pages, so that each is in the ledger."""

    list_display = ("discovered_at", "agency", "risk", "affected_count", "notified_office_at")
    list_filter = ("agency", "risk")
