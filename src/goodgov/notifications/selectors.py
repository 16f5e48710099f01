from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goodgov.notifications.models import Message


def inbox(user: Any) -> QuerySet[Message]:
    return Message.objects.filter(user=user).select_related("case").order_by("-created_at")


def unread_count(user: Any) -> int:
    return Message.objects.filter(user=user, read_at__isnull=True).count()
