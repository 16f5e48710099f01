"""Small forms for the steps of a case (the application form itself is built in forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goodgov.accounts import phone as phone_numbers
from goodgov.accounts.forms import FULL_NAME_TOO_LONG
from goodgov.core.text import PlainTextMixin


class PlainTextField(PlainTextMixin, forms.CharField):
    """Free text a person writes (an answer, a request, reasons): control characters are
    refused with the shared message (``core.text``)."""


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("I declare that the information I have given is true and complete."),
        error_messages={"required": _("Confirm the declaration to submit your application.")},
    )


class CounterDeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "The applicant has read the answers, confirmed they are true and complete, "
            "and asked me to submit them on their behalf."
        ),
        error_messages={"required": _("Confirm the applicant's declaration to submit.")},
    )


class RequestInfoForm(forms.Form):
    message = PlainTextField(
        label=_("What do you need from the applicant?"),
        help_text=_("Say exactly what is missing and why. The applicant sees this text."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Say what information you need from the applicant.")},
    )


class AnswerForm(forms.Form):
    response = PlainTextField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )
    document = forms.FileField(
        label=_("Upload a document (optional)"),
        help_text=_("PDF, JPG or PNG, smaller than 10 MB."),
        required=False,
    )


class ApproveForm(forms.Form):
    conditions = PlainTextField(
        label=_("Conditions (optional)"),
        help_text=_(
            "Conditions the applicant must meet. Leave empty to approve without conditions."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class LegalGroundField(forms.TypedChoiceField):
    """One entry of the service version's ``legal_basis``, posted as its index (from 0).

    The form may be built before the case is known (the back office builds it so): then it
    has no choices and passes the value on, and :func:`goodgov.cases.services.case_reject`
    checks it against the case's version (after checking who may refuse).
    """

    def valid_value(self, value: Any) -> bool:
        return not self.choices or super().valid_value(value)


def legal_ground_choices(version: Any) -> list[tuple[str, str]]:
    """The refusal's possible grounds: the version's ``legal_basis``, in the page's language."""
    from goodgov.catalogue.models import localized

    return [
        (str(index), f"{localized(basis.get('act'))}, {localized(basis.get('section'))}")
        for index, basis in enumerate(version.definition.get("legal_basis") or [])
    ]


class RejectForm(forms.Form):
    """A refusal: the legal ground chosen from the service's own legal basis (it is named in
    the public log, so it is never free text), and the reasons in words (kept private)."""

    legal_ground = LegalGroundField(
        label=_("Legal ground"),
        help_text=_("The provision of the law the refusal rests on."),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the legal ground for the refusal."),
            "invalid_choice": _("Choose one of the legal grounds listed."),
        },
    )
    reasons = PlainTextField(
        label=_("Reasons for the refusal"),
        help_text=_("The applicant sees these reasons. Write them plainly."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Give the reasons for the refusal.")},
    )

    def __init__(self, *args: Any, version: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["legal_ground"]
        assert isinstance(field, LegalGroundField)
        if version is not None:
            field.choices = legal_ground_choices(version)
        # The page lists the grounds itself (it knows the case's version); the error
        # summary links to the first of them.
        bound = self["legal_ground"]
        bound.error_anchor = f"{bound.auto_id}_0"  # type: ignore[attr-defined]


class QueueFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Open (not yet decided)")),
            ("submitted", _("Submitted, not yet claimed")),
            ("in_review", _("Being reviewed")),
            ("info_requested", _("Waiting for the applicant")),
            ("approved", _("Approved")),
            ("rejected", _("Refused")),
            ("withdrawn", _("Withdrawn")),
            ("all", _("All")),
        ],
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any time")), ("overdue", _("Overdue")), ("week", _("Due within 7 days"))],
    )


class CounterFindForm(forms.Form):
    national_id = forms.CharField(
        label=_("The person's national ID number"),
        help_text=_("13 digits, as on the ID card."),
        max_length=20,
        error_messages={"required": _("Enter the person's national ID number")},
    )

    def clean_national_id(self) -> str:
        from goodgov.core import national_id

        try:
            return national_id.clean(self.cleaned_data["national_id"])
        except national_id.InvalidNationalID as exc:
            raise forms.ValidationError(_("Enter a valid 13-digit national ID number.")) from exc


class CounterConfirmForm(forms.Form):
    """The email address or mobile number the person at the counter says their account
    signs in with: only an account claiming the looked-up ID that signs in with exactly
    that can be confirmed (a look-alike an impostor made cannot be picked by mistake)."""

    login = forms.CharField(
        label=_("The email address or mobile number of their account"),
        help_text=_(
            "Type it as the person tells you. It must be the account that gives this "
            "national ID number."
        ),
        max_length=254,
        error_messages={
            "required": _("Enter the email address or mobile number of the person's account")
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CounterRegisterForm(forms.Form):
    national_id = forms.CharField(widget=forms.HiddenInput)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Enter the person's full name"),
            "max_length": FULL_NAME_TOO_LONG,
        },
    )
    phone = forms.CharField(
        label=_("Mobile phone number (optional)"),
        max_length=20,
        required=False,
        error_messages={"max_length": phone_numbers.INVALID_MESSAGE},
    )


class RatingForm(forms.Form):
    """The one-question satisfaction survey offered once a case is closed."""

    score = forms.TypedChoiceField(
        label=_("How satisfied are you with this service?"),
        choices=[
            (5, _("Very satisfied")),
            (4, _("Satisfied")),
            (3, _("Neither satisfied nor dissatisfied")),
            (2, _("Dissatisfied")),
            (1, _("Very dissatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are with this service.")},
    )
    comment = PlainTextField(
        label=_("How could we improve this service? (optional)"),
        help_text=_("Do not include personal details such as your ID number or phone number."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
