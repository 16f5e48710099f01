from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from goodgov.agencies.selectors import is_officer


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"is_officer": is_officer(user) if user is not None else False}
