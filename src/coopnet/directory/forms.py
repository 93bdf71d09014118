"""Forms for the directory pages: they check the shape of what a person typed (numbers are
numbers, levels are 1 to 5) and name the field at fault; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import formset_factory

from coopnet.common.forms import AmountField, set_choices
from coopnet.directory.models import Membership, Skill
from coopnet.directory.services import UNKNOWN_SKILL

LEVELS = [(n, str(n)) for n in range(1, 6)]
LEVEL_CHOICES = [("", "—"), *LEVELS]
SKILL_NEEDS_LEVEL = "Choose a level from 1 to 5 for this skill."
LEVEL_NEEDS_SKILL = "Choose the skill this level is for."
SKILL_TWICE = "{slug} is listed twice: give each skill once."
SKILL_ENTRY = "Write skills as skill:level pairs separated by ';', e.g. python:4;ux-design:2."
SKILL_LEVEL = "The level of {slug} must be a whole number from 1 to 5 (got {level!r})."


def hours_field(**kwargs: Any) -> forms.DecimalField:
    return AmountField(
        min_value=0, max_digits=8, decimal_places=2, label="Hours available", **kwargs
    )


def rate_field(**kwargs: Any) -> forms.DecimalField:
    return AmountField(
        min_value=0, max_digits=12, decimal_places=2, label="Cost rate (per hour)", **kwargs
    )


def skill_choices() -> list[tuple[str, Any]]:
    """The taxonomy for a <select>, grouped by family."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for skill in Skill.objects.only("slug", "name", "family").order_by("family", "name"):
        groups.setdefault(skill.family or "other", []).append((skill.slug, skill.name))
    return [("", "Any skill"), *sorted(groups.items())]


class SearchForm(forms.Form):
    skill = forms.ChoiceField(required=False)
    min_level = forms.TypedChoiceField(
        choices=LEVELS, coerce=int, required=False, empty_value=None, label="Minimum level"
    )
    min_hours = AmountField(
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
        label="Minimum free hours",
        help_text=(
            "Exact for your own organisation's people; other organisations' people are "
            "matched by bands of free hours (at least 0, 10, 40, 100 or 200), since their "
            "hours are private."
        ),
    )
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Name",
        help_text="Part of a person's or an organisation's name.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "skill", skill_choices())

    def search_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "skill": data["skill"] or None,
            "min_level": data["min_level"] or 1,
            "min_hours": data["min_hours"],
            "name": data["name"] or None,
        }


class PersonForm(forms.Form):
    """What an organisation admin edits about a person."""

    name = forms.CharField(max_length=200)
    hours_available = hours_field(initial=0)
    cost_rate = rate_field(initial=0)


class OwnHoursForm(forms.Form):
    """What a member may change about themselves: their hours (and skills, in the formset)."""

    hours_available = hours_field()


class SkillLevelForm(forms.Form):
    skill = forms.CharField(
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"list": "skill-options", "autocomplete": "off"}),
    )
    level = forms.TypedChoiceField(
        choices=LEVEL_CHOICES, coerce=int, required=False, empty_value=None
    )

    def clean_skill(self) -> str:
        """The skill's slug; people may also type its name, in any case."""
        text = self.cleaned_data["skill"]
        if not text:
            return ""
        named = Q(slug__iexact=text) | Q(name__iexact=text)
        slug = Skill.objects.filter(named).values_list("slug", flat=True).first()
        if slug is None:
            raise forms.ValidationError(UNKNOWN_SKILL.format(slug=text))
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        skill, level = data.get("skill"), data.get("level")
        if skill and level is None and "level" not in self.errors:
            self.add_error("level", SKILL_NEEDS_LEVEL)
        if level is not None and not skill:
            self.add_error("skill", LEVEL_NEEDS_SKILL)
        return data


class BaseSkillFormSet(forms.BaseFormSet["SkillLevelForm"]):
    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            slug = form.cleaned_data.get("skill")
            if not slug or form.cleaned_data.get("DELETE"):
                continue
            if slug in seen:
                form.add_error("skill", SKILL_TWICE.format(slug=slug))
            seen.add(slug)

    def levels(self) -> dict[str, int]:
        """{skill slug: level} of the rows kept."""
        return {
            form.cleaned_data["skill"]: form.cleaned_data["level"]
            for form in self.forms
            if form.cleaned_data.get("skill") and not form.cleaned_data.get("DELETE")
        }

    def add_skill_error(self, slug: str, message: str) -> None:
        """Put a service's error about `slug` on the row that names it."""
        for form in self.forms:
            if form.cleaned_data.get("skill") == slug:
                form.add_error("skill", message)
                return
        self._non_form_errors.append(message)  # type: ignore[attr-defined]


SkillFormSet = formset_factory(SkillLevelForm, formset=BaseSkillFormSet, extra=3, can_delete=True)


def skill_formset(data: Any = None, levels: dict[str, int] | None = None) -> BaseSkillFormSet:
    initial = [{"skill": slug, "level": level} for slug, level in (levels or {}).items()]
    formset = SkillFormSet(data, initial=initial, prefix="skills")
    assert isinstance(formset, BaseSkillFormSet)
    return formset


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Membership.ROLES, initial=Membership.MEMBER)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="People file",
        help_text="A CSV file (name, hours_available, cost_rate, skills) or a network JSON file.",
    )


def parse_skills(text: str) -> dict[str, int]:
    """'python:4;ux-design:2' → {'python': 4, 'ux-design': 2}; ValidationError if malformed.

    >>> parse_skills(" python:4 ; ux-design:2;")
    {'python': 4, 'ux-design': 2}
    """
    levels: dict[str, int] = {}
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        slug, colon, level = (piece.strip() for piece in entry.partition(":"))
        if not colon or not slug:
            raise forms.ValidationError(SKILL_ENTRY)
        if slug in levels:
            raise forms.ValidationError(SKILL_TWICE.format(slug=slug))
        levels[slug] = _level(slug, level)
    return levels


def _level(slug: str, text: str) -> int:
    try:
        level = Decimal(text)
    except ArithmeticError:
        level = Decimal("NaN")
    if not level.is_finite() or level != level.to_integral_value() or not 1 <= level <= 5:
        raise forms.ValidationError(SKILL_LEVEL.format(slug=slug, level=text))
    return int(level)


class PersonRowForm(forms.Form):
    """One imported row (CSV or JSON), checked field by field before anything is saved."""

    name = forms.CharField(max_length=200)
    hours_available = hours_field()
    cost_rate = rate_field()
    skills = forms.CharField(required=False, strip=True)

    def __init__(self, *args: Any, known_skills: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_skills = known_skills

    def clean_skills(self) -> dict[str, int]:
        levels = parse_skills(self.cleaned_data.get("skills") or "")
        unknown = sorted(set(levels) - self.known_skills)
        if unknown:
            raise forms.ValidationError(UNKNOWN_SKILL.format(slug=unknown[0]))
        return levels
