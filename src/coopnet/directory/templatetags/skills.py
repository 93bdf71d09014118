"""`{% skill_list skills searched %}`: a person's skills, highest level first, the searched one
marked. Written in Python rather than as a template loop: the directory's results and the
profiles show it on every row, and it was most of their pages' time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NONE_LISTED = mark_safe('<span class="muted">none listed</span>')


def _named(held: Any) -> tuple[str, str, int]:
    """(slug, name, level) of a `selectors.HeldSkill` or a `PersonSkill`."""
    skill = getattr(held, "skill", held)
    return skill.slug, skill.name, held.level


@register.simple_tag
def skill_list(skills: Iterable[Any], searched: str | None = None) -> SafeString:
    held = sorted((_named(s) for s in skills), key=lambda s: (-s[2], s[1]))
    if not held:
        return NONE_LISTED
    items = format_html_join(
        "",
        '<li{}>{} <span class="level" title="level {} of 5">{}</span></li>',
        (
            (mark_safe(' class="match"') if slug == searched else "", name, level, level)
            for slug, name, level in held
        ),
    )
    return format_html('<ul class="skills">{}</ul>', items)
