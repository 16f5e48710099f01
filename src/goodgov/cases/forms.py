"""The application form of a service, built from its JSON Schema and UI hints.

``application_form(version, ...)`` makes one Django field per question in
``form.ui.order`` and one file field per evidence item to upload. Fields read what
people type the way they type it (Buddhist-era years in Thai, national IDs with dashes,
Thai numerals, phone numbers in local form) and hand back answers in one stored shape,
which ``answers()`` checks against the service's schema.

Addresses work without JavaScript, like the GOV.UK postcode look-up: the "Find
subdistricts" button submits the form with ``_lookup=<field>``; the form then reports
``lookup_requested``, is not valid, shows no errors (except about that postcode) and
offers the postcode's subdistricts in a select for the next submission.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import jsonschema
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.forms.utils import ErrorDict
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from goodgov.cases.answers import (
    KINDS,
    choice_key,
    choice_label,
    choice_values,
    field_kind,
    format_phone,
)
from goodgov.catalogue.models import ServiceVersion, localized
from goodgov.catalogue.validation import WIDGET_TYPES
from goodgov.core import national_id, thai
from goodgov.core.text import PlainTextMixin, has_control_characters, refuse_control_characters
from goodgov.core.thai_address import (
    ascii_digits,
    clean_postcode,
    codes_for,
    is_postcode,
    postcode_choices,
    subdistrict_in_postcode,
    subdistricts_for_postcode,
)
from goodgov.documents.validation import check_upload, size_text, type_names

EVIDENCE_PREFIX = "evidence_"
CONSENT_SUFFIX = "_consent"  # evidence_<key>_consent: the consent box of a fetched item
LOOKUP = "_lookup"
# A pseudo-attribute the bound field passes to a widget: which of its inputs are in error.
ERROR_PARTS = "_error_parts"

# Messages, GOV.UK style. ``thing`` is the question's label inside a sentence
# (lower-cased first letter in English), ``label`` the label as written.
REQUIRED = _("Enter the %(thing)s")
REQUIRED_CHOICE = _("Select the %(thing)s")
REQUIRED_CHECKBOX = _("Select the box to confirm: %(label)s")
REQUIRED_UPLOAD = _("Select a file for the %(thing)s")
INVALID_CHOICE = _("Select one of the options for the %(thing)s")
MAX_LENGTH = _("%(label)s must be %(limit)s characters or fewer")
MIN_LENGTH = _("%(label)s must be %(limit)s characters or more")
WHOLE_NUMBER = _("Enter the %(thing)s as a whole number, like 20")
NUMBER = _("Enter the %(thing)s as a number, like 12.50")
WHOLE_NUMBER_COMMAS = _(
    "Enter the %(thing)s as a whole number, with commas only between thousands, like 1,250"
)
NUMBER_COMMAS = _(
    "Enter the %(thing)s as a number, with a full stop before any decimals and commas only "
    "between thousands, like 1,250.50"
)
WHOLE_NUMBER_DIGITS = _("Enter the %(thing)s as a whole number with at most %(limit)s digits")
NUMBER_DIGITS = _("Enter the %(thing)s as a number with at most %(limit)s digits")
BETWEEN = _("%(label)s must be between %(min)s and %(max)s")
AT_LEAST = _("%(label)s must be %(min)s or more")
AT_MOST = _("%(label)s must be %(max)s or less")
MORE_THAN = _("%(label)s must be more than %(min)s")
LESS_THAN = _("%(label)s must be less than %(max)s")
PATTERN = _("Enter the %(thing)s in the correct format")
DATE_INCOMPLETE = _("%(label)s must include a %(parts_text)s")
DATE_REAL = _("%(label)s must be a real date")
YEAR_DIGITS = _("Year must include 4 numbers")
YEAR_CE = _("Enter the year in the Common Era (CE), like 2026")
YEAR_BE = _("Enter the year in the Buddhist era (BE), like 2569")
YEAR_RANGE = _("Year must be between %(min)s and %(max)s")
DATE_ON_OR_AFTER = _("%(label)s must be the same as or after %(min)s")
DATE_ON_OR_BEFORE = _("%(label)s must be the same as or before %(max)s")
DATE_HINT_TH = _(
    "Type the year in the Buddhist era (BE), or from %(min)s to %(max)s in the Common Era "
    "(CE). For example, %(example)s"
)
NATIONAL_ID = _("Enter a valid 13-digit national ID number")
EMAIL = _("Enter an email address in the correct format, like name@example.com")
PHONE = _("Enter a phone number, like 081 234 5678 or 02 123 4567")
POSTCODE_REQUIRED = _("Enter a postcode")
POSTCODE_INVALID = _("Enter a real postcode, like 10200")
POSTCODE_UNKNOWN = _("We could not find postcode %(postcode)s. Check it and try again")
SUBDISTRICT_REQUIRED = _("Select the subdistrict")
SUBDISTRICT_MISMATCH = _("Select a subdistrict for postcode %(postcode)s")
LINE_REQUIRED = _("Enter the house number, village (moo) and road")
LINE_TOO_LONG = _("House number, village (moo) and road must be %(limit)s characters or fewer")
FILE_EMPTY = _("The selected file is empty")
FILE_NAME_TOO_LONG = _("The file name must be %(limit)s characters or fewer")

# The JSON Schema types each widget can produce: the catalogue checker's table.
SCHEMA_TYPES = WIDGET_TYPES
PART_NAMES = {"day": _("day"), "month": _("month"), "year": _("year")}
ADDRESS_LINE_MAX = 250
# The digits a number may have: as many as a float (the stored answer, in JSON) keeps
# exactly, so that what is stored and shown back is the number typed, never a rounded
# one (99999.99999999999999999 is 100000.0 as a float, and 0.000...01 is 0.0).
NUMBER_MAX_DIGITS = 15
EXAMPLE_DATE = dt.date(2026, 11, 24)
# The years a date may have, Buddhist era 2400 to 2700 (Common Era 1857 to 2157): a year
# outside them is a typo ("0069" for 2569) and is refused, never stored as the year 69.
BE_YEARS = (2400, 2700)
CE_YEARS = (BE_YEARS[0] - thai.BE_OFFSET, BE_YEARS[1] - thai.BE_OFFSET)
# The year rule. A Thai page asks for the year in the Buddhist era ("ปี (พ.ศ.)"); an
# English page in the Common Era, and refuses a BE year with a message asking for CE.
# On a Thai page a 4-digit year in this range is also taken, as CE, because many people
# know their dates in CE: it cannot be mistaken for a BE year (those start at 2400), the
# field's hint says so, and the answers are shown back in BE before they are sent. A CE
# year outside it (1857 to 1899, 2101 to 2157) is refused with a message asking for BE.
CE_YEARS_ON_THAI_PAGES = (1900, 2100)


class AnswersMismatch(RuntimeError):
    """The form produced answers its own schema refuses: a bug in the form or definition."""


def _language() -> str:
    return (get_language() or "th")[:2]


def _in_sentence(label: str) -> str:
    """``Number of seats`` -> ``number of seats`` in English; acronyms and Thai unchanged."""
    if _language() == "en" and len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def message_params(label: str, noun: str = "") -> dict[str, str]:
    """``label`` as written, and ``thing``: what the question asks for inside a sentence,
    the definition's ``noun`` when it gives one (a label that is a question, "How do you
    want to be paid?", cannot stand in "Select the ..."), else the label."""
    return {"label": label, "thing": noun or _in_sentence(label)}


def _text(message: Any, params: dict[str, Any]) -> str:
    """A message with its parameters, in the current language (for Django's own messages)."""
    return str(message) % params


def _add_class(attrs: dict[str, Any], css: str) -> None:
    attrs["class"] = f"{attrs.get('class', '')} {css}".strip()


def _digits(number: Decimal) -> int:
    """The digits of ``number`` as written without padding: those of its whole part (no
    leading zeros) and of its decimals up to the last that is not 0. ``12.50`` has 3,
    ``0.05`` has 2, ``100000`` has 6."""
    _sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: never read from text here
        return NUMBER_MAX_DIGITS + 1
    end = len(digits)
    while end > 1 and digits[end - 1] == 0 and exponent < 0:  # zeros after the last decimal
        end -= 1
        exponent += 1
    start = 0
    while start < end - 1 and digits[start] == 0:  # leading zeros
        start += 1
    count = end - start
    return count + exponent if exponent >= 0 else max(count, -exponent)


# ---------------------------------------------------------------------------- widgets


class GovukWidgetMixin:
    """Pops the error marker the bound field passes and adds the GOV.UK error class."""

    error_class = "govuk-input--error"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts = attrs.pop(ERROR_PARTS, None)
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        if error_parts and self.error_class:
            _add_class(context["widget"]["attrs"], self.error_class)
        return context


class TextInput(GovukWidgetMixin, forms.TextInput):
    template_name = "cases/widgets/input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "govuk-input", **(attrs or {})})


class EmailInput(GovukWidgetMixin, forms.EmailInput):
    template_name = "cases/widgets/input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"class": "govuk-input", "autocomplete": "email", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})


class Textarea(GovukWidgetMixin, forms.Textarea):
    template_name = "cases/widgets/textarea.html"
    error_class = "govuk-textarea--error"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "govuk-textarea", "rows": "5", **(attrs or {})})


class Select(GovukWidgetMixin, forms.Select):
    template_name = "cases/widgets/select.html"
    error_class = "govuk-select--error"

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"class": "govuk-select", **(attrs or {})}, choices)


class RadioSelect(GovukWidgetMixin, forms.RadioSelect):
    """GOV.UK radios; the first radio carries the field's own id, as GOV.UK does."""

    template_name = "cases/widgets/radios.html"
    error_class = ""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"class": "govuk-radios__input", **(attrs or {})}, choices)

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if not id_ or index is None:
            return ""
        return id_ if str(index) == "0" else f"{id_}_{index}"


class CheckboxInput(GovukWidgetMixin, forms.CheckboxInput):
    template_name = "cases/widgets/input.html"
    error_class = ""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "govuk-checkboxes__input", **(attrs or {})})


class FileInput(GovukWidgetMixin, forms.FileInput):
    template_name = "cases/widgets/input.html"
    error_class = "govuk-file-upload--error"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "govuk-file-upload", **(attrs or {})})


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year inputs (``<name>_0`` .. ``<name>_2``).

    The year is shown in the Buddhist era in Thai and in the Common Era in English.
    """

    template_name = "cases/widgets/date.html"
    PARTS = ("day", "month", "year")

    def __init__(self) -> None:
        def part(width: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                }
            )

        super().__init__([part(2), part(2), part(4)])

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, dt.date):
            year = thai.be_year(value.year) if _language() == "th" else value.year
            return [str(value.day), str(value.month), str(year)]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts = attrs.pop(ERROR_PARTS, None) or ()
        attrs.pop("aria-invalid", None)
        context: dict[str, Any] = super().get_context(name, value, attrs)
        labels = [gettext("Day"), gettext("Month"), gettext("Year")]
        subwidgets = context["widget"]["subwidgets"]
        for part, label, sub in zip(self.PARTS, labels, subwidgets, strict=True):
            sub["label"] = label
            sub["template_name"] = "cases/widgets/input.html"
            if part in error_parts:
                _add_class(sub["attrs"], "govuk-input--error")
                sub["attrs"]["aria-invalid"] = "true"
        return context


class AddressInput(forms.MultiWidget):
    """Postcode with a look-up button, the postcode's subdistricts, then house number and road.

    Inputs are named ``<name>_postcode``, ``<name>_subdistrict`` and ``<name>_line``, with
    ids ``id_<name>_0``, ``_1`` and ``_2`` (so the error summary's link to ``_0`` lands on
    the postcode).
    """

    template_name = "cases/widgets/address.html"
    PARTS = ("postcode", "subdistrict", "line")

    def __init__(self) -> None:
        super().__init__(
            {
                "postcode": forms.TextInput(
                    attrs={
                        "class": "govuk-input govuk-input--width-5",
                        "inputmode": "numeric",
                        "autocomplete": "postal-code",
                    }
                ),
                "subdistrict": forms.Select(attrs={"class": "govuk-select"}),
                "line": forms.TextInput(
                    attrs={"class": "govuk-input", "autocomplete": "address-line1"}
                ),
            }
        )

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, dict):
            return [value.get("postcode"), value.get("subdistrict"), value.get("line")]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = dict(attrs or {})
        error_parts = attrs.pop(ERROR_PARTS, None) or ()
        attrs.pop("aria-invalid", None)
        if not isinstance(value, (list, tuple)):
            value = self.decompress(value)
        value = list(value) + [None] * (3 - len(value))
        choices = postcode_choices(clean_postcode(str(value[0] or "")))
        if len(choices) == 1 and not value[1]:
            value[1] = choices[0][0]
        select = self.widgets[1]
        select.choices = [("", gettext("Select a subdistrict")), *choices]  # type: ignore[attr-defined]
        context: dict[str, Any] = super().get_context(name, value, attrs)
        labels = [
            gettext("Postcode"),
            gettext("Subdistrict, district and province"),
            gettext("House number, village (moo), road"),
        ]
        subwidgets = context["widget"]["subwidgets"]
        for part, label, sub in zip(self.PARTS, labels, subwidgets, strict=True):
            sub["label"] = label
            sub["part"] = part
            sub["template_name"] = (
                "cases/widgets/select.html" if part == "subdistrict" else "cases/widgets/input.html"
            )
            if part in error_parts:
                css = "govuk-select--error" if part == "subdistrict" else "govuk-input--error"
                _add_class(sub["attrs"], css)
                sub["attrs"]["aria-invalid"] = "true"
        context["widget"]["postcode"] = subwidgets[0]
        context["widget"]["subdistrict"] = subwidgets[1] if choices else None
        context["widget"]["line"] = subwidgets[2]
        context["widget"]["lookup_value"] = name
        return context


# ---------------------------------------------------------------------------- validators


class RangeValidator:
    """``minimum``/``maximum`` (and the exclusive forms) as one plain-words message."""

    def __init__(self, params: dict[str, str], prop: dict[str, Any]) -> None:
        self.params = params
        self.minimum = prop.get("minimum")
        self.maximum = prop.get("maximum")
        self.exclusive_minimum = prop.get("exclusiveMinimum")
        self.exclusive_maximum = prop.get("exclusiveMaximum")

    def __call__(self, value: Any) -> None:
        lo, hi = self.minimum, self.maximum
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            if lo is not None and hi is not None:
                message = BETWEEN
            elif lo is not None:
                message = AT_LEAST
            else:
                message = AT_MOST
            raise ValidationError(
                message, code="range", params={**self.params, "min": lo, "max": hi}
            )
        if self.exclusive_minimum is not None and value <= self.exclusive_minimum:
            raise ValidationError(
                MORE_THAN, code="range", params={**self.params, "min": self.exclusive_minimum}
            )
        if self.exclusive_maximum is not None and value >= self.exclusive_maximum:
            raise ValidationError(
                LESS_THAN, code="range", params={**self.params, "max": self.exclusive_maximum}
            )


class LengthValidator:
    def __init__(self, params: dict[str, str], prop: dict[str, Any]) -> None:
        self.params = params
        self.max_length = prop.get("maxLength")
        self.min_length = prop.get("minLength")

    def __call__(self, value: str) -> None:
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                MAX_LENGTH, code="max_length", params={**self.params, "limit": self.max_length}
            )
        if self.min_length is not None and len(value) < self.min_length:
            raise ValidationError(
                MIN_LENGTH, code="min_length", params={**self.params, "limit": self.min_length}
            )


class PatternValidator:
    """JSON Schema ``pattern``: a search, not a full match, as the schema means it."""

    def __init__(self, params: dict[str, str], pattern: str) -> None:
        self.params = params
        self.regex = re.compile(pattern)

    def __call__(self, value: str) -> None:
        if not self.regex.search(str(value)):
            raise ValidationError(PATTERN, code="pattern", params=self.params)


class EnumValidator:
    """``enum`` on a question shown as free text (radios and selects offer only the values)."""

    def __init__(self, params: dict[str, str], values: list[Any]) -> None:
        self.params = params
        self.values = values

    def __call__(self, value: Any) -> None:
        if value not in self.values:
            raise ValidationError(INVALID_CHOICE, code="enum", params=self.params)


def _schema_validators(params: dict[str, str], prop: dict[str, Any], kind: str) -> list[Any]:
    validators: list[Any] = []
    if "enum" in prop:
        validators.append(EnumValidator(params, list(prop["enum"])))
    if prop.get("format") == "email" and kind != "email":
        validators.append(EmailValidator(message=EMAIL))
    if "maxLength" in prop or "minLength" in prop:
        validators.append(LengthValidator(params, prop))
    if any(k in prop for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        validators.append(RangeValidator(params, prop))
    if "pattern" in prop:
        validators.append(PatternValidator(params, prop["pattern"]))
    return validators


# ---------------------------------------------------------------------------- fields


class AnswerMixin:
    """How a field's value becomes a stored answer, and back for pre-filling."""

    kind = "text"
    fieldset = False

    def to_answer(self, value: Any) -> Any:
        return value

    def from_answer(self, answer: Any) -> Any:
        return answer


class TextField(PlainTextMixin, AnswerMixin, forms.CharField):
    pass


class TextareaField(PlainTextMixin, AnswerMixin, forms.CharField):
    kind = "textarea"


class EmailField(PlainTextMixin, AnswerMixin, forms.EmailField):
    kind = "email"


class PhoneField(PlainTextMixin, AnswerMixin, forms.CharField):
    """A Thai mobile (06/08/09, 10 digits) or landline (02 to 07, 9 digits), stored as E.164."""

    kind = "phone"
    MOBILE = re.compile(r"^0[689][0-9]{8}$")
    LANDLINE = re.compile(r"^0[2-7][0-9]{7}$")

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        if not text:
            return ""
        digits = re.sub(r"[\s\-().]", "", ascii_digits(text))
        if digits.startswith("+66"):
            digits = "0" + digits[3:]
        if not (self.MOBILE.match(digits) or self.LANDLINE.match(digits)):
            raise ValidationError(PHONE, code="phone")
        return "+66" + digits[1:]

    def from_answer(self, answer: Any) -> Any:
        return format_phone(str(answer))


class NationalIDField(PlainTextMixin, AnswerMixin, forms.CharField):
    kind = "national_id"

    def to_python(self, value: Any) -> str:
        text = ascii_digits(str(super().to_python(value)))
        if not text:
            return ""
        try:
            return national_id.clean(text)
        except national_id.InvalidNationalID:
            raise ValidationError(NATIONAL_ID, code="national_id") from None

    def from_answer(self, answer: Any) -> Any:
        text = str(answer)
        return national_id.display(text) if national_id.is_valid(text) else text


class NumberField(AnswerMixin, forms.Field):
    """A whole number or a decimal, typed as text (GOV.UK: no ``type=number``).

    Thai or Arabic digits, a sign, a full stop before decimals, spaces around the number,
    and commas only where they group thousands (``1,250``, ``12,500.5``). Anything else,
    such as ``12,50``, ``1,2,3`` or ``2 0``, is refused rather than read as another number.
    So is a number with more than ``NUMBER_MAX_DIGITS`` digits, after the question's own
    range (a whole number of 5,000 digits is "between 0 and 5000", not a crash).
    """

    kind = "number"
    _DIGITS = r"(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)"
    WHOLE = re.compile(rf"[+-]?{_DIGITS}")
    DECIMAL = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.[0-9]*)?|\.[0-9]+)")

    def __init__(self, *, integer: bool, params: dict[str, str], **kwargs: Any) -> None:
        self.integer = integer
        self.params = params
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return value
        if isinstance(value, float):
            return Decimal(str(value))
        refuse_control_characters(value)
        text = ascii_digits(str(value)).strip()
        if not text:
            return None
        pattern = self.WHOLE if self.integer else self.DECIMAL
        if not pattern.fullmatch(text):
            # Never guess: dropping the comma of "12,50" (a decimal comma) made it 1250.
            if "," in text:
                message = WHOLE_NUMBER_COMMAS if self.integer else NUMBER_COMMAS
                raise ValidationError(message, code="separator", params=self.params)
            if self.integer:
                raise ValidationError(WHOLE_NUMBER, code="integer", params=self.params)
            raise ValidationError(NUMBER, code="number", params=self.params)
        text = text.replace(",", "")
        if self.integer and len(text.lstrip("+-").lstrip("0")) <= NUMBER_MAX_DIGITS:
            return int(text)
        # Longer whole numbers too: Decimal reads any length (int() refuses over 4,300
        # digits), and ``clean`` refuses them after the range check.
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValidationError(NUMBER, code="number", params=self.params) from None

    def clean(self, value: Any) -> int | Decimal | None:
        number = super().clean(value)
        if number is not None and _digits(Decimal(number)) > NUMBER_MAX_DIGITS:
            message = WHOLE_NUMBER_DIGITS if self.integer else NUMBER_DIGITS
            raise ValidationError(
                message, code="digits", params={**self.params, "limit": NUMBER_MAX_DIGITS}
            )
        return number

    def to_answer(self, value: Any) -> int | float:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return int(value)


class ChoiceAnswerField(AnswerMixin, forms.ChoiceField):
    """Radios or a select; the stored answer is the schema's own value (string, number, bool)."""

    def __init__(self, *, values: list[Any], ui: dict[str, Any], kind: str, **kwargs: Any) -> None:
        self.kind = kind
        self.fieldset = kind == "radios"
        self.values = {choice_key(v): v for v in values}
        choices = [(choice_key(v), choice_label(v, ui)) for v in values]
        if kind == "select":
            choices = [("", gettext("Select an option")), *choices]
        super().__init__(choices=choices, **kwargs)

    def to_answer(self, value: Any) -> Any:
        return self.values[value]

    def from_answer(self, answer: Any) -> Any:
        return choice_key(answer)


class CheckboxField(AnswerMixin, forms.BooleanField):
    kind = "checkbox"


class DateField(AnswerMixin, forms.Field):
    """GOV.UK date input; the year in the page's era (see ``CE_YEARS_ON_THAI_PAGES``).

    ``earliest`` and ``latest`` are the schema's ``formatMinimum`` and ``formatMaximum``
    (ISO dates), checked on the date read.
    """

    kind = "date"
    fieldset = True
    widget = DateInput

    def __init__(
        self,
        *,
        params: dict[str, str],
        earliest: dt.date | None = None,
        latest: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        self.params = params
        self.earliest = earliest
        self.latest = latest
        super().__init__(**kwargs)

    def _error(self, message: Any, code: str, *parts: str, **extra: Any) -> ValidationError:
        return ValidationError(message, code=code, params={**self.params, "parts": parts, **extra})

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            refuse_control_characters(value, DateInput.PARTS)
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise self._error(DATE_REAL, "date", *DateInput.PARTS) from None
        typed = list(value)[:3]
        refuse_control_characters(
            typed,
            [n for n, p in zip(DateInput.PARTS, typed, strict=False) if has_control_characters(p)],
        )
        parts = [re.sub(r"\s+", "", ascii_digits(str(p or ""))) for p in typed]
        parts += [""] * (3 - len(parts))
        if not any(parts):
            return None
        missing = [name for name, text in zip(DateInput.PARTS, parts, strict=True) if not text]
        if missing:
            names = thai.text_list([str(PART_NAMES[m]) for m in missing], gettext("and"))
            raise self._error(DATE_INCOMPLETE, "date_incomplete", *missing, parts_text=names)
        day_text, month_text, year_text = parts
        patterns = (r"[0-9]{1,2}", r"[0-9]{1,2}", r"[0-9]+")
        bad = [
            name
            for name, text, pattern in zip(DateInput.PARTS, parts, patterns, strict=True)
            if not re.fullmatch(pattern, text)
        ]
        if bad:
            raise self._error(DATE_REAL, "date", *bad)
        if len(year_text) != 4:
            raise self._error(YEAR_DIGITS, "year_digits", "year")
        year = self._year_ce(int(year_text))
        try:
            return dt.date(year, int(month_text), int(day_text))
        except ValueError:
            raise self._error(DATE_REAL, "date", *DateInput.PARTS) from None

    def _year_ce(self, year: int) -> int:
        """The year typed, in the Common Era, by the rule at ``CE_YEARS_ON_THAI_PAGES``."""
        be_lo, be_hi = BE_YEARS
        ce_lo, ce_hi = CE_YEARS
        if _language() == "th":
            if be_lo <= year <= be_hi:
                return thai.ce_year(year)
            lo, hi = CE_YEARS_ON_THAI_PAGES
            if lo <= year <= hi:
                return year
            if ce_lo <= year <= ce_hi:
                raise self._error(YEAR_BE, "year_era", "year")
            raise self._error(YEAR_RANGE, "year_range", "year", min=be_lo, max=be_hi)
        if ce_lo <= year <= ce_hi:
            return year
        if be_lo <= year <= be_hi:
            raise self._error(YEAR_CE, "year_era", "year")
        raise self._error(YEAR_RANGE, "year_range", "year", min=ce_lo, max=ce_hi)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not isinstance(value, dt.date):
            return
        early = self.earliest is not None and value < self.earliest
        late = self.latest is not None and value > self.latest
        if not (early or late):
            return
        language = _language()
        bounds = {
            "min": thai.format_date(self.earliest, language) if self.earliest else "",
            "max": thai.format_date(self.latest, language) if self.latest else "",
        }
        if self.earliest is not None and self.latest is not None:
            message = BETWEEN
        elif early:
            message = DATE_ON_OR_AFTER
        else:
            message = DATE_ON_OR_BEFORE
        raise self._error(message, "date_range", *DateInput.PARTS, **bounds)

    def to_answer(self, value: dt.date) -> str:
        return value.isoformat()

    def from_answer(self, answer: Any) -> Any:
        try:
            return dt.date.fromisoformat(str(answer))
        except ValueError:
            return None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class AddressField(AnswerMixin, forms.Field):
    """A Thai address: free text for house number and road, official codes for the rest.

    ``complete`` (submit mode) asks for every part once anything is typed; in a draft,
    whatever parts are given must agree (a real postcode; a subdistrict of that postcode).
    """

    kind = "address"
    fieldset = True
    widget = AddressInput

    def __init__(self, *, complete: bool, **kwargs: Any) -> None:
        self.complete = complete
        super().__init__(**kwargs)

    @staticmethod
    def _error(message: Any, part: str, code: str, **params: Any) -> ValidationError:
        return ValidationError(message, code=code, params={"parts": (part,), **params})

    def to_python(self, value: Any) -> dict[str, str]:
        if isinstance(value, dict):
            value = AddressInput().decompress(value)
        if not isinstance(value, (list, tuple)):
            value = [None, None, None]
        postcode, subdistrict, line = (list(value) + [None] * 3)[:3]
        return {
            "postcode": clean_postcode(str(postcode or "")),
            "subdistrict": str(subdistrict or "").strip(),
            "line": " ".join(str(line or "").split()),
        }

    def postcode_error(self, postcode: str) -> ValidationError | None:
        if not postcode:
            return self._error(POSTCODE_REQUIRED, "postcode", "postcode_required")
        if not is_postcode(postcode):
            return self._error(POSTCODE_INVALID, "postcode", "postcode_invalid")
        if not subdistricts_for_postcode(postcode):
            return self._error(POSTCODE_UNKNOWN, "postcode", "postcode_unknown", postcode=postcode)
        return None

    def clean(self, value: Any) -> dict[str, str] | None:
        if isinstance(value, (list, tuple)):
            refuse_control_characters(
                value,
                [
                    n
                    for n, p in zip(AddressInput.PARTS, value, strict=False)
                    if has_control_characters(p)
                ],
            )
        elif isinstance(value, dict):
            refuse_control_characters(
                value, [n for n, p in value.items() if has_control_characters(p)]
            )
        parts = self.to_python(value)
        postcode, subdistrict, line = parts["postcode"], parts["subdistrict"], parts["line"]
        if not any(parts.values()) and not self.required:
            return None
        complete = self.required or self.complete
        errors: list[ValidationError] = []
        postcode_error = self.postcode_error(postcode)
        if postcode_error is not None and (postcode or complete or subdistrict):
            errors.append(postcode_error)
        if (
            subdistrict
            and postcode_error is None
            and not subdistrict_in_postcode(subdistrict, postcode)
        ):
            errors.append(
                self._error(
                    SUBDISTRICT_MISMATCH, "subdistrict", "subdistrict_mismatch", postcode=postcode
                )
            )
        if not subdistrict and complete and postcode_error is None:
            errors.append(self._error(SUBDISTRICT_REQUIRED, "subdistrict", "subdistrict_required"))
        if not line and complete:
            errors.append(self._error(LINE_REQUIRED, "line", "line_required"))
        if len(line) > ADDRESS_LINE_MAX:
            errors.append(
                self._error(LINE_TOO_LONG, "line", "line_too_long", limit=ADDRESS_LINE_MAX)
            )
        if errors:
            raise ValidationError(errors)
        return {k: v for k, v in parts.items() if v}

    def to_answer(self, value: dict[str, str]) -> dict[str, str]:
        answer = {k: value[k] for k in ("line", "postcode") if value.get(k)}
        if value.get("subdistrict"):
            answer.update(codes_for(value["subdistrict"]))
        return answer

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


class EvidenceFileField(AnswerMixin, forms.FileField):
    """An evidence upload, judged by its content (``check_upload``)."""

    kind = "file"

    def __init__(self, *, key: str, accept: list[str], uploaded: bool, **kwargs: Any) -> None:
        self.key = key
        self.accept = accept
        self.uploaded = uploaded
        super().__init__(max_length=255, allow_empty_file=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        # Replace what the browser claimed with what the bytes show.
        upload.content_type = check_upload(upload, accept=self.accept)
        return upload


# ---------------------------------------------------------------------------- bound field


class GovukBoundField(forms.BoundField):
    """What the GOV.UK templates need: hint and error ids, parts in error, widget markup."""

    @property
    def kind(self) -> str:
        return str(getattr(self.field, "kind", "text"))

    @property
    def fieldset(self) -> bool:
        return bool(getattr(self.field, "fieldset", False))

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error"

    @property
    def uploaded_id(self) -> str:
        return f"{self.auto_id}_uploaded"

    @property
    def uploaded(self) -> bool:
        return bool(getattr(self.field, "uploaded", False))

    @property
    def error_parts(self) -> list[str]:
        """The inputs of a date or address in error, in the order they are shown."""
        parts_of_widget = getattr(self.field.widget, "PARTS", None)
        if not parts_of_widget or not self.errors:
            return []
        found: set[str] = set()
        for error in self.form.errors.as_data().get(self.name, []):
            params = error.params or {}
            found.update(params.get("parts") or parts_of_widget)
        return [p for p in parts_of_widget if p in found]

    @property
    def error_anchor(self) -> str:
        """The id of the first input in error (the error summary's best link target)."""
        parts = getattr(self.field.widget, "PARTS", None)
        if not parts:
            return self.auto_id
        return self._part_anchor(parts, self.error_parts)

    def _part_anchor(self, parts: Collection[str], in_error: list[str]) -> str:
        parts = list(parts)
        index = parts.index(in_error[0]) if in_error else 0
        if self.kind == "address" and in_error and in_error[0] == "subdistrict":
            postcode = clean_postcode(str((self.value() or [""])[0] or ""))
            if not postcode_choices(postcode):
                index = 0  # no select is shown without subdistricts
        return f"{self.auto_id}_{index}"

    @property
    def error_links(self) -> list[tuple[str, str]] | None:
        """Each error's message and the input it is about, for a date's or an address's
        error summary: "Enter the house number" links to the line, not the postcode.
        None for a field of one input (the summary links all its errors to it)."""
        parts = getattr(self.field.widget, "PARTS", None)
        if not parts or not self.errors:
            return None
        links = []
        for error in self.form.errors.as_data().get(self.name, []):
            named = (error.params or {}).get("parts") or ()
            anchor = self._part_anchor(parts, [p for p in parts if p in named])
            links += [(str(message), anchor) for message in error]
        return links

    @property
    def describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.uploaded:
            ids.append(self.uploaded_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def widget_html(self) -> str:
        attrs: dict[str, Any] = {}
        if not self.fieldset and self.describedby:
            attrs["aria-describedby"] = self.describedby
        if self.errors:
            attrs[ERROR_PARTS] = self.error_parts or ["all"]
        return str(self.as_widget(attrs=attrs))


# ---------------------------------------------------------------------------- the form


class ApplicationForm(forms.Form):
    """A service's application form; build it with :func:`application_form`."""

    bound_field_class = GovukBoundField
    use_required_attribute = False  # GOV.UK: the server checks, with clear messages

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        version: ServiceVersion,
        fields: dict[str, forms.Field],
        question_names: list[str],
        evidence_names: dict[str, str],
        mode: Literal["draft", "submit"],
        initial: dict[str, Any] | None = None,
        consent_names: dict[str, str] | None = None,
    ) -> None:
        prefill = {
            name: fields[name].from_answer(value)  # type: ignore[attr-defined]
            for name, value in (initial or {}).items()
            if name in question_names and value is not None
        }
        super().__init__(data, files, initial=prefill)
        self.fields.update(fields)
        self.version = version
        self.definition: dict[str, Any] = version.definition
        self.mode = mode
        self.question_names = question_names
        self.evidence_names = evidence_names  # field name -> evidence item key
        self.consent_names = consent_names or {}  # consent box name -> fetched item key
        lookup = self.data.get(LOOKUP) if self.is_bound else None
        self.lookup_field: str | None = next(
            (
                name
                for name in question_names
                if isinstance(self.fields[name], AddressField) and self.add_prefix(name) == lookup
            ),
            None,
        )
        self.lookup_requested: bool = self.lookup_field is not None

    # Validation -----------------------------------------------------------------

    def full_clean(self) -> None:
        if not self.lookup_requested:
            super().full_clean()
            return
        # A look-up is not a submission: no errors, except about the postcode looked up.
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}
        name = self.lookup_field
        assert name is not None
        field = self.fields[name]
        assert isinstance(field, AddressField)
        parts = field.to_python(self[name].data)
        error = field.postcode_error(parts["postcode"])
        if error is not None:
            self.add_error(name, error)

    def is_valid(self) -> bool:
        return not self.lookup_requested and super().is_valid()

    # Results --------------------------------------------------------------------

    def answers(self) -> dict[str, Any]:
        """The answers as JSON; in submit mode checked against the service's schema."""
        if not self.is_valid():
            raise ValueError("answers() is only defined for a valid form")
        result: dict[str, Any] = {}
        for name in self.question_names:
            value = self.cleaned_data.get(name)
            if value is None or value == "":
                continue
            result[name] = self.fields[name].to_answer(value)  # type: ignore[attr-defined]
        if self.mode == "submit":
            try:
                self.version.answers_validator(complete=True).validate(result)
            except jsonschema.ValidationError as exc:
                raise AnswersMismatch(
                    f"{self.definition.get('code')}: answers fail the schema at "
                    f"{'/'.join(map(str, exc.absolute_path)) or '(root)'}: {exc.message}"
                ) from exc
        return result

    def uploads(self) -> dict[str, UploadedFile]:
        """Evidence item key -> checked upload (its ``content_type`` is the detected type).

        Uploads that passed their checks are here even when another field failed, so the
        view may keep them rather than ask for them again.
        """
        if self._errors is None:
            self.full_clean()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            key: cleaned[name] for name, key in self.evidence_names.items() if cleaned.get(name)
        }

    def consented(self) -> set[str]:
        """The fetched items whose consent box the person ticked."""
        cleaned = getattr(self, "cleaned_data", {})
        return {key for name, key in self.consent_names.items() if cleaned.get(name)}

    # Template helpers -----------------------------------------------------------

    def consent_field(self, key: str) -> forms.BoundField | None:
        """The consent box of fetched item ``key``, if it needs one now."""
        for name, item in self.consent_names.items():
            if item == key:
                return self[name]
        return None

    @property
    def question_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.question_names]

    @property
    def evidence_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.evidence_names]

    @property
    def exchange_items(self) -> list[dict[str, str]]:
        """Evidence the agency fetches itself: ``{"key", "name", "source"}`` in this language."""
        return [
            {
                "key": item["key"],
                "name": localized(item.get("name")),
                "source": localized(item.get("source")),
            }
            for item in self.definition.get("evidence", [])
            if item.get("kind") == "exchange"
        ]


# ---------------------------------------------------------------------------- building


def _hint(*texts: str) -> str:
    return " ".join(t.strip() for t in texts if t and t.strip())


def _schema_date(name: str, prop: dict[str, Any], keyword: str) -> dt.date | None:
    """A date question's ``formatMinimum`` or ``formatMaximum`` (an ISO date), if given."""
    if keyword not in prop:
        return None
    try:
        return dt.date.fromisoformat(str(prop[keyword]))
    except ValueError:
        raise ImproperlyConfigured(
            f"question {name!r}: {keyword} must be a date like 2026-11-24"
        ) from None


#: Questions whose rules JSON Schema cannot state, which :func:`form_rule_problem` checks
#: for answers that did not come through this form (the API): an address's parts agree
#: with the official codes; a date lies within ``formatMinimum``/``formatMaximum``.
def has_form_rules(prop: dict[str, Any], ui: dict[str, Any]) -> bool:
    kind = field_kind(prop, ui)
    return kind == "address" or (
        kind == "date" and ("formatMinimum" in prop or "formatMaximum" in prop)
    )


def form_rule_problem(
    definition: dict[str, Any], name: str, answer: Any, *, complete: bool
) -> tuple[Any, Any]:
    """(the answer as this form stores it, None), or (None, what the form says is wrong),
    for ``answer`` to question ``name``: the form's own field judges it, in the current
    language, so an answer sent to the API is told what the page would say. An answer
    the form would read as empty (an address of none of its parts) is stored as no
    answer: (None, None).

    The answer goes to the field as sent (an ISO date string, an address's parts by
    name), not through ``from_answer``, which reads what it cannot parse as empty."""
    form_def = definition.get("form", {})
    prop = form_def.get("schema", {}).get("properties", {}).get(name, {})
    ui = form_def.get("ui", {}).get("fields", {}).get(name, {})
    required = complete and name in form_def.get("schema", {}).get("required", [])
    field = _question_field(name, prop, ui, required=required, complete=complete)
    try:
        value = field.clean(answer)
    except ValidationError as exc:
        return None, exc.messages[0]
    return (field.to_answer(value) if value is not None else None), None  # type: ignore[attr-defined]


def _question_field(
    name: str, prop: dict[str, Any], ui: dict[str, Any], *, required: bool, complete: bool
) -> forms.Field:
    label = localized(ui.get("label")) or name
    hint = localized(ui.get("hint"))
    params = message_params(label, localized(ui.get("noun")))
    kind = field_kind(prop, ui)
    common: dict[str, Any] = {"label": label, "required": required}
    required_message = {"required": _text(REQUIRED, params)}
    validators = _schema_validators(params, prop, kind)

    field: forms.Field
    if kind not in KINDS:
        raise ImproperlyConfigured(f"question {name!r}: unknown widget {kind!r}")
    schema_type = prop.get("type")
    if schema_type is not None and schema_type not in SCHEMA_TYPES[kind]:
        raise ImproperlyConfigured(
            f"question {name!r}: widget {kind!r} cannot hold {schema_type!r}"
        )
    if kind == "date":
        if _language() == "th":
            example_text = (
                f"{EXAMPLE_DATE.day} {EXAMPLE_DATE.month} {thai.be_year(EXAMPLE_DATE.year)}"
            )
            lo, hi = CE_YEARS_ON_THAI_PAGES
            years = str(DATE_HINT_TH) % {"min": lo, "max": hi, "example": example_text}
        else:
            example_text = f"{EXAMPLE_DATE.day} {EXAMPLE_DATE.month} {EXAMPLE_DATE.year}"
            years = gettext("For example, %(example)s") % {"example": example_text}
        field = DateField(
            params=params,
            earliest=_schema_date(name, prop, "formatMinimum"),
            latest=_schema_date(name, prop, "formatMaximum"),
            help_text=_hint(hint, years),
            error_messages=required_message,
            **common,
        )
    elif kind == "number":
        integer = prop.get("type") == "integer"
        field = NumberField(
            integer=integer,
            params=params,
            help_text=hint,
            error_messages=required_message,
            validators=validators,
            widget=TextInput(
                {
                    "inputmode": "numeric" if integer else "decimal",
                    "class": "govuk-input govuk-input--width-10",
                    "spellcheck": "false",
                }
            ),
            **common,
        )
    elif kind in ("radios", "select"):
        values = choice_values(prop, ui)
        if not values:
            raise ImproperlyConfigured(f"question {name!r}: {kind} without choices")
        field = ChoiceAnswerField(
            values=values,
            ui=ui,
            kind=kind,
            help_text=hint,
            error_messages={
                "required": _text(REQUIRED_CHOICE, params),
                "invalid_choice": _text(INVALID_CHOICE, params),
            },
            widget=RadioSelect if kind == "radios" else Select,
            **common,
        )
    elif kind == "checkbox":
        field = CheckboxField(
            help_text=hint,
            error_messages={"required": _text(REQUIRED_CHECKBOX, params)},
            widget=CheckboxInput,
            **common,
        )
    elif kind == "national_id":
        field = NationalIDField(
            help_text=hint,
            error_messages=required_message,
            validators=validators,
            widget=TextInput(
                {
                    "class": "govuk-input govuk-input--width-20",
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            ),
            **common,
        )
    elif kind == "address":
        field = AddressField(
            complete=complete,
            help_text=hint,
            error_messages={"required": _text(POSTCODE_REQUIRED, params)},
            **common,
        )
    elif kind == "phone":
        field = PhoneField(
            help_text=hint,
            error_messages=required_message,
            validators=validators,
            widget=TextInput(
                {"class": "govuk-input govuk-input--width-20", "type": "tel", "autocomplete": "tel"}
            ),
            **common,
        )
    elif kind == "email":
        field = EmailField(
            help_text=hint,
            error_messages={**required_message, "invalid": str(EMAIL)},
            validators=validators,
            widget=EmailInput,
            **common,
        )
    elif kind == "textarea":
        field = TextareaField(
            help_text=hint,
            error_messages=required_message,
            validators=validators,
            widget=Textarea,
            **common,
        )
    else:
        field = TextField(
            help_text=hint,
            error_messages=required_message,
            validators=validators,
            widget=TextInput,
            **common,
        )
    return field


def _evidence_field(item: dict[str, Any], *, required: bool, uploaded: bool) -> EvidenceFileField:
    label = localized(item.get("name")) or item["key"]
    accept = list(item.get("accept") or ["application/pdf", "image/jpeg", "image/png"])
    limit = settings.GOODGOV_UPLOAD_MAX_BYTES
    rule = gettext("The file must be a %(types)s, smaller than %(size)s.") % {
        "types": type_names(accept),
        "size": size_text(limit),
    }
    params = message_params(label)
    return EvidenceFileField(
        key=item["key"],
        accept=accept,
        uploaded=uploaded,
        label=label,
        required=required,
        help_text=_hint(localized(item.get("hint")), rule),
        error_messages={
            "required": _text(REQUIRED_UPLOAD, params),
            "empty": str(FILE_EMPTY),
            "max_length": str(FILE_NAME_TOO_LONG),
        },
        widget=FileInput({"accept": ",".join(accept)}),
    )


def _fallback_field(item: dict[str, Any], *, uploaded: bool) -> EvidenceFileField:
    field = _evidence_field(item, required=False, uploaded=uploaded)
    field.help_text = _hint(
        gettext("Only if we cannot get this from %(registry)s for you: upload a copy instead.")
        % {"registry": localized(item.get("registry"))},
        str(field.help_text),
    )
    return field


def _consent_field(item: dict[str, Any], version: ServiceVersion) -> CheckboxField:
    from goodgov.exchange import once_only

    source = once_only.parse_source(item["source"])
    _code, agency = once_only.provider_agency(source.node)
    fields = once_only.fields_text(item.get("fields", []))
    label = gettext(
        "I agree that %(agency)s gives %(recipient)s my %(fields)s from %(registry)s, "
        "for my application for %(service)s."
    ) % {
        "agency": agency,
        "recipient": version.service.agency.name,
        "fields": fields,
        "registry": localized(item.get("registry")),
        "service": version.name,
    }
    return CheckboxField(
        label=label,
        required=False,
        help_text=gettext(
            "You can withdraw your consent at any time on the page about the use of your data."
        ),
    )


def application_form(
    version: ServiceVersion,
    *,
    data: Any = None,
    files: Any = None,
    initial: dict[str, Any] | None = None,
    existing_evidence: set[str] | frozenset[str] = frozenset(),
    mode: Literal["draft", "submit"] = "submit",
    facts: Collection[str] = (),
) -> ApplicationForm:
    """The form for ``version``: questions in ``ui.order``, then uploads.

    In ``"submit"`` mode the schema's ``required`` questions and the required uploads not
    yet given are required; in ``"draft"`` mode nothing is, but what is typed must be
    well formed. ``initial`` takes saved answers (the ``answers()`` shape).

    Evidence fetched from a registry (``kind: fetched``) that ``facts`` does not hold yet
    gets, if the item allows, an upload to use instead (never required: the fact or the
    upload is checked on submission) and, for ``consent: true``, a consent box.
    """
    if mode not in ("draft", "submit"):
        raise ValueError(f"unknown mode {mode!r}")
    submit = mode == "submit"
    definition = version.definition
    form_def = definition.get("form", {})
    schema = form_def.get("schema", {})
    properties = schema.get("properties", {})
    required_names = set(schema.get("required", []))
    ui_fields = form_def.get("ui", {}).get("fields", {})

    fields: dict[str, forms.Field] = {}
    question_names: list[str] = []
    for name in form_def.get("ui", {}).get("order", []):
        fields[name] = _question_field(
            name,
            properties.get(name, {}),
            ui_fields.get(name, {}),
            required=submit and name in required_names,
            complete=submit,
        )
        question_names.append(name)

    evidence_names: dict[str, str] = {}
    for item in definition.get("evidence", []):
        if item.get("kind") != "upload":
            continue
        name = EVIDENCE_PREFIX + item["key"]
        if name in fields:
            raise ImproperlyConfigured(f"question {name!r} clashes with an evidence field")
        uploaded = item["key"] in existing_evidence
        fields[name] = _evidence_field(
            item, required=submit and bool(item.get("required")) and not uploaded, uploaded=uploaded
        )
        evidence_names[name] = item["key"]

    consent_names: dict[str, str] = {}
    for item in definition.get("evidence", []):
        if item.get("kind") != "fetched" or item["key"] in facts:
            continue
        if item.get("fallback") == "upload":
            name = EVIDENCE_PREFIX + item["key"]
            uploaded = item["key"] in existing_evidence
            fields[name] = _fallback_field(item, uploaded=uploaded)
            evidence_names[name] = item["key"]
        if item.get("consent"):
            name = EVIDENCE_PREFIX + item["key"] + CONSENT_SUFFIX
            if name in fields:
                raise ImproperlyConfigured(f"consent box {name!r} clashes with another field")
            fields[name] = _consent_field(item, version)
            consent_names[name] = item["key"]

    return ApplicationForm(
        data,
        files,
        version=version,
        fields=fields,
        question_names=question_names,
        evidence_names=evidence_names,
        mode=mode,
        initial=initial,
        consent_names=consent_names,
    )
