"""Who may do what with an account. Deny by default.

- **Their own account only.** The profile, the language of messages and emails, email
  addresses, password and second-factor pages take no account in their address or
  form: each acts on the signed-in person (``request.user``), so nobody can ask for
  someone else's. An agency admin manages officers' roles in ``goodgov.agencies``,
  never a person's own account details.
- **A second factor for officers and staff.** A signed-in member of any agency (an
  active role), or Django admin staff (``is_staff`` or ``is_superuser``), must pass
  TOTP; citizens may. Until one has set it up they may use only the pages in
  :data:`SECOND_FACTOR_SETUP_PAGES`. Enforced on every request by
  ``goodgov.accounts.middleware.OfficerSecondFactorMiddleware``.
"""

from __future__ import annotations

from typing import Any

#: The pages (URL names) an officer or staff member without TOTP may still use: setting
#: it up, confirming their password on the way (allauth asks when the sign-in is old),
#: signing out and switching language.
SECOND_FACTOR_SETUP_PAGES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "account_reauthenticate",
        "account_logout",
        "set_language",
    }
)


def must_use_second_factor(user: Any, *, holds_role: bool) -> bool:
    """Whether ``user`` must pass a second factor: ``holds_role`` (an active role in an
    agency, read by the caller with the user) or Django admin staff. The staff flags
    are columns of the user row: no look-up here."""
    return holds_role or bool(user.is_staff) or bool(user.is_superuser)
