from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goodgov.core import access
from goodgov.notifications import selectors, services


@access.rule(access.SIGNED_IN, "a person's own messages only")
def inbox(request: HttpRequest) -> HttpResponse:
    return render(
        request, "notifications/inbox.html", {"inbox": selectors.inbox(request.user)[:100]}
    )


@require_POST
@access.rule(access.SIGNED_IN, "marks the person's own messages read")
def mark_read(request: HttpRequest) -> HttpResponse:
    services.messages_mark_read(user=request.user)
    flash.success(request, _("All messages are marked as read."))
    return redirect("notifications:inbox")
