"""Sign-in, sign-up, password and second-step forms: allauth's, with our fields, labels
and phone handling.

``settings.ACCOUNT_FORMS`` and ``settings.MFA_FORMS`` point allauth here. Validation of what a person types
lives in the fields and :mod:`goodgov.accounts.services`; nothing is saved here.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from goodgov.accounts import phone as phones
from goodgov.accounts import selectors, services
from goodgov.accounts.adapter import NOT_EMAIL_OR_PHONE

# Error messages that say which field and what to do (GOV.UK style), instead of Django's
# "This field is required." under every field.
ENTER_LOGIN = _("Enter your email address or mobile phone number")
ENTER_PASSWORD = _("Enter your password")
ENTER_FULL_NAME = _("Enter your full name")
FULL_NAME_TOO_LONG = _("Full name must be %(limit_value)d characters or fewer")
EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.com")
ENTER_PHONE = _("Enter your mobile phone number")
ENTER_EMAIL = _("Enter your email address")
ENTER_CURRENT_PASSWORD = _("Enter your current password")
CHOOSE_PASSWORD = _("Enter a password")
CHOOSE_NEW_PASSWORD = _("Enter a new password")
REPEAT_PASSWORD = _("Enter the password again")
PASSWORDS_DIFFER = _("The passwords do not match. Type the same password in both boxes.")
ENTER_CODE = _("Enter the code from your authenticator app")
ENTER_SIX_DIGITS = _("Enter the 6-digit code from your authenticator app")


def _messages(form: forms.BaseForm, name: str, **messages: Any) -> None:
    if name in form.fields:
        form.fields[name].error_messages.update(messages)


def _passwords_differ(form: forms.BaseForm) -> bool:
    """Whether both passwords were typed and differ: call before allauth's ``clean``."""
    typed = form.cleaned_data
    return bool(typed.get("password1") and typed.get("password2")) and (
        typed["password1"] != typed["password2"]
    )


def _say_passwords_differ(form: forms.BaseForm, differ: bool) -> None:
    # In place of allauth's words for it ("You must type the same password each time."),
    # which say neither which fields nor what to do.
    if differ and "password2" in form.errors:
        del form.errors["password2"]
        form.add_error("password2", PASSWORDS_DIFFER)


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
        kwargs.setdefault(
            "error_messages",
            {"required": ENTER_PHONE, "max_length": phones.INVALID_MESSAGE},
        )
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
        _messages(self, "login", required=ENTER_LOGIN)
        _messages(self, "password", required=ENTER_PASSWORD)

    def clean_login(self) -> str:
        """What was typed; a phone number in any form sign-up accepts (Thai digits,
        spaces, dashes, +66) becomes its E.164, as sign-up stores it. Every way of typing
        one number then finds, and counts failed sign-ins against, the same account.
        Neither an email address nor a phone number: an error on this field."""
        typed = str(super().clean_login())
        if phones.is_valid(typed):
            return phones.normalise(typed)
        try:
            validate_email(typed)
        except ValidationError:
            # The platform has no usernames: say so at the field, before any account is
            # looked up (a wrong password stays a message about the sign-in as a whole).
            raise ValidationError(NOT_EMAIL_OR_PHONE, code="not_email_or_phone") from None
        return typed


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As on your ID card, for example นายสมชาย ใจดี"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": ENTER_FULL_NAME, "max_length": FULL_NAME_TOO_LONG},
    )
    national_id = forms.CharField(
        label=_("National ID number (optional)"),
        required=False,
        max_length=20,
        error_messages={"max_length": services.NATIONAL_ID_INVALID},
        help_text=_(
            "13 digits, on the front of your Thai ID card. Once you have shown the card at "
            "an agency counter, agencies can find records about you so you do not have to "
            "send copies."
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
        _messages(self, "email", invalid=EMAIL_INVALID)
        _messages(self, "password1", required=CHOOSE_PASSWORD)
        _messages(self, "password2", required=REPEAT_PASSWORD)

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
        differ = _passwords_differ(self)
        cleaned = super().clean()
        _say_passwords_differ(self, differ)
        if (
            "email" not in self.errors
            and "phone" not in self.errors
            and not cleaned.get("email")
            and not cleaned.get("phone")
        ):
            self.add_error("email", services.EMAIL_OR_PHONE_REQUIRED)
        return cleaned


#: The languages of messages and emails, each named in itself (and marked as such, for
#: screen readers) as language choosers do: someone who reads only one finds it.
NOTICE_LANGUAGES = [  # fixed markup, nothing typed by anyone
    ("th", mark_safe('<span lang="th">ไทย</span>')),
    ("en", mark_safe('<span lang="en">English</span>')),
]


class NoticeLanguageForm(forms.Form):
    """The language of a person's messages and emails (the account page)."""

    language = forms.ChoiceField(
        label=_("Language of messages and emails"),
        help_text=_("Messages already sent stay in the language they were written in."),
        choices=NOTICE_LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={
            "required": services.NOTICE_LANGUAGE_UNKNOWN,
            "invalid_choice": services.NOTICE_LANGUAGE_UNKNOWN,
        },
    )


# The password pages. Officers made by their agency set their first password through
# the reset link, so these forms are on that path too.


class ResetPasswordForm(AllauthResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_placeholders(self)
        _messages(self, "email", required=ENTER_EMAIL, invalid=EMAIL_INVALID)


class _NewPasswordTwice(forms.Form):
    """A new password typed twice, with our labels and messages: ``LABELS`` and
    ``MESSAGES`` name each field's label (sentence case, not allauth's "New Password
    (again)") and "required" message; two boxes that differ get our sentence, not
    allauth's."""

    LABELS: dict[str, Any] = {}
    MESSAGES: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_placeholders(self)
        for name, label in self.LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
        for name, required in self.MESSAGES.items():
            _messages(self, name, required=required)

    def clean(self) -> dict[str, Any] | None:
        differ = _passwords_differ(self)
        cleaned = super().clean()
        _say_passwords_differ(self, differ)
        return cleaned


class ResetPasswordKeyForm(_NewPasswordTwice, AllauthResetPasswordKeyForm):
    MESSAGES = {"password1": CHOOSE_NEW_PASSWORD, "password2": REPEAT_PASSWORD}
    LABELS = {"password1": _("New password"), "password2": _("Type the new password again")}


class ChangePasswordForm(_NewPasswordTwice, AllauthChangePasswordForm):
    MESSAGES = {
        "oldpassword": ENTER_CURRENT_PASSWORD,
        "password1": CHOOSE_NEW_PASSWORD,
        "password2": REPEAT_PASSWORD,
    }
    LABELS = {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("Type the new password again"),
    }


class SetPasswordForm(_NewPasswordTwice, AllauthSetPasswordForm):
    MESSAGES = {"password1": CHOOSE_PASSWORD, "password2": REPEAT_PASSWORD}
    LABELS = {"password1": _("Password"), "password2": _("Type the password again")}


class AddEmailForm(AllauthAddEmailForm):
    """Adding an email address to one's account (``/accounts/email/``): our messages, and
    an address another account holds is refused by name, as sign-up refuses it.

    allauth lets such an address through quietly (it hides which addresses have accounts,
    which sign-up here does not), and making it the main address then broke the page:
    an email address belongs to one account only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _messages(self, "email", required=ENTER_EMAIL, invalid=EMAIL_INVALID)

    def clean_email(self) -> str:
        typed = self.cleaned_data["email"].lower()
        assert self.user is not None
        if selectors.email_taken_by_another(typed, self.user):
            raise get_adapter().validation_error("email_taken")
        return str(super().clean_email())


# The second step at sign-in (``settings.MFA_FORMS``): the code box in our words, not
# allauth's ("Authenticator code", and a "Code" placeholder).


def _code_box(form: forms.BaseForm, *, label: Any, required: Any, digits_only: bool) -> None:
    code = form.fields["code"]
    code.label = label
    code.error_messages["required"] = required
    code.widget.attrs.pop("placeholder", None)
    code.widget.attrs.update(
        {"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
    )
    if digits_only:
        code.widget.attrs["inputmode"] = "numeric"


class _CodeBoxInOurWords(forms.Form):
    """The code box of an allauth second-step form in our words (:func:`_code_box`)."""

    CODE_LABEL: Any = _("Code from your authenticator app")
    CODE_REQUIRED: Any = ENTER_CODE
    DIGITS_ONLY = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_box(
            self, label=self.CODE_LABEL, required=self.CODE_REQUIRED, digits_only=self.DIGITS_ONLY
        )


class ActivateTOTPForm(_CodeBoxInOurWords, AllauthActivateTOTPForm):
    """Setting the app up: only the app's 6-digit code is taken."""

    CODE_LABEL = _("6-digit code from your authenticator app")
    CODE_REQUIRED = ENTER_SIX_DIGITS
    DIGITS_ONLY = True


# Signing in and confirming it is you: the same box takes a recovery code (letters and
# digits), so no numeric keyboard.


class AuthenticateForm(_CodeBoxInOurWords, AllauthAuthenticateForm):
    pass


class ReauthenticateForm(_CodeBoxInOurWords, AllauthReauthenticateForm):
    pass
