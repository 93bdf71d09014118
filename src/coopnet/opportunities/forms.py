"""Forms for the opportunity pages: they check the shape of what a person typed (numbers are
numbers, levels are 1 to 5, a skill comes from the taxonomy) and name the field at fault; the
services decide what is allowed (a deadline in the past, an amount of nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from coopnet.common.forms import AmountField, set_choices
from coopnet.common.money import network_currency
from coopnet.directory.forms import SkillField
from coopnet.directory.models import Organisation
from coopnet.opportunities.rules import MAX_REQUIREMENTS, NO_REQUIREMENTS

LEVEL_CHOICES = [("", "—"), *((n, str(n)) for n in range(1, 6))]
DECISIONS = [("accept", "Accept"), ("decline", "Decline")]


class OpportunityForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Organisation", help_text="The organisation posting it: one you administer."
    )
    title = forms.CharField(max_length=200)
    client = forms.CharField(max_length=200, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    value = AmountField(
        label="Value",
        max_digits=12,
        decimal_places=2,
        help_text="What the client pays for the whole piece of work.",
    )
    deadline = forms.DateField(
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].label = f"Value ({network_currency()})"
        set_choices(self, "organisation", [(o.slug, o.name) for o in organisations])
        if organisations:
            self.fields["organisation"].initial = organisations[0].slug


class OpportunityEditForm(OpportunityForm):
    """What an opportunity asks for, as its poster edits it: its organisation stays."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisations=[], **kwargs)
        del self.fields["organisation"]


class RequirementForm(forms.Form):
    skill = SkillField()
    min_level = forms.TypedChoiceField(
        label="Minimum level", choices=LEVEL_CHOICES, coerce=int, empty_value=None
    )
    hours = AmountField(max_digits=8, decimal_places=2)


class BaseRequirementFormSet(forms.BaseFormSet[RequirementForm]):
    """Rows left blank are ignored; at least one row must be filled in."""

    def clean(self) -> None:
        if not any(self.errors) and not self.filled():
            raise ValidationError(NO_REQUIREMENTS)

    def filled(self) -> list[RequirementForm]:
        """The rows that were filled in, in order: the service numbers them the same way."""
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]

    def requirements(self) -> list[dict[str, Any]]:
        return [
            {
                "skill": form.cleaned_data["skill"],
                "min_level": form.cleaned_data["min_level"],
                "hours": str(form.cleaned_data["hours"]),  # as typed, for its error message
            }
            for form in self.filled()
        ]


#: the most requirement rows an opportunity form takes: as many as the service accepts
MAX_ROWS = MAX_REQUIREMENTS
ROW_FIELDS = ("skill", "min_level", "hours")

RequirementFormSet = formset_factory(
    RequirementForm, formset=BaseRequirementFormSet, extra=4, max_num=MAX_ROWS, validate_max=True
)


def requirement_formset(
    data: Any = None, initial: list[dict[str, Any]] | None = None
) -> BaseRequirementFormSet:
    return _typed(RequirementFormSet(data, initial=initial, prefix="requirements"))


def _typed(formset: forms.BaseFormSet[RequirementForm]) -> BaseRequirementFormSet:
    assert isinstance(formset, BaseRequirementFormSet)
    return formset


def requirement_formset_grown(data: Any) -> BaseRequirementFormSet:
    """The rows as typed so far (not yet checked) and one more, for "Add a requirement row"."""
    try:
        count = int(data.get("requirements-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        count = 0
    count = max(0, min(count, MAX_ROWS - 1))
    rows = [
        {name: data.get(f"requirements-{n}-{name}", "") for name in ROW_FIELDS}
        for n in range(count)
    ]
    grown = formset_factory(
        RequirementForm, formset=BaseRequirementFormSet, extra=1, max_num=MAX_ROWS
    )
    return _typed(grown(initial=rows, prefix="requirements"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS)
    #: required with a decline (the service says so)
    reason = forms.CharField(required=False, strip=False)

    def accept(self) -> bool:
        return bool(self.cleaned_data["decision"] == "accept")
