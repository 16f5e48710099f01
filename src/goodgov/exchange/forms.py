"""Forms of the data protection officer's pages: they parse; the services decide.

A breach's moments (when the agency found out, when it told the Office or the people)
are typed the way every date on the platform is: the GOV.UK date input (day, month,
year; a Buddhist-era year on Thai pages, as in the application forms) followed by an
hour and a minute on the 24-hour clock, in the platform's time zone (Asia/Bangkok).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from django import forms
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from goodgov.cases.forms import (
    DATE_INCOMPLETE,
    DATE_REAL,
    ERROR_PARTS,
    PART_NAMES,
    DateField,
    DateInput,
    GovukBoundField,
)
from goodgov.core import thai
from goodgov.core.thai_address import ascii_digits
from goodgov.exchange.breach import OFFICE, PEOPLE
from goodgov.exchange.models import Breach

# The hints' example: 31 March 2026 at 14:30, Thai time.
EXAMPLE_MOMENT = dt.datetime(2026, 3, 31, 14, 30)

TIME_MISSING = _("%(label)s must include a time, like 14 30")
HOUR_MISSING = _("%(label)s must include an hour")
MINUTE_MISSING = _("%(label)s must include a minute")
TIME_REAL = _("%(label)s must be a real time on the 24-hour clock, like 14 30")


def _example() -> dict[str, str]:
    """The hints' example in the page's language: ``31 3 2569`` in Thai, ``31 3 2026``."""
    year = EXAMPLE_MOMENT.year
    if (get_language() or "th")[:2] == "th":
        year = thai.be_year(year)
    return {
        "date": f"{EXAMPLE_MOMENT.day} {EXAMPLE_MOMENT.month} {year}",
        "time": f"{EXAMPLE_MOMENT:%H %M}",
    }


def _moment_hint() -> str:
    """``Thai time, 24-hour clock. For example, 31 3 2569 at 14 30.`` in the page's language."""
    return gettext("Thai time, 24-hour clock. For example, %(date)s at %(time)s.") % _example()


def _digits(parts: Any, count: int) -> list[str]:
    """``count`` typed parts as ASCII digits without spaces ("" for a missing part)."""
    texts = [re.sub(r"\s+", "", ascii_digits(str(p or ""))) for p in list(parts or [])[:count]]
    return texts + [""] * (count - len(texts))


class TimeInput(forms.MultiWidget):
    """Hour and minute (``<name>_0``, ``<name>_1``), laid out like the GOV.UK date input."""

    template_name = "cases/widgets/date.html"
    PARTS = ("hour", "minute")

    def __init__(self) -> None:
        part = {
            "class": "govuk-input govuk-date-input__input govuk-input--width-2",
            "inputmode": "numeric",
        }
        super().__init__([forms.TextInput(attrs=part), forms.TextInput(attrs=part)])

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, dt.time):
            return [f"{value.hour:02d}", f"{value.minute:02d}"]
        return [None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts = attrs.pop(ERROR_PARTS, None) or ()
        attrs.pop("aria-invalid", None)
        context: dict[str, Any] = super().get_context(name, value, attrs)
        labels = [gettext("Hour"), gettext("Minute")]
        for part, label, sub in zip(
            self.PARTS, labels, context["widget"]["subwidgets"], strict=True
        ):
            sub["label"] = label
            sub["template_name"] = "cases/widgets/input.html"
            if part in error_parts:
                sub["attrs"]["class"] = f"{sub['attrs'].get('class', '')} govuk-input--error"
                sub["attrs"]["aria-invalid"] = "true"
        return context


class MomentInput(forms.MultiWidget):
    """The case forms' date input, then the time: inputs ``<name>_0_0`` (day) to
    ``<name>_0_2`` (year), ``<name>_1_0`` (hour) and ``<name>_1_1`` (minute)."""

    template_name = "exchange/widgets/moment.html"
    PARTS = DateInput.PARTS + TimeInput.PARTS

    def __init__(self) -> None:
        super().__init__([DateInput(), TimeInput()])

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value)
            return [local.date(), local.time()]
        return [None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # The parts in error go down to both inputs, each of which marks its own.
        attrs = dict(attrs or {})
        attrs.pop("aria-invalid", None)
        context: dict[str, Any] = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop(ERROR_PARTS, None)
        return context


class MomentBoundField(GovukBoundField):
    """Marks the parts in error and links the error summary to the first of them."""

    @property
    def error_anchor(self) -> str:
        return self._part_anchor((), self.error_parts)

    def _part_anchor(self, parts: Collection[str], in_error: list[str]) -> str:
        """The id of the first input in ``in_error``: a date's inputs are ``_0_<n>``, the
        time's ``_1_<n>`` (each error of the summary links to its own)."""
        part = in_error[0] if in_error else DateInput.PARTS[0]
        if part in DateInput.PARTS:
            return f"{self.auto_id}_0_{DateInput.PARTS.index(part)}"
        return f"{self.auto_id}_1_{TimeInput.PARTS.index(part)}"

    def as_widget(
        self, widget: Any = None, attrs: dict[str, Any] | None = None, only_initial: bool = False
    ) -> Any:
        attrs = dict(attrs or {})
        if self.errors:
            attrs[ERROR_PARTS] = self.error_parts
        return super().as_widget(widget, attrs, only_initial)


class MomentField(forms.Field):
    """A date and a time to the minute, read in the platform's time zone.

    The date is read by the case forms' ``DateField`` (a year from 2400 is Buddhist era
    in Thai; in English it is refused with a hint to use the Common Era). ``name`` is how
    the error messages call the field, like "Date and time found out".
    """

    widget = MomentInput
    bound_field_class = MomentBoundField

    def __init__(self, *, name: Any, **kwargs: Any) -> None:
        self.params = {"label": name}
        self.date_field = DateField(params=self.params, required=False)
        super().__init__(**kwargs)

    def _error(self, message: Any, code: str, *parts: str, **extra: Any) -> forms.ValidationError:
        return forms.ValidationError(
            message, code=code, params={**self.params, "parts": parts, **extra}
        )

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, dt.datetime):
            return value
        if value in self.empty_values:
            return None
        if not isinstance(value, (list, tuple)):
            raise self._error(DATE_REAL, "date", *MomentInput.PARTS)
        date_parts, time_parts = [*value, None, None][:2]
        date_texts = _digits(date_parts, len(DateInput.PARTS))
        time_texts = _digits(time_parts, len(TimeInput.PARTS))
        if not any(date_texts + time_texts):
            return None
        day = self.date_field.to_python(date_texts)
        if day is not None and not 1900 <= day.year <= 2200:
            # no breach is that old or that far ahead; such years overflow time zones
            raise self._error(DATE_REAL, "date", *DateInput.PARTS)
        if day is None:
            names = thai.text_list([str(PART_NAMES[p]) for p in DateInput.PARTS], gettext("and"))
            raise self._error(
                DATE_INCOMPLETE, "date_incomplete", *DateInput.PARTS, parts_text=names
            )
        hour_text, minute_text = time_texts
        if not hour_text and not minute_text:
            raise self._error(TIME_MISSING, "time_incomplete", *TimeInput.PARTS)
        if not hour_text:
            raise self._error(HOUR_MISSING, "time_incomplete", "hour")
        if not minute_text:
            raise self._error(MINUTE_MISSING, "time_incomplete", "minute")
        bad = [
            part
            for part, text, top in zip(TimeInput.PARTS, time_texts, (23, 59), strict=True)
            if not re.fullmatch(r"[0-9]{1,2}", text) or int(text) > top
        ]
        if bad:
            raise self._error(TIME_REAL, "time", *bad)
        return from_current_timezone(
            dt.datetime.combine(day, dt.time(int(hour_text), int(minute_text)))
        )


class BreachForm(forms.Form):
    use_required_attribute = False  # GOV.UK: the server checks, with clear messages

    discovered_at = MomentField(
        name=_("Date and time found out"),
        label=_("When did the agency find out about the breach?"),
        error_messages={"required": _("Enter when the agency found out")},
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
        max_value=2_147_483_647,  # the column's limit on PostgreSQL
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter how many people are affected, 0 or more"),
            "invalid": _("Enter how many people are affected, 0 or more"),
            "min_value": _("Enter how many people are affected, 0 or more"),
            "max_value": _("Enter how many people are affected, 0 or more"),
        },
    )
    risk = forms.ChoiceField(
        label=_("How serious is the risk to the people affected?"),
        choices=Breach.Risk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how serious the risk to people is")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discovered_at"].help_text = " ".join(
            [_moment_hint(), gettext("The 72 hours run from this moment.")]
        )


class NotifyForm(forms.Form):
    use_required_attribute = False

    whom = forms.ChoiceField(
        label=_("Who was told?"),
        choices=[
            (OFFICE, _("The Office of the Personal Data Protection Committee")),
            (PEOPLE, _("The people affected")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who was told")},
    )
    notified_at = MomentField(
        name=_("Date and time told"),
        label=_("When were they told?"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notified_at"].help_text = " ".join(
            [gettext("Leave empty if you told them just now."), _moment_hint()]
        )
