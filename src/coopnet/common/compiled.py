"""Read queries built with the ORM once per database, then run as SQL with new arguments: for
a small query, Django takes longer to build and compile it than the database to answer it (see
`directory.auth`, whose user query is compiled the same way). The ORM still writes the SQL, so
it follows the models and each database's dialect, and still converts what the database returns
(a decimal from SQLite, a JSON field's text): only building it again is saved.

    opportunity_ids = Compiled(lambda poster: Opportunity.objects.filter(
        posted_by_id=poster).values_list("pk", flat=True))
    opportunity_ids.rows(7)  # [(12,), (9,)]
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

#: values no query is asked about, marking where each argument goes in the compiled SQL
MARKS = (-987_654_321, -987_654_322, -987_654_323)


@dataclass(frozen=True)
class _Plan:
    sql: str
    #: the parameters of `sql`, with a mark where an argument goes
    params: tuple[Any, ...]
    #: for each parameter, the argument that goes there (its index), or None
    slots: tuple[int | None, ...]
    query: Any
    #: the selected expressions, whose converters turn the database's values into Python's
    fields: tuple[Any, ...]


class Compiled:
    """The rows of the values_list() queryset `build(*MARKS[:arity])` for other arguments, by
    SQL compiled once for each database. `build` must compare each argument, as it is, with
    an integer field (a key: `pk=x`, `user_id=x`), which passes it to the database unchanged:
    never in a list (`pk__in=[x]`) nor with a field that converts it (a decimal, a date)."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], arity: int = 1) -> None:
        self._build, self._arity = build, arity
        self._model: Any = None
        self._plans: dict[str, _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self) -> tuple[str, _Plan]:
        """The plan for the database the query's model is read from, compiled at first use."""
        if self._model is None:
            self._model = self._build(*MARKS[: self._arity]).model
        alias = router.db_for_read(self._model)
        plan = self._plans.get(alias)
        if plan is None:
            with self._lock:
                plan = self._compile(self._build(*MARKS[: self._arity]), alias)
                self._plans[alias] = plan
        return alias, plan

    def _compile(self, queryset: QuerySet[Any, Any], alias: str) -> _Plan:
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        marks = MARKS[: self._arity]
        slots = tuple(marks.index(p) if isinstance(p, int) and p in marks else None for p in params)
        if {s for s in slots if s is not None} != set(range(self._arity)):
            raise ValueError(f"every argument must be a parameter of {sql}")
        fields = tuple(s[0] for s in compiler.select[: compiler.col_count])
        return _Plan(sql, tuple(params), slots, queryset.query, fields)

    def rows(self, *args: Any) -> list[tuple[Any, ...]]:
        """The rows for `args` (as many as the query's arity)."""
        if len(args) != self._arity:
            raise TypeError(f"{self._arity} arguments expected, {len(args)} given")
        alias, plan = self._plan()
        params = [p if s is None else args[s] for p, s in zip(plan.params, plan.slots, strict=True)]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            found = cursor.fetchall()
        compiler = plan.query.get_compiler(connection=connection)
        converters = compiler.get_converters(plan.fields)
        if not converters:
            return [tuple(row) for row in found]
        return [tuple(row) for row in compiler.apply_converters(found, converters)]
