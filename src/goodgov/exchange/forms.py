"""Forms of the data protection officer's pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from goodgov.exchange.breach import OFFICE, PEOPLE
from goodgov.exchange.models import Breach

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MomentInput(forms.DateTimeInput):
    """A date and time to the minute, in Thai time (the browser's own picker, or typed)."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", attrs={"class": "govuk-input--width-20"})


class BreachForm(forms.Form):
    discovered_at = forms.DateTimeField(
        label=_("When did the agency find out about the breach?"),
        help_text=_(
            "Date and time, Thai time, for example 2026-03-31T14:30. The 72 hours run from this moment."
        ),
        input_formats=MOMENT_FORMATS,
        widget=MomentInput(),
        error_messages={
            "required": _("Enter when the agency found out"),
            "invalid": _("Enter a date and time such as 2026-03-31T14:30"),
        },
    )
    description = forms.CharField(
        label=_("What happened"),
        help_text=_(
            "What data, how it was exposed, what has been done. Do not name the people affected."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Describe what happened")},
    )
    affected_count = forms.IntegerField(
        label=_("How many people are affected?"),
        help_text=_("Your best estimate"),
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter how many people are affected, 0 or more"),
            "invalid": _("Enter how many people are affected, 0 or more"),
            "min_value": _("Enter how many people are affected, 0 or more"),
        },
    )
    risk = forms.ChoiceField(
        label=_("How serious is the risk to the people affected?"),
        choices=Breach.Risk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how serious the risk to people is")},
    )


class NotifyForm(forms.Form):
    whom = forms.ChoiceField(
        label=_("Who was told?"),
        choices=[
            (OFFICE, _("The Office of the Personal Data Protection Committee")),
            (PEOPLE, _("The people affected")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who was told")},
    )
    notified_at = forms.DateTimeField(
        label=_("When were they told?"),
        help_text=_("Leave empty for now. Date and time, Thai time, for example 2026-03-31T14:30."),
        required=False,
        input_formats=MOMENT_FORMATS,
        widget=MomentInput(),
        error_messages={"invalid": _("Enter a date and time such as 2026-03-31T14:30")},
    )
