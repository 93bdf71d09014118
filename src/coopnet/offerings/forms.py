"""Forms of the offerings pages: they check the shape of what was typed; the services decide
what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from coopnet.common.forms import AmountField, set_choices
from coopnet.directory.models import Organisation, Skill
from coopnet.offerings import selectors

UNKNOWN_SKILL = "No skill is named {text!r}: use names or ids from the network's skill list."
DAYS, WEEKS = "days", "weeks"
KIND_CHOICES = [("", "Any kind"), *Organisation.KINDS]


class BrowseForm(forms.Form):
    skill = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False, label="Kind of organisation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = selectors.offered_skills().values_list("slug", "name")
        set_choices(self, "skill", [("", "Any skill"), *skills])


class OrganisationSearchForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False)
    skill = forms.CharField(
        max_length=120, required=False, help_text="A skill's name or id: held or offered."
    )

    def clean_skill(self) -> str:
        text = str(self.cleaned_data.get("skill") or "").strip()
        return _skill_slugs(text)[0] if text else ""


def _skill_slugs(text: str) -> list[str]:
    """The slugs of the skills named (by name or id, any case) in comma-separated `text`."""
    slugs = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        found = Skill.objects.filter(Q(slug__iexact=part) | Q(name__iexact=part)).first()
        if found is None:
            raise forms.ValidationError(UNKNOWN_SKILL.format(text=part))
        slugs.append(found.slug)
    return slugs


class OfferingForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    skills = forms.CharField(
        max_length=2000,
        required=False,
        help_text="The skills it draws on, separated by commas (their names or ids).",
    )
    price_low = AmountField(
        min_value=0, max_digits=12, decimal_places=2, required=False, label="Price from"
    )
    price_high = AmountField(
        min_value=0, max_digits=12, decimal_places=2, required=False, label="Price up to"
    )
    size = forms.CharField(
        max_length=120, required=False, help_text="A typical size, e.g. “4–8 week projects”."
    )
    lead_time = forms.IntegerField(min_value=0, max_value=3650, required=False)
    lead_time_unit = forms.ChoiceField(
        choices=[(DAYS, "days"), (WEEKS, "weeks")], initial=WEEKS, label="Lead time in"
    )

    def clean_skills(self) -> list[str]:
        return _skill_slugs(str(self.cleaned_data.get("skills") or ""))

    def offering_fields(self) -> dict[str, Any]:
        """The cleaned data as the services take it (the lead time in days)."""
        data = dict(self.cleaned_data)
        lead, unit = data.pop("lead_time"), data.pop("lead_time_unit")
        data["lead_time_days"] = None if lead is None else lead * (7 if unit == WEEKS else 1)
        return data

    @staticmethod
    def initial_for(offering: Any) -> dict[str, Any]:
        weeks = offering.lead_time_weeks
        return {
            "name": offering.name,
            "description": offering.description,
            "skills": ", ".join(s.name for s in offering.skills.order_by("name")),
            "price_low": offering.price_low,
            "price_high": offering.price_high,
            "size": offering.size,
            "lead_time": weeks if weeks is not None else offering.lead_time_days,
            "lead_time_unit": WEEKS if weeks is not None else DAYS,
        }
