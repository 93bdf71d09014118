"""Forms for the coordinator's pages: they check the shape of what was typed and name the field
at fault; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from coopnet.common.forms import AmountField
from coopnet.directory.models import NetworkSettings, Organisation

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

    percent = AmountField(
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


AMOUNT = "An amount of money from 0, to the cent."
AMOUNT_ERRORS = dict.fromkeys(PERCENT_ERRORS, AMOUNT)


def _amount(label: str, help_text: str = "") -> forms.DecimalField:
    return AmountField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages=AMOUNT_ERRORS,
    )


class PolicyForm(CommissionForm):
    """The commission policy (rate x value + flat, within a minimum and a maximum), the
    finder's fee and the exemptions; empty amounts are none (0, or no maximum)."""

    flat = _amount("Flat amount added to the commission")
    minimum = _amount("Minimum commission")
    maximum = _amount("Maximum commission", "Empty: no maximum.")
    finder_percent = AmountField(
        label="Finder's fee (% of the value)",
        help_text="Paid to the organisation that brought the client, partner or not. Give a "
        "percentage or a flat fee, not both.",
        required=False,
        min_value=0,
        max_value=50,
        max_digits=4,
        decimal_places=2,
        error_messages=dict.fromkeys(PERCENT_ERRORS, COMMISSION_PERCENT),
    )
    finder_flat = _amount("Finder's fee (flat amount)")
    free_contracts = forms.IntegerField(
        label="Commission-free consortia per organisation",
        help_text="An organisation's first consortia formed as a poster carry no commission.",
        required=False,
        min_value=0,
        max_value=1000,
    )
    exempt = forms.ModelMultipleChoiceField(
        label="Organisations exempt from the commission",
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def policy(self) -> dict[str, Any]:
        """The services' arguments (`network_commission_policy_set`) from the cleaned form."""
        data = self.cleaned_data
        finder = data["finder_percent"]
        return {
            "commission": self.fraction(),
            "commission_flat": data["flat"] or 0,
            "commission_min": data["minimum"] or 0,
            "commission_max": data["maximum"],
            "finder_rate": Decimal(finder or 0) / 100,
            "finder_flat": data["finder_flat"] or 0,
            "commission_free_contracts": data["free_contracts"] or 0,
            "commission_exempt": [o.slug for o in data["exempt"]],
        }


#: the services' field names to the policy form's
POLICY_FIELDS = {
    "commission": "percent",
    "commission_flat": "flat",
    "commission_min": "minimum",
    "commission_max": "maximum",
    "finder_rate": "finder_percent",
    "commission_free_contracts": "free_contracts",
    "commission_exempt": "exempt",
}


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


def policy_initial(row: NetworkSettings, percent: str) -> dict[str, Any]:
    """The policy form's initial values: the network's policy as it is."""
    return {
        "percent": percent,
        "flat": row.commission_flat,
        "minimum": row.commission_min,
        "maximum": row.commission_max,
        "finder_percent": f"{(Decimal(row.finder_rate) * 100).normalize():f}",
        "finder_flat": row.finder_flat,
        "free_contracts": row.commission_free_contracts,
        "exempt": [o.slug for o in row.commission_exempt.all()] if row.pk else [],
    }
