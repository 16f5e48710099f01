"""Forms of agency administration: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from goodgov.agencies.models import Role


class OfficerAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("If they have no account yet, we make one with this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Used only when we make a new account."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one role")},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
