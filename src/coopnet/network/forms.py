"""Forms for the coordinator's pages: they check the shape of what was typed and name the field
at fault; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from django import forms

PERCENT_ERRORS = (
    "invalid",
    "min_value",
    "max_value",
    "max_digits",
    "max_whole_digits",
    "max_decimal_places",
)
COMMISSION_PERCENT = "A percentage of each opportunity's value from 0 to 50, in hundredths."


class CommissionForm(forms.Form):
    """The commission as a percentage; the services store it as a fraction (5% is 0.05)."""

    percent = forms.DecimalField(
        label="Commission (% of each opportunity's value)",
        help_text="From 0 to 50. Applies to opportunities posted from now on; those already "
        "posted keep the commission they were posted with.",
        min_value=0,
        max_value=50,
        max_digits=4,
        decimal_places=2,
        error_messages=dict.fromkeys(PERCENT_ERRORS, COMMISSION_PERCENT),
    )

    def fraction(self) -> Decimal:
        return Decimal(self.cleaned_data["percent"]) / 100


class AdmitForm(forms.Form):
    name = forms.CharField(max_length=200, label="Organisation's name")
    slug = forms.SlugField(
        max_length=80,
        label="Short name",
        help_text="For its web address: lower-case letters, digits and hyphens.",
    )
    admin_email = forms.EmailField(
        label="Email of its first admin",
        help_text="They get an email with a link to choose their password and join.",
    )
