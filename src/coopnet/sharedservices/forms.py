"""Forms for the shared-service pages: they check the shape of what was typed and name the
field at fault; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from coopnet.common.forms import AmountField
from coopnet.sharedservices.models import SharedService

MONEY_ERRORS = ("invalid", "min_value", "max_digits", "max_whole_digits", "max_decimal_places")
MONEY = "An amount of money, 0 or more, to the cent at most."
HOURS = "A number of hours, 0 or more, in hundredths at most."
UNITS = "A whole number of members, at least 1."


def _money(label: str, help_text: str, required: bool = True) -> forms.DecimalField:
    return AmountField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=required,
        error_messages=dict.fromkeys(MONEY_ERRORS, MONEY),
    )


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=SharedService.KINDS, initial=SharedService.OTHER)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    fixed_cost = _money("Fixed cost a month", "Paid once a month as soon as anyone is enrolled.")
    per_member_cost = _money("Cost per member a month", "Paid a month for every member.")
    unit_cost = _money(
        "Cost of one unit a month",
        "One specialist (or licence, or machine) serving up to the number of members below.",
    )
    members_per_unit = forms.IntegerField(
        label="Members one unit serves",
        help_text="Beyond this, a second unit is needed, and so on.",
        min_value=1,
        max_value=1000,
        initial=1,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), UNITS),
    )


class EnrolmentForm(forms.Form):
    hours_alone = AmountField(
        label="Billable hours a month it takes you",
        help_text="The hours your people spend on it now, which pooling gives back.",
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        error_messages=dict.fromkeys(MONEY_ERRORS, HOURS),
    )
    rate = _money(
        "Their rate an hour",
        "Leave blank for your people's average cost rate, from the directory.",
        required=False,
    )
    tools_cost = _money(
        "Tools and subscriptions a month", "What you pay for it besides your time.", required=False
    )
    alone_cost = _money(
        "What going alone costs you a month",
        "Leave blank and coopnet works it out: the hours at the rate, plus tools. Only your "
        "organisation and the network's coordinator see it.",
        required=False,
    )
