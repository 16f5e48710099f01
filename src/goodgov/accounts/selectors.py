from __future__ import annotations

from goodgov.accounts.models import User
from goodgov.core import national_id


def user_by_national_id(value: str) -> User | None:
    try:
        digits = national_id.clean(value)
    except national_id.InvalidNationalID:
        return None
    return User.objects.filter(national_id_hash=national_id.lookup_hash(digits)).first()
