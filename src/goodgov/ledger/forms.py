"""Forms of the public ledger pages: the entries' filters and the receipt checker."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from goodgov.core import thai
from goodgov.core.thai_address import ascii_digits
from goodgov.ledger import receipts

EXAMPLE_DAY = dt.date(2026, 11, 24)


@dataclass(frozen=True)
class ReceiptInput:
    """A receipt as given: parsed JSON, not yet checked (it may be any JSON value)."""

    value: Any


def _example_day() -> str:
    """The hint's example date: the year in the Buddhist era when the page is in Thai."""
    year = EXAMPLE_DAY.year
    if (get_language() or "th").startswith("th"):
        year = thai.be_year(year)
    return f"{EXAMPLE_DAY.day}/{EXAMPLE_DAY.month}/{year}"


class DayField(forms.Field):
    """A day typed as ``d/m/yyyy`` (or ``yyyy-mm-dd``); a year from 2400 is Buddhist era."""

    default_error_messages = {
        "invalid": _("Enter a real date, like %(example)s"),
    }

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": "20", "inputmode": "numeric"}

    def to_python(self, value: Any) -> dt.date | None:
        text = ascii_digits(str(value or "")).strip()
        if not text:
            return None
        match = re.fullmatch(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})", text)
        if match:
            day, month, year = (int(part) for part in match.groups())
        else:
            match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
            if not match:
                raise self._invalid()
            year, month, day = (int(part) for part in match.groups())
        if year >= 2400:
            year = thai.ce_year(year)
        if not 1900 <= year <= 2200:  # no entry is older; far dates overflow time zones
            raise self._invalid()
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise self._invalid() from None

    def _invalid(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"example": _example_day()}
        )


#: What an event's action looks like (``case.submitted``, ``person.viewed``).
ACTION_NAME = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


class EntryFilterForm(forms.Form):
    """Filters of the public list of entries: all optional, sent with GET."""

    agency = forms.ChoiceField(label=_("Agency"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = DayField(label=_("From"), required=False)
    date_to = DayField(label=_("To"), required=False)

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[str, str]],
        actions: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        action_field = self.fields["action"]
        assert isinstance(agency_field, forms.ChoiceField)
        assert isinstance(action_field, forms.ChoiceField)
        agency_field.choices = [("", _("All agencies")), *agencies]
        asked = self.data.get("action", "") if self.is_bound else ""
        if asked and asked not in actions and ACTION_NAME.fullmatch(asked):
            # an action the log holds no entry of yet (an evidence link, say): a list
            # filtered to nothing, not an error
            actions = [*actions, asked]
        action_field.choices = [("", _("All actions")), *((a, a) for a in actions)]
        hint = _("For example, %(example)s") % {"example": _example_day()}
        for name in ("date_from", "date_to"):
            self.fields[name].help_text = hint
            self.fields[name].widget.attrs.update({"class": "govuk-input--width-10"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return cleaned


class VerifyForm(forms.Form):
    """A receipt to check: pasted, uploaded, or its short code typed from paper."""

    receipt = forms.CharField(
        label=_("Paste the receipt"),
        help_text=_("The whole receipt file, as text. It starts with {"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Or upload the receipt file"),
        help_text=_("The .json file you downloaded from your application's page."),
        required=False,
    )
    code = forms.CharField(
        label=_("Or type the short code"),
        help_text=_("As printed on a receipt, for example 42-ABCD-EFGH-IJKL-MNOP."),
        required=False,
        max_length=80,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-20"}
        ),
    )

    TOO_LARGE = _("The receipt must be 64 KB or smaller")
    NOT_JSON = _("The receipt is not in the right format: it must be the JSON text of a receipt")
    BAD_CODE = _("Enter the code as printed, like 42-ABCD-EFGH-IJKL-MNOP")
    UNKNOWN_CODE = _("This ledger has no entry with this code. Check the code and try again")
    NOTHING = _("Paste a receipt, upload a receipt file or type a short code")

    def clean_file(self) -> ReceiptInput | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > receipts.MAX_BYTES:
            raise forms.ValidationError(self.TOO_LARGE, code="too_large")
        return self._parse(upload.read(receipts.MAX_BYTES + 1))

    def clean_receipt(self) -> ReceiptInput | None:
        text = self.cleaned_data.get("receipt") or ""
        return self._parse(text) if text else None

    def clean_code(self) -> tuple[int, str] | None:
        text = self.cleaned_data.get("code") or ""
        if not text:
            return None
        parsed = receipts.parse_code(text)
        if parsed is None:
            raise forms.ValidationError(self.BAD_CODE, code="bad_code")
        return parsed

    def _parse(self, data: str | bytes) -> ReceiptInput:
        try:
            return ReceiptInput(receipts.parse_receipt(data))
        except receipts.ReceiptInputError as exc:
            message = self.TOO_LARGE if exc.code == "too_large" else self.NOT_JSON
            raise forms.ValidationError(message, code=exc.code) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(
            cleaned.get(name) is not None for name in ("file", "receipt", "code")
        ):
            self.add_error("receipt", self.NOTHING)
        return cleaned
