"""A page of the directory's search results as HTML, written in Python rather than as a
template loop: rendering it was a new search's largest cost (the rows' names, links and
skills, 25 times). What anyone may see of the people found: names, organisations and skills."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from django.core.paginator import Page
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from coopnet.directory.search_sql import FoundPerson
from coopnet.directory.templatetags.skills import skills_html

_HEAD = (
    '<thead><tr><th scope="col">Name</th><th scope="col">Organisation</th>'
    '<th scope="col">Skills (level 1–5)</th></tr></thead>'
)
#: a slug the profile's address is made with, to put each organisation's own in its place
_SLUG = "coopnet-slug"


def found_html(
    page: Page[Any],
    people: Sequence[FoundPerson],
    searched: str | None,
    limit: int,
    pages: str,
) -> SafeString:
    """How many were found and, if any, the table of `people` (page `page` of them: a page of
    a paginator over no more than `limit`), the `searched` skill marked on each row, followed
    by `pages` (the HTML of the links to the other pages)."""
    count = f'<p class="count">{_count_text(page, limit)}</p>\n'
    if not people:
        return mark_safe(count)  # numbers and fixed text
    before, _, after = reverse("directory:profile", args=[_SLUG]).rpartition(_SLUG)
    rows = "".join(
        f"<tr><td>{escape(person.name)}</td>"
        f'<td><a href="{escape(before + person.organisation_slug + after)}">'
        f"{escape(person.organisation_name)}</a></td>"
        f"<td>{skills_html(person.skills, searched)}</td>"
        "</tr>\n"
        for person in people
    )
    # every value in it escaped above; `pages` is the caller's HTML
    return mark_safe(
        f'{count}<table class="data">\n{_HEAD}\n<tbody>\n{rows}</tbody>\n</table>\n{pages}'
    )


def _count_text(page: Page[Any], limit: int) -> str:
    count = page.paginator.count
    if not count:
        return "No one found."
    if count == 1:
        return "1 person found."
    shown = f"People {_number(page.start_index())}–{_number(page.end_index())}"
    if count >= limit:
        return f"{shown} of the first {_number(limit)} found: narrow the search to see any others."
    return f"{shown} of {_number(count)} found."


def _number(value: int) -> str:
    """`value` as the template filter `floatformat:"0g"` shows it: grouped in thousands, as
    the language of the request writes them."""
    return number_format(value, 0, use_l10n=True, force_grouping=True)
