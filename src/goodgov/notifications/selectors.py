from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goodgov.notifications import access
from goodgov.notifications.models import Message


def inbox(user: Any) -> QuerySet[Message]:
    """The person's own messages, newest first."""
    return access.own_messages(user).select_related("case").order_by("-created_at")
