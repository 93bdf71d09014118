"""The front door's form: it checks the shape of what the client typed; the services decide
what is allowed (a deadline after today, a known skill)."""

from __future__ import annotations

from typing import Any

from django import forms

from coopnet.common.forms import AmountField
from coopnet.common.money import network_currency
from coopnet.directory.forms import SkillField

#: the skill boxes the form offers (the service takes up to `services.MAX_SKILLS`)
SKILL_BOXES = 4
#: the honeypot: a field hidden from people and from assistive technology, that only a robot
#: fills in (its name is one robots like)
HONEYPOT = "website"


class ClientRequestForm(forms.Form):
    organisation = forms.CharField(max_length=200, label="Your organisation")
    contact_name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(max_length=254, label="E-mail")
    phone = forms.CharField(max_length=40, required=False, label="Telephone (optional)")
    needs = forms.CharField(
        label="What you need",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The work, its users, anything already in place.",
    )
    budget = AmountField(
        min_value=0, max_digits=12, decimal_places=2, required=False, label="Rough budget"
    )
    deadline = forms.DateField(
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="When the work should be done.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget"].label = f"Rough budget ({network_currency()}, optional)"
        for n in range(1, SKILL_BOXES + 1):
            self.fields[f"skill_{n}"] = SkillField(required=False, label=f"Skill {n}")
        self.fields[HONEYPOT] = forms.CharField(
            required=False,
            label="Leave this empty",
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    @staticmethod
    def honeypot_filled(data: Any) -> bool:
        return bool(str(data.get(HONEYPOT, "")).strip())

    def skill_fields(self) -> list[forms.BoundField]:
        return [self[f"skill_{n}"] for n in range(1, SKILL_BOXES + 1)]

    def request_fields(self) -> dict[str, Any]:
        """The cleaned data as the service takes it."""
        data = self.cleaned_data
        skills = [data[f"skill_{n}"] for n in range(1, SKILL_BOXES + 1) if data[f"skill_{n}"]]
        names = ("organisation", "contact_name", "email", "phone", "needs", "deadline")
        budget = data["budget"]
        return {**{n: data[n] for n in names}, "skills": skills,
                "budget": None if budget is None else str(budget)}  # fmt: skip


class PassForm(forms.Form):
    organisations = forms.MultipleChoiceField(label="Pass to", widget=forms.CheckboxSelectMultiple)
