"""Render every Django form as GOV.UK Frontend markup.

``settings.FORM_RENDERER`` points here, so ``{{ form }}`` in any template (ours,
allauth's sign-in, sign-up and second-factor pages, officers' decision forms)
comes out with GOV.UK's form groups, labels, hints, error messages and input
classes, and with ``aria-describedby`` tied to the hint and the error.

The templates live in ``goodgov/web/templates/django/forms/``. The renderer has
its own template engine that looks there first and then in Django's built-in
form templates, so ``django.forms`` need not be in ``INSTALLED_APPS`` and
widgets we do not override still render.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms import BoundField, MultiWidget, RadioSelect
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_DJANGO_FORM_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"

# The GOV.UK class of each HTML input type; types not listed get govuk-input.
_INPUT_CLASSES = {
    "checkbox": "govuk-checkboxes__input",
    "radio": "govuk-radios__input",
    "file": "govuk-file-upload",
    "hidden": "",
}
# Controls that have an error modifier (``govuk-input--error`` and so on).
_ERROR_MODIFIED = {"govuk-input", "govuk-textarea", "govuk-select", "govuk-file-upload"}


class GovukFormRenderer(DjangoTemplates):
    """Django's template renderer with our form templates ahead of Django's own."""

    form_template_name = "django/forms/div.html"
    field_template_name = "django/forms/field.html"

    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [_TEMPLATES, _DJANGO_FORM_TEMPLATES],
                "NAME": "goodgov-forms",
                "OPTIONS": {},
            }
        )


def widget_attrs(widget: dict[str, Any], base_class: str | None = None) -> dict[str, Any]:
    """A widget's HTML attributes with its GOV.UK class in front of any it already has.

    ``widget`` is the ``widget`` dict of a widget template's context. Django sets
    ``aria-invalid`` on the widgets of a field with errors; that is how a widget
    knows to add the error modifier.
    """
    attrs = dict(widget.get("attrs") or {})
    if base_class is None:
        base_class = _INPUT_CLASSES.get(widget.get("type", ""), "govuk-input")
    classes = [base_class] if base_class else []
    if base_class in _ERROR_MODIFIED and attrs.get("aria-invalid") == "true":
        classes.append(f"{base_class}--error")
    existing = str(attrs.get("class", "")).split()
    classes += [c for c in existing if c not in classes]
    if classes:
        attrs["class"] = " ".join(classes)
    return attrs


def field_error_links(field: BoundField) -> list[tuple[str, str]]:
    """(message, id of the control it is about) for each of a field's errors: the error
    summary's links. A field of several inputs may say which each error is about
    (``error_links``, the application form's dates and addresses); otherwise every error
    links to :func:`field_target_id`."""
    links = getattr(field, "error_links", None)
    if links is not None:
        return list(links)
    target = field_target_id(field)
    return [(str(error), target) for error in field.errors]


def field_target_id(field: BoundField) -> str:
    """The id of the first control of a field: where an error summary link lands.

    A field may name the exact control in error (``error_anchor``, set by the
    application form's address and date fields)."""
    anchor = getattr(field, "error_anchor", None)
    if anchor:
        return str(anchor)
    widget = field.field.widget
    if isinstance(widget, RadioSelect):  # radios and checkboxes: the first option
        for option in field.subwidgets:
            return str(option.id_for_label or field.auto_id)
        return str(field.auto_id)
    if isinstance(widget, MultiWidget):
        return f"{field.auto_id}_0"
    return str(field.id_for_label or field.auto_id)
