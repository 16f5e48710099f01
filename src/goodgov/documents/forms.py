"""Forms of the documents pages: checking a document, revoking one."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from goodgov.core import national_id
from goodgov.documents.validation import size_text

# Runs of digits that could be a national ID (13, spaced or dashed as printed) or a Thai
# phone number (9 or 10, starting with 0).
_ID_LIKE = re.compile(r"(?<![0-9])[0-9](?:[\s-]?[0-9]){12}(?![0-9])")
_PHONE_LIKE = re.compile(r"(?<![0-9])0(?:[\s-]?[0-9]){8,9}(?![0-9])")


class VerifyForm(forms.Form):
    """A code typed from the paper, or the PDF file itself (one of the two)."""

    code = forms.CharField(
        label=_("Document code"),
        help_text=_("Printed at the foot of the document, for example 7KQM-4XTR-9HPA."),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Or upload the PDF file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        limit = settings.GOODGOV_UPLOAD_MAX_BYTES
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                _("The file must be smaller than %(size)s"), params={"size": size_text(limit)}
            )
        upload.seek(0)
        if upload.read(5) != b"%PDF-":
            raise forms.ValidationError(_("The file must be a PDF"))
        upload.seek(0)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("code", "").strip() and not data.get("file") and not self.errors:
            self.add_error("code", _("Enter the document code or upload the PDF file"))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        help_text=_("Anyone who checks the document sees this reason. Write it plainly."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Give the reason for revoking the document.")},
    )

    def clean_reason(self) -> str:
        """The reason is shown to anyone who checks the document: no national ID number or
        phone number in it."""
        reason: str = self.cleaned_data["reason"]
        digits = (re.sub(r"[\s-]", "", m.group()) for m in _ID_LIKE.finditer(reason))
        if any(national_id.is_valid(d) for d in digits) or _PHONE_LIKE.search(reason):
            raise forms.ValidationError(
                _(
                    "Anyone who checks the document sees the reason: remove the national ID "
                    "or phone number, and name no one."
                ),
                code="personal_data",
            )
        return reason
