"""Forms for the skills pages: they check the shape of what a person typed and name the field
at fault; the services decide what is allowed (a date in the future, a cross-organisation
pair without opt-in) and their errors are shown on the same fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from coopnet.common.forms import AmountField, set_choices
from coopnet.directory.forms import SkillField
from coopnet.directory.models import Person

LEVELS = [("", "Choose a level"), *((n, str(n)) for n in range(1, 6))]


def _skill_field() -> SkillField:
    return SkillField(help_text="A skill's name, e.g. Python; suggestions appear as you type.")


def _people(people: list[Person]) -> list[tuple[Any, str]]:
    return [("", "Choose a person"), *((p.pk, f"{p.name} ({p.organisation})") for p in people)]


class _PageForm(forms.Form):
    """One of several forms on the organisation's skills page: its fields' ids start with its
    own name ("wish-skill", "level-skill"), so that no id repeats on the page and each label
    names its own field."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class PlanForm(forms.Form):
    session_hours = AmountField(
        label="Hours per pairing",
        max_digits=8,
        decimal_places=2,
        initial=10,
        help_text="What one pairing costs its mentor: enough to raise a learner to level 3.",
    )


class OptInForm(_PageForm):
    id_prefix = "opt-in"
    opted_in = forms.BooleanField(
        required=False, label="Accept mentoring pairs with other organisations that opted in"
    )


class WishForm(_PageForm):
    id_prefix = "wish"
    person = forms.TypedChoiceField(coerce=int, label="Person")

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "person", _people(people))
        self.fields["skill"] = _skill_field()


class MentorHoursForm(_PageForm):
    id_prefix = "mentor-hours"
    person = forms.TypedChoiceField(coerce=int, label="Person")
    mentor_hours = AmountField(
        label="Mentoring hours",
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text="Private to your organisation. Leave empty for 10% of the person's free hours.",
    )

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "person", _people(people))


class SessionForm(_PageForm):
    id_prefix = "session"
    mentor = forms.TypedChoiceField(coerce=int, label="Mentor")
    learner = forms.TypedChoiceField(coerce=int, label="Learner")
    hours = AmountField(max_digits=8, decimal_places=2, label="Hours")
    date = forms.DateField(
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "mentor", _people(people))
        set_choices(self, "learner", _people(people))
        self.fields["skill"] = _skill_field()
        self.order_fields(["mentor", "learner", "skill", "hours", "date", "notes"])


class LevelChangeForm(_PageForm):
    id_prefix = "level"
    person = forms.TypedChoiceField(coerce=int, label="Person")
    level = forms.TypedChoiceField(choices=LEVELS, coerce=int, label="New level")

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "person", _people(people))
        self.fields["skill"] = _skill_field()
        self.order_fields(["person", "skill", "level"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
