"""Forms of the plan pages. They parse what was typed; the services validate and decide.
Fiscal years are typed and shown in the Buddhist era."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from goodgov.cases.forms import NumberField
from goodgov.core.thai_address import ascii_digits
from goodgov.performance import measures as m
from goodgov.performance import plans
from goodgov.performance.models import Indicator, IndicatorTarget, Period, Plan

THAI_HINT = _("In Thai. Required.")
BUDDHIST_ERA = _("Enter the fiscal year in the Buddhist era, from 2543 to 2743, for example 2570.")
ENGLISH_HINT = _("In English. Optional: the Thai text is shown when it is empty.")


class PlainDecimalField(forms.DecimalField):
    """``DecimalField`` reading numbers as the application form does (``NumberField``:
    commas only between thousands, Thai digits) and refusing what Python's ``Decimal``
    would take but nobody means (an exponent, "NaN", "Infinity"). Spaces inside are
    dropped ("1 250"), as people group digits so on a figure for a plan."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = re.sub(r"\s+", "", ascii_digits(str(value)))
        if not NumberField.DECIMAL.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text.replace(",", ""))


def _year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=_("Buddhist era, for example 2570 (October 2569 to September 2570)."),
        min_value=2543,
        max_value=2743,
        error_messages={
            "required": _("Enter the fiscal year."),
            "invalid": _("Enter the fiscal year as a number, for example 2570."),
            # most likely a Common Era year (2026 for 2569)
            "min_value": BUDDHIST_ERA,
            "max_value": BUDDHIST_ERA,
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )


def _figure_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    return PlainDecimalField(
        label=label,
        help_text=help_text,
        required=required,
        max_digits=16,
        decimal_places=4,
        error_messages={
            "required": _("Enter a number."),
            "invalid": _("Enter a number."),
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )


def _text(label: Any, *, thai: bool, long: bool = False, max_length: int = 500) -> forms.CharField:
    widget: forms.Widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput()
    return forms.CharField(
        label=label,
        help_text=THAI_HINT if thai else ENGLISH_HINT,
        required=thai,
        max_length=None if long else max_length,
        widget=widget,
        error_messages={"required": _("Enter the Thai text.")},
    )


class PlanForm(forms.Form):
    title_th = _text(_("Title of the plan (Thai)"), thai=True, max_length=300)
    title_en = _text(_("Title of the plan (English)"), thai=False, max_length=300)
    first_year = _year_field(_("First fiscal year"))
    last_year = _year_field(_("Last fiscal year"))
    vision_th = _text(_("Vision (Thai)"), thai=True, long=True)
    vision_en = _text(_("Vision (English)"), thai=False, long=True)
    mission_th = _text(_("Mission (Thai)"), thai=True, long=True)
    mission_en = _text(_("Mission (English)"), thai=False, long=True)

    @classmethod
    def initial_for(cls, plan: Plan) -> dict[str, Any]:
        return {
            "title_th": plan.title_th,
            "title_en": plan.title_en,
            "first_year": plans.be(plan.first_year),
            "last_year": plans.be(plan.last_year),
            "vision_th": plan.vision_th,
            "vision_en": plan.vision_en,
            "mission_th": plan.mission_th,
            "mission_en": plan.mission_en,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["first_year"] = plans.from_be(data["first_year"])
        data["last_year"] = plans.from_be(data["last_year"])
        return data


class ObjectiveForm(forms.Form):
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("The order in the plan. Leave empty to add it at the end."),
        error_messages={"invalid": _("Enter a whole number.")},
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    name_th = _text(_("Strategic objective (Thai)"), thai=True)
    name_en = _text(_("Strategic objective (English)"), thai=False)
    weight = PlainDecimalField(
        label=_("Weight"),
        help_text=_("How much this objective counts in the plan's overall progress."),
        max_digits=7,
        decimal_places=2,
        error_messages={"required": _("Enter the weight."), "invalid": _("Enter a number.")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
    )


MANUAL = ""


class IndicatorForm(forms.Form):
    name_th = _text(_("Indicator (Thai)"), thai=True)
    name_en = _text(_("Indicator (English)"), thai=False)
    kind = forms.ChoiceField(
        label=_("Kind of indicator"),
        choices=Indicator.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose output or outcome.")},
    )
    unit_th = _text(_("Unit (Thai)"), thai=True, max_length=60)
    unit_en = _text(_("Unit (English)"), thai=False, max_length=60)
    baseline = _figure_field(
        _("Baseline"), help_text=_("The value before the plan, which progress is measured from.")
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Indicator.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether higher or lower is better.")},
    )
    weight = PlainDecimalField(
        label=_("Weight"),
        help_text=_("How much this indicator counts in its objective's progress."),
        max_digits=7,
        decimal_places=2,
        error_messages={"required": _("Enter the weight."), "invalid": _("Enter a number.")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
    )
    measure = forms.ChoiceField(
        label=_("Where the values come from"),
        required=False,
        help_text=_(
            "A performance measure computed from the public ledger, or values entered by "
            "an officer with evidence and approved by another officer. A measure that is a "
            "share is counted as a percentage."
        ),
    )
    measure_service = forms.ChoiceField(
        label=_("Service measured"),
        required=False,
        help_text=_("Only for a performance measure."),
    )
    data_source_th = _text(_("Data source (Thai)"), thai=True, long=True)
    data_source_en = _text(_("Data source (English)"), thai=False, long=True)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("No owner"),
        help_text=_("The officer responsible, who is told when the indicator goes off track."),
    )

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from goodgov.catalogue.models import Service

        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(memberships__agency=agency, memberships__active=True)
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["measure"].choices = [  # type: ignore[attr-defined]
            (MANUAL, _("Entered by officers and approved by another officer")),
            *[(x.code, _MeasureLabel(x)) for x in m.MEASURES],
        ]
        self.fields["measure_service"].choices = [  # type: ignore[attr-defined]
            ("", _("All the agency's services")),
            *[
                (s.code, s.name or s.code)
                for s in Service.objects.filter(agency=agency).select_related("current")
            ],
        ]

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict[str, Any]:
        return {
            name: getattr(indicator, name)
            for name in (
                "name_th", "name_en", "kind", "unit_th", "unit_en", "baseline", "direction",
                "weight", "measure", "measure_service", "data_source_th", "data_source_en",
                "owner",
            )
        }  # fmt: skip


class _MeasureLabel:
    """A measure's name in the reader's language, with its code."""

    def __init__(self, measure: m.Measure) -> None:
        self.measure = measure

    def __str__(self) -> str:
        from goodgov.catalogue.models import localized

        return f"{localized(self.measure.name)} ({self.measure.code})"


class TargetsForm(forms.Form):
    """The targets of one indicator, for each period of each fiscal year of its plan."""

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        existing = {
            (t.fiscal_year, t.period): t.value
            for t in IndicatorTarget.objects.filter(indicator=indicator)
        }
        self.years: list[dict[str, Any]] = []
        for year in indicator.objective.plan.fiscal_years:
            names = []
            for period in plans.PERIODS:
                name = f"y{year}_{period}"
                label = _PeriodLabel(period)
                self.fields[name] = _figure_field(label, required=False)
                value = existing.get((year, period))
                if value is not None:
                    self.initial[name] = (
                        value.normalize() if value == value.to_integral() else value
                    )
                names.append(name)
            self.years.append({"year": year, "be": plans.be(year), "names": names})

    def year_groups(self) -> list[dict[str, Any]]:
        return [
            {"be": group["be"], "fields": [self[name] for name in group["names"]]}
            for group in self.years
        ]

    def targets(self) -> list[tuple[int, str, Decimal | None, str]]:
        """``(fiscal year, period, value or None, field name)`` for every field."""
        return [
            (group["year"], period, self.cleaned_data.get(name), name)
            for group in self.years
            for period, name in zip(plans.PERIODS, group["names"], strict=True)
        ]


class _PeriodLabel:
    def __init__(self, period: str) -> None:
        self.period = period

    def __str__(self) -> str:
        return str(Period(self.period).label)


class ValueForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"),
        coerce=int,
        error_messages={"required": _("Choose the fiscal year.")},
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=Period.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the period.")},
    )
    value = _figure_field(_("Value"))
    evidence_url = forms.URLField(
        label=_("Link to the evidence"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For example a report or data set published on the agency's website."),
        error_messages={"invalid": _("Enter a web address, for example https://…")},
    )
    evidence_note = forms.CharField(
        label=_("Evidence"),
        required=False,
        help_text=_("What the value is based on, and where the documents are kept."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [  # type: ignore[attr-defined]
            (str(year), str(plans.be(year))) for year in plan.fiscal_years
        ]


# Costs of services -------------------------------------------------------------------

WHOLE_YEAR = ""
#: The months of a Thai fiscal year, in its order (October to September).
FISCAL_MONTHS = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)


class _MonthLabel:
    """A month's name in the reader's language at the time the form is shown."""

    def __init__(self, month: int) -> None:
        self.month = month

    def __str__(self) -> str:
        from django.utils.translation import get_language

        from goodgov.core import thai

        names = thai.MONTHS_TH if (get_language() or "th").startswith("th") else thai.MONTHS_EN
        return names[self.month - 1]


class CostForm(forms.Form):
    """What one of the agency's services cost over a fiscal year or one of its months."""

    service = forms.ChoiceField(
        label=_("Service"), error_messages={"required": _("Choose the service.")}
    )
    fiscal_year = _year_field(_("Fiscal year"))
    month = forms.TypedChoiceField(
        label=_("Period"),
        help_text=_(
            "The whole fiscal year, or one month of it. A month's own cost replaces its "
            "twelfth of the year's."
        ),
        choices=[
            (WHOLE_YEAR, _("The whole fiscal year")),
            *[(month, _MonthLabel(month)) for month in FISCAL_MONTHS],
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    amount = PlainDecimalField(
        label=_("Cost in baht"),
        help_text=_(
            "Everything delivering the service cost the agency over the period: staff time, "
            "systems, premises and materials. For example 125000.50."
        ),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": _("Enter the cost in baht."),
            "invalid": _("Enter the cost in baht, for example 125000.50."),
            "min_value": _("Enter a cost of 0 or more."),
            "max_digits": _("Enter a cost from 0 to 999,999,999,999.99 baht."),
            "max_whole_digits": _("Enter a cost from 0 to 999,999,999,999.99 baht."),
            "max_decimal_places": _("Use at most two digits after the decimal point."),
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from goodgov.catalogue.models import Service

        self.services = {
            s.code: s for s in Service.objects.filter(agency=agency).select_related("current")
        }
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a service")),
            *[(code, s.name or code) for code, s in self.services.items()],
        ]

    def service_arguments(self) -> dict[str, Any]:
        from goodgov.performance import costs

        data = self.cleaned_data
        year = plans.from_be(data["fiscal_year"])
        month = data.get("month")
        return {
            "service": self.services[data["service"]],
            "period": (
                costs.fiscal_year_period(year) if month is None else costs.month_period(year, month)
            ),
            "amount": data["amount"],
        }
