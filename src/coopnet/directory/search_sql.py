"""The directory's search in SQL written once: the search page and the people API ask it
thousands of different questions, and the ORM took longer to build each one's queries (and to
read their rows) than the database took to answer them. `selectors.directory_search` states the
same search as a queryset; each condition here is one of its filters, and the tests hold the
two to the same answers.

A search is made ready once (`prepared`: the skill's id, and the ids of the people and
organisations a name matches, looked up first as the selector does), then asked how many it
finds, up to a cap, and for a page of people as plain rows (`FoundPerson`: what anyone signed in
may see of them, as `selectors.PublicPerson` says it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connections, router

from coopnet.common.access import User
from coopnet.directory import selectors
from coopnet.directory.models import Membership, Organisation, Person, PersonSkill, Skill

PERSON = Person._meta.db_table
ORGANISATION = Organisation._meta.db_table
HELD = PersonSkill._meta.db_table
SKILL = Skill._meta.db_table
MEMBERSHIP = Membership._meta.db_table


class FoundSkill(NamedTuple):
    slug: str
    name: str
    level: int


class FoundPerson(NamedTuple):
    """What anyone signed in may see of a person found: name, organisation and skills."""

    pk: int
    name: str
    organisation_slug: str
    organisation_name: str
    #: highest level first, then by name
    skills: tuple[FoundSkill, ...]


#: the organisation's row, joined when a condition or the page reads it
_JOIN = f' INNER JOIN "{ORGANISATION}" o ON (p."organisation_id" = o."id")'


@dataclass(frozen=True)
class Search:
    """A directory search ready to run on database `alias`: its conditions on people `p`
    (and their organisation `o` when `joined`) and their values; `where` None when no one can
    match (an unknown skill, a name no one has)."""

    alias: str
    where: str | None
    params: tuple[Any, ...] = ()
    joined: bool = False

    def count(self, at_most: int) -> int:
        """How many people it finds, counting no more than `at_most` (the count of a common
        skill's holders reads no more rows than that, whatever their number)."""
        if self.where is None:
            return 0
        join = _JOIN if self.joined else ""
        sql = (
            f'SELECT COUNT(*) FROM (SELECT 1 FROM "{PERSON}" p{join} WHERE {self.where} '
            "LIMIT %s) capped"
        )
        return int(_rows(self.alias, sql, [*self.params, at_most])[0][0])

    def people(self, offset: int, limit: int) -> list[FoundPerson]:
        """`limit` people from `offset`, in the directory's order (by organisation, then
        name), each with their skills (highest level first, then by name)."""
        if self.where is None:
            return []
        sql = (
            f'SELECT p."id", p."name", o."slug", o."name" FROM "{PERSON}" p{_JOIN} '
            f'WHERE {self.where} ORDER BY o."name" ASC, p."name" ASC LIMIT %s OFFSET %s'
        )
        rows = _rows(self.alias, sql, [*self.params, limit, offset])
        held = _skills_held(self.alias, [row[0] for row in rows])
        return [
            FoundPerson(pk, name, org_slug, org_name, held.get(pk, ()))
            for pk, name, org_slug, org_name in rows
        ]


def prepared(
    user: User,
    *,
    skill: str | None = None,
    min_level: int = 1,
    min_hours: Decimal | None = None,
    name: str | None = None,
) -> Search:
    """`selectors.directory_search(user, ...)` ready to count and page through: who can do
    `skill` at `min_level` (1 to 5, else a ValidationError) or above, with at least
    `min_hours` free (exactly among `user`'s own organisations' people, by public band for
    everyone else's), whose name or organisation's name contains `name`."""
    selectors.check_min_level(min_level)
    alias = router.db_for_read(Person)
    conditions: list[str] = []
    params: list[Any] = []
    joined = False
    if skill:
        found = _rows(alias, f'SELECT "id" FROM "{SKILL}" WHERE "slug" = %s', [skill])
        skill_ids = [row[0] for row in found]
        if not skill_ids:
            return Search(alias, None)
        conditions.append(
            f'p."id" IN (SELECT h."person_id" FROM "{HELD}" h '
            f'WHERE h."level" >= %s AND h."skill_id" IN ({_marks(skill_ids)}))'
        )
        params += [min_level, *skill_ids]
    if min_hours is not None:
        conditions.append(_WITH_FREE_HOURS)
        params += [*_hours(alias, selectors.hours_band(min_hours), min_hours), _member_id(user)]
    if name:
        named = _named(alias, name)
        if named is None:
            return Search(alias, None)
        condition, values, joined = named
        conditions.append(condition)
        params += values
    return Search(alias, " AND ".join(conditions) or "1 = 1", tuple(params), joined)


#: `selectors._with_free_hours`: at least the band of the hours asked for, and at least the
#: hours themselves unless the person is of none of the user's organisations
_WITH_FREE_HOURS = (
    'p."hours_available" >= %s AND (p."hours_available" >= %s OR NOT (p."organisation_id" '
    f'IN (SELECT m."organisation_id" FROM "{MEMBERSHIP}" m WHERE m."user_id" = %s)))'
)


def _hours(alias: str, *values: Decimal) -> list[Any]:
    """`values` as the database takes a person's hours (what the ORM sends for them)."""
    field = Person._meta.get_field("hours_available")
    return [field.get_db_prep_value(value, connections[alias]) for value in values]


def _member_id(user: User) -> int | None:
    """The user whose memberships count as their own organisations (None, for no one's: an
    anonymous user has none, as `selectors.memberships` says)."""
    return user.pk if user.is_authenticated else None


def _named(alias: str, text: str) -> tuple[str, list[Any], bool] | None:
    """`selectors._named`: people whose name, or whose organisation's name, contains `text`
    (in any case), found on each side first by its own index, then by their ids; very
    common text falls back to the plain condition (then on the organisation's row too).
    None when no one matches."""
    pattern = _contains_pattern(alias, text)
    people_ids = _ids(alias, PERSON, pattern)
    organisation_ids = _ids(alias, ORGANISATION, pattern)
    at_most = selectors.NAMED_AT_MOST
    if len(people_ids) > at_most or len(organisation_ids) > at_most:
        condition = f"({_contains(alias, 'p')} OR {_contains(alias, 'o')})"
        return condition, [pattern, pattern], True
    sides = []
    if people_ids:
        sides.append(f'p."id" IN ({_marks(people_ids)})')
    if organisation_ids:
        sides.append(f'p."organisation_id" IN ({_marks(organisation_ids)})')
    if not sides:
        return None
    return f"({' OR '.join(sides)})", [*people_ids, *organisation_ids], False


def _ids(alias: str, table: str, pattern: str) -> list[int]:
    """The ids of at most `selectors.NAMED_AT_MOST` + 1 rows of `table` whose name matches
    `pattern` (in no particular order: only whether there are more than that, and which,
    matters)."""
    sql = f'SELECT t."id" FROM "{table}" t WHERE {_contains(alias, "t")} LIMIT %s'
    return [row[0] for row in _rows(alias, sql, [pattern, selectors.NAMED_AT_MOST + 1])]


def _contains(alias: str, table: str) -> str:
    """The condition `name__icontains` writes on `table`'s name, as this database's backend
    writes it (on PostgreSQL, the expression of the trigram indexes: UPPER(name::text))."""
    connection = connections[alias]
    column = connection.ops.lookup_cast("icontains", "CharField") % f'{table}."name"'
    return f"{column} {connection.operators['icontains'] % '%s'}"


def _contains_pattern(alias: str, text: str) -> str:
    """The pattern `name__icontains=text` sends: `text` anywhere, its wildcards escaped."""
    return f"%{connections[alias].ops.prep_for_like_query(text)}%"


def _skills_held(alias: str, people: Sequence[int]) -> dict[int, tuple[FoundSkill, ...]]:
    """The skills of `people`, each's highest level first, then by name."""
    if not people:
        return {}
    sql = (
        f'SELECT h."person_id", s."slug", s."name", h."level" FROM "{HELD}" h '
        f'INNER JOIN "{SKILL}" s ON (h."skill_id" = s."id") '
        f'WHERE h."person_id" IN ({_marks(people)})'
    )
    held: dict[int, list[FoundSkill]] = defaultdict(list)
    for person_id, slug, name, level in _rows(alias, sql, people):
        held[person_id].append(FoundSkill(slug, name, level))
    return {pk: tuple(sorted(skills, key=_highest_first)) for pk, skills in held.items()}


def _highest_first(skill: FoundSkill) -> tuple[int, str]:
    return -skill.level, skill.name


def _marks(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(alias: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows
