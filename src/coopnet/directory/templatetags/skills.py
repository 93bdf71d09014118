"""`{% skill_list skills searched %}`: a person's skills, highest level first, the searched one
marked. Written in Python rather than as a template loop: the directory's results and the
profiles show it on every row, and it was most of their pages' time."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NONE_LISTED = mark_safe('<span class="muted">none listed</span>')
_MATCH = ' class="match"'


def _named(held: Any) -> tuple[str, str, int]:
    """(slug, name, level) of a `selectors.HeldSkill` or a `PersonSkill`."""
    skill = getattr(held, "skill", held)
    return skill.slug, skill.name, held.level


@register.simple_tag
def skill_list(skills: Iterable[Any], searched: str | None = None) -> SafeString:
    return skills_html((_named(s) for s in skills), searched)


def skills_html(held: Iterable[tuple[str, str, int]], searched: str | None = None) -> SafeString:
    """`skill_list` of (slug, name, level) triples. Escaped by the standard library's
    `html.escape`, as Django's `escape` does, without its lazy-text wrapper around each call:
    a page of results calls it some hundred times."""
    ordered = sorted(held, key=lambda s: (-s[2], s[1]))
    if not ordered:
        return NONE_LISTED
    items = "".join(
        f"<li{_MATCH if slug == searched else ''}>{escape(str(name))} "
        f'<span class="level" title="level {level:d} of 5">{level:d}</span></li>'
        for slug, name, level in ordered
    )
    return mark_safe(f'<ul class="skills">{items}</ul>')  # escaped above
