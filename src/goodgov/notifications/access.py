"""Who may see and do what with messages. Deny by default.

A person's in-app messages are theirs alone: they read them and mark them read, and
nobody else does, officer, agency admin or staff, through any page or API. No page
takes a message or an account in its address or form, so there is nothing to ask for
but one's own: every read and write starts from :func:`own_messages`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goodgov.notifications.models import Message


def own_messages(user: Any) -> QuerySet[Message]:
    """The messages addressed to ``user``; none for someone not signed in."""
    if not getattr(user, "is_authenticated", False):
        return Message.objects.none()
    return Message.objects.filter(user=user)
