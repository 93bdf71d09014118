"""Forms for the skills pages: they check the shape of what a person typed and name the field
at fault; the services decide what is allowed (a date in the future, a cross-organisation
pair without opt-in) and their errors are shown on the same fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from coopnet.common.forms import AmountField
from coopnet.directory.forms import SkillField, SkillInput
from coopnet.directory.models import Person

LEVELS = [("", "Choose a level"), *((n, str(n)) for n in range(1, 6))]


def _skill_field() -> SkillField:
    return SkillField(help_text="A skill's name, e.g. Python; suggestions appear as you type.")


PERSON_UNKNOWN = "No one called {text!r} may be chosen here: pick a name the field suggests."
PERSON_AMBIGUOUS = (
    "Several people are called {text!r}: add their organisation in brackets, as the field "
    "suggests (“Ada Smith (Rowan Co-op)”)."
)


def person_label(person: Person) -> str:
    """How a person is typed and suggested: "Ada Smith (Rowan Co-op)"."""
    return f"{person.name} ({person.organisation.name})"


class PersonInput(SkillInput):
    """The skill field's text box and <datalist>, asking `search` for people's names."""

    def __init__(self, search: str) -> None:
        super().__init__({"placeholder": "Type a name"})
        self.search = search

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-skill-search"] = self.search
        return context


class PersonField(forms.Field):
    """A person typed by name, suggested as the name is typed (coopnet.js asks `search` for
    the matching names, so that no page lists a large organisation's every person), among
    `people` alone; "Name (Organisation)" tells apart namesakes. Cleans to the person's id."""

    def __init__(self, *, people: QuerySet[Person], search: str, **kwargs: Any) -> None:
        super().__init__(widget=PersonInput(search), **kwargs)
        self.people = people.select_related("organisation")
        self.search = search

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": "420"}

    def clean(self, value: Any) -> int | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        if text.isdigit() and self.people.filter(pk=int(text)).exists():
            return int(text)  # a script's id
        found = list(self.people.filter(name__iexact=text)[:2])
        name, _, rest = text.rpartition(" (")
        if not found and name and rest.endswith(")"):
            found = list(
                self.people.filter(name__iexact=name, organisation__name__iexact=rest[:-1])[:2]
            )
        if not found:
            raise forms.ValidationError(PERSON_UNKNOWN.format(text=text))
        if len(found) > 1:
            raise forms.ValidationError(PERSON_AMBIGUOUS.format(text=text))
        return found[0].pk

    def prepare_value(self, value: Any) -> Any:
        """The person's label for an id (initial data, or what a script sent)."""
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            person = self.people.filter(pk=int(value)).first()
            return person_label(person) if person else value
        return value


def _person_field(form: forms.Form, name: str, label: str, people: Any, search: str) -> None:
    form.fields[name] = PersonField(people=people, search=search, label=label)


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

    def __init__(self, *args: Any, people: QuerySet[Person], search: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _person_field(self, "person", "Person", people, search)
        self.fields["skill"] = _skill_field()


class MentorHoursForm(_PageForm):
    id_prefix = "mentor-hours"
    mentor_hours = AmountField(
        label="Mentoring hours",
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text="Private to your organisation. Leave empty for 10% of the person's free hours.",
    )

    def __init__(self, *args: Any, people: QuerySet[Person], search: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _person_field(self, "person", "Person", people, search)
        self.order_fields(["person", "mentor_hours"])


class SessionForm(_PageForm):
    id_prefix = "session"
    hours = AmountField(max_digits=8, decimal_places=2, label="Hours")
    date = forms.DateField(
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: QuerySet[Person], search: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _person_field(self, "mentor", "Mentor", people, search)
        _person_field(self, "learner", "Learner", people, search)
        self.fields["skill"] = _skill_field()
        self.order_fields(["mentor", "learner", "skill", "hours", "date", "notes"])


class LevelChangeForm(_PageForm):
    id_prefix = "level"
    level = forms.TypedChoiceField(choices=LEVELS, coerce=int, label="New level")

    def __init__(self, *args: Any, people: QuerySet[Person], search: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _person_field(self, "person", "Person", people, search)
        self.fields["skill"] = _skill_field()
        self.order_fields(["person", "skill", "level"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
