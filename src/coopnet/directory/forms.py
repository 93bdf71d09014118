"""Forms for the directory pages: they check the shape of what a person typed (numbers are
numbers, levels are 1 to 5) and name the field at fault; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.forms import BoundField, formset_factory
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from coopnet.common.forms import AmountField
from coopnet.directory import selectors
from coopnet.directory.models import Membership, Organisation, Skill
from coopnet.directory.services import UNKNOWN_SKILL

LEVELS = [(n, str(n)) for n in range(1, 6)]
LEVEL_CHOICES = [("", "—"), *LEVELS]
SKILL_NEEDS_LEVEL = "Choose a level from 1 to 5 for this skill."
LEVEL_NEEDS_SKILL = "Choose the skill this level is for."
SKILL_TWICE = "{slug} is listed twice: give each skill once."
SKILL_ENTRY = "Write skills as skill:level pairs separated by ';', e.g. python:4;ux-design:2."
SKILL_LEVEL = "The level of {slug} must be a whole number from 1 to 5 (got {level!r})."
SKILL_AMBIGUOUS = (
    "{text!r} is the name of several skills: type the id of the one you mean ({slugs})."
)


def hours_field(**kwargs: Any) -> forms.DecimalField:
    return AmountField(
        min_value=0, max_digits=8, decimal_places=2, label="Hours available", **kwargs
    )


def rate_field(**kwargs: Any) -> forms.DecimalField:
    return AmountField(
        min_value=0, max_digits=12, decimal_places=2, label="Cost rate (per hour)", **kwargs
    )


class SkillInput(forms.TextInput):
    """A text box for a skill's name, with its own (empty) <datalist>: coopnet.js fills the
    list from `directory:skill_search` as the person types, so that no page carries the whole
    taxonomy. Without script, the typed name or slug is resolved when the form is sent."""

    template_name = "directory/widgets/skill_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"autocomplete": "off", "placeholder": "Type a skill's name"}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        options = f"{widget['attrs'].get('id') or name}-options"
        widget["attrs"] |= {"list": options, "data-skill-search": reverse("directory:skill_search")}
        widget["options_id"] = options
        return context


class SkillField(forms.CharField):
    """A skill typed by its name or slug, in any case; cleans to the skill's slug (or "" when
    left empty and not required), and shows a chosen skill by its name."""

    widget = SkillInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("label", "Skill")
        super().__init__(**kwargs)
        self._labels: dict[str, str] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> SkillField:
        # Field.__deepcopy__ (missing from django-stubs) copies shallowly: each form gets its
        # own labels, never shared between requests
        copied = cast(SkillField, super().__deepcopy__(memo))  # type: ignore[misc]
        copied._labels = {}
        return copied

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        found = selectors.skills_named(text)
        skill = _resolved(text, found)
        if text.lower() == skill.name.lower():  # the name was typed: `found` tells its label
            label = skill.name if [s.pk for s in found] == [skill.pk] else skill.slug
        else:
            label = skill_labels([skill])[skill.slug]
        self._labels[text.lower()] = self._labels[skill.slug] = label
        return skill.slug

    def prepare_value(self, value: Any) -> Any:
        """The skill's name for a slug (from the initial data or as typed); other text as typed."""
        if not isinstance(value, str) or not value.strip():
            return value
        key = value.strip().lower()
        if key not in self._labels:
            try:
                skill = skill_resolve(value)
            except forms.ValidationError:
                self._labels[key] = value
            else:
                self._labels[key] = skill_labels([skill])[skill.slug]
        return self._labels[key]

    def remember(self, labels: dict[str, str]) -> None:
        """Take the labels of skills by slug (`skill_labels`) known already."""
        self._labels |= {slug.lower(): label for slug, label in labels.items()}


def skill_resolve(text: str) -> Skill:
    """The skill `text` names: its slug or its name, in any case; a slug wins over another
    skill's name. ValidationError naming `text` if no skill or several answer to it."""
    return _resolved(text, selectors.skills_named(text))


def _resolved(text: str, found: list[Skill]) -> Skill:
    if not found:
        raise forms.ValidationError(UNKNOWN_SKILL.format(slug=text), code="unknown")
    if len(found) > 1 and found[0].slug.lower() != text.strip().lower():
        slugs = ", ".join(skill.slug for skill in found)
        raise forms.ValidationError(
            SKILL_AMBIGUOUS.format(text=text, slugs=slugs), code="ambiguous"
        )
    return found[0]


def skill_labels(skills: list[Skill]) -> dict[str, str]:
    """{slug: what a skill field shows} for `skills`, in one query: a skill's name, or its
    slug if the name would not resolve back to it alone (another skill has the same name, or
    that name as its slug)."""
    named = selectors.skills_named_any(skill.name for skill in skills)
    return {
        skill.slug: skill.name
        if named.get(skill.name.strip().lower()) == [skill.pk]
        else skill.slug
        for skill in skills
    }


class RememberedField(BoundField):
    """A field whose HTML (its label, help text, errors and input) is rendered once per process
    for each value it shows and each set of errors, on which alone it depends: the directory's
    search form is shown with every search, new or not, and the form renderer took longer
    than the search's own work. The skill field shows a skill by its name: a rename changes
    the value shown, and so the HTML remembered for it."""

    def as_field_group(self) -> SafeString:
        errors = tuple(str(error) for error in self.errors)
        key = (type(self.form), self.name, repr(self.value()), errors, get_language())
        html = _FIELDS_SHOWN.get(key)
        if html is None:
            if len(_FIELDS_SHOWN) >= FIELDS_REMEMBERED:
                _FIELDS_SHOWN.clear()
            html = _FIELDS_SHOWN[key] = super().as_field_group()
        return html


#: how many fields' HTML a process remembers (`RememberedField`): all are forgotten at once
#: when it has that many (the search form's fields show about as many values as the taxonomy
#: has skills, and as many names as people type)
FIELDS_REMEMBERED = 4096
_FIELDS_SHOWN: dict[tuple[Any, ...], SafeString] = {}


class SearchForm(forms.Form):
    bound_field_class = RememberedField

    skill = SkillField(
        required=False, help_text="A skill's name, e.g. Python; suggestions appear as you type."
    )
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
    skill = SkillField(required=False)
    level = forms.TypedChoiceField(
        choices=LEVEL_CHOICES, coerce=int, required=False, empty_value=None
    )

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
    """The skill rows, with `levels` ({slug: level}) as their initial values, shown by name
    (two queries for them all)."""
    initial = [{"skill": slug, "level": level} for slug, level in (levels or {}).items()]
    formset = SkillFormSet(data, initial=initial, prefix="skills")
    assert isinstance(formset, BaseSkillFormSet)
    if levels:
        labels = skill_labels(selectors.skills_by_slug(levels))
        for form in formset.forms:
            field = form.fields["skill"]
            assert isinstance(field, SkillField)
            field.remember(labels)
    return formset


class DescribeForm(forms.Form):
    """How an organisation describes itself (`services.organisation_describe`)."""

    kind = forms.ChoiceField(choices=Organisation.KINDS)
    location = forms.CharField(max_length=120, required=False, help_text="Town or region.")
    website = forms.URLField(max_length=200, required=False, assume_scheme="https")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    public = forms.BooleanField(
        required=False,
        label="Public profile",
        help_text="Anyone, signed in or not, may see the name, kind, location, website, "
        "description and offerings. People, their rates and hours are never shown.",
    )


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
