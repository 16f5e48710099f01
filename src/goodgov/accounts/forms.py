"""Sign-in and sign-up forms: allauth's, with our fields, labels and phone handling.

``settings.ACCOUNT_FORMS`` points allauth here. Validation of what a person types
lives in the fields and :mod:`goodgov.accounts.services`; nothing is saved here.
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from goodgov.accounts import phone as phones
from goodgov.accounts import selectors, services


def _no_placeholders(form: forms.BaseForm) -> None:
    # GOV.UK: labels and hints, never placeholders (they vanish as people type).
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class PhoneField(forms.CharField):
    """A mobile number in any accepted form, cleaned to E.164."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("validators", None)
        kwargs["label"] = _("Mobile phone number")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "class": "govuk-input--width-20",
                }
            ),
        )
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return phones.normalise(value) if value else value


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_placeholders(self)
        login = self.fields["login"]
        login.label = _("Email address or mobile phone number")
        login.widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        if "password" in self.fields:
            self.fields["password"].help_text = ""


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As on your ID card, for example นายสมชาย ใจดี"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    national_id = forms.CharField(
        label=_("National ID number (optional)"),
        required=False,
        max_length=20,
        help_text=_(
            "13 digits, on the front of your Thai ID card. With it, agencies can find "
            "records about you so you do not have to send copies."
        ),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "govuk-input--width-20",
            }
        ),
    )
    field_order = ["full_name", "email", "phone", "national_id", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_placeholders(self)
        # Either an email address or a mobile number: whichever the person has.
        if "email" in self.fields:
            email = self.fields["email"]
            email.required = False
            email.widget.is_required = False
            email.label = _("Email address")
            email.help_text = _("You need an email address or a mobile phone number, or both.")
            email.widget.attrs["spellcheck"] = "false"
        if "phone" in self.fields:
            self.fields["phone"].help_text = _("For example 081 234 5678")
        if "password1" in self.fields:
            self.fields["password1"].help_text = _(
                "At least 10 characters. Not a common password, not only numbers, and not "
                "like your name or email address."
            )
        if "password2" in self.fields:
            self.fields["password2"].label = _("Type the password again")

    def clean_national_id(self) -> str:
        value = self.cleaned_data.get("national_id", "").strip()
        if not value:
            return ""
        return services.national_id_digits(value)

    def _clean_phone(self) -> None:
        # Unlike allauth's default (which hides it), say plainly that the number is
        # taken: email addresses already work this way, and so do national IDs.
        phone = self.cleaned_data.get("phone")
        if phone and selectors.user_by_phone(phone) is not None:
            self.add_error("phone", services.PHONE_TAKEN)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            "email" not in self.errors
            and "phone" not in self.errors
            and not cleaned.get("email")
            and not cleaned.get("phone")
        ):
            self.add_error("email", services.EMAIL_OR_PHONE_REQUIRED)
        return cleaned
