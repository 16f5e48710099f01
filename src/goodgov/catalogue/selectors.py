from __future__ import annotations

from typing import Any


def search(query: str) -> list[Any]:
    return []


def by_life_event() -> list[Any]:
    return []


def by_agency() -> list[Any]:
    return []
