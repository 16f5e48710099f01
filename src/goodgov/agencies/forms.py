"""Forms of agency administration: they parse; the services decide.

Each field names itself in its own error messages, in the project's wording (see
``accounts/forms.py`` and ``cases/forms.py``), rather than Django's generic ones.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from goodgov.agencies.models import Role

ENTER_EMAIL = _("Enter the person's email address")
EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.go.th")
EMAIL_TOO_LONG = _("Email address must be %(limit_value)d characters or fewer")
ENTER_FULL_NAME = _("Enter the person's full name")
FULL_NAME_TOO_LONG = _("Full name must be %(limit_value)d characters or fewer")
SELECT_ROLE = _("Select at least one role")
ROLE_UNKNOWN = _("Select roles from the list")


class OfficerAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("If they have no account yet, we make one with this address."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": ENTER_EMAIL,
            "invalid": EMAIL_INVALID,
            "max_length": EMAIL_TOO_LONG,
        },
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Used only when we make a new account."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": ENTER_FULL_NAME, "max_length": FULL_NAME_TOO_LONG},
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": SELECT_ROLE,
            "invalid_choice": ROLE_UNKNOWN,
            "invalid_list": ROLE_UNKNOWN,
        },
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
