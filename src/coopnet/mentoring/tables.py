"""The skills tables of the skills pages, a page at a time: the taxonomy has hundreds of skills,
and a page shows `PER_PAGE` of them, chosen by what they are (demanded, at risk, any) and by a
part of their name (`?show=`, `?q=`, `?page=`). Bad values fall back to the defaults."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from coopnet.mentoring.selectors import SkillRow

PER_PAGE = 50
#: the longest name filter kept (a skill's name is shorter)
QUERY_LIMIT = 100

SHOWS: dict[str, tuple[str, Callable[[SkillRow], bool]]] = {
    "demanded": ("Demanded skills", lambda row: row.demanded),
    "at-risk": ("Skills at risk", lambda row: row.at_risk),
    "all": ("All skills", lambda row: True),
}


@dataclass(frozen=True)
class SkillTable:
    page: Page  # type: ignore[type-arg]
    query: str
    show: str
    #: how many skills the choice holds, on every page
    count: int

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _) in SHOWS.items()]

    @property
    def label(self) -> str:
        return SHOWS[self.show][0]


def choice(request: HttpRequest, default: str) -> tuple[str, str]:
    """The name filter and the kind of skills that the request asks for, normalised."""
    query = " ".join(str(request.GET.get("q", "")).split())[:QUERY_LIMIT]
    show = str(request.GET.get("show", default))
    return query, show if show in SHOWS else default


def chosen_rows(rows: Sequence[SkillRow], query: str, show: str) -> list[SkillRow]:
    """The `rows` of kind `show` whose name or slug has `query` (`choice`)."""
    chosen, wanted = SHOWS[show][1], query.casefold()
    return [r for r in rows if chosen(r) and (wanted in r.name.casefold() or wanted in r.slug)]


def skill_table(request: HttpRequest, rows: Sequence[SkillRow], default: str) -> SkillTable:
    """The page of `rows` that the request asks for (`default`: what to show unless asked)."""
    query, show = choice(request, default)
    found = chosen_rows(rows, query, show)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return SkillTable(page, query, show, len(found))


def counted_table(request: HttpRequest, count: int, query: str, show: str) -> SkillTable:
    """The table of `skill_table` for the `count` rows chosen, without them: its page numbers
    and counts, for the filter and the pager (the rows are drawn elsewhere)."""
    page = Paginator(range(count), PER_PAGE).get_page(request.GET.get("page"))
    return SkillTable(page, query, show, count)
