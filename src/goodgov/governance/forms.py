"""Forms of the governance pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ItaAnswerForm(forms.Form):
    url = forms.URLField(
        label=_("Link to where the agency publishes this item"),
        help_text=_("The full address of the page or document, starting with https://"),
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": _("Enter the link to where the agency publishes this item"),
            "invalid": _("Enter a real web address, like https://www.example.go.th/ita/o1"),
        },
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
    )
    evidence = forms.CharField(
        label=_("Evidence note (optional)"),
        help_text=_(
            "What the link shows and where in it, for the assessors. It is kept with the "
            "answer and not published in the ledger."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
