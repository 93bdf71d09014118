"""Reads the ORM builds and compiles once, then a plain cursor runs: for the hottest small
reads (an organisation's profile computed anew after each change), whose SQL takes the ORM
several times as long to build as the database takes to answer it.

    _NAMED = Compiled(lambda slug: Organisation.objects.filter(slug=slug).values_list("pk"))
    _NAMED.rows("outlier")  # [(3,)]

The query is built with stand-ins in the place of its arguments (ids and texts: those a lookup
passes to the database as they are), compiled once per database, and run with the arguments
put back in their places; its rows are converted as the ORM converts them (a datetime read from
SQLite is a datetime). Anything else the SQL depends on (a date, a page's offset) is passed by
keyword: the query is compiled once for each value of it, so such values should be few.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

#: how many compiled forms a query keeps (of its keyword values and databases), at most
KEPT_FORMS = 64


def _stand_in(index: int, argument: Any) -> Any:
    """A value no id or text in the network takes, of the type of `argument`."""
    if isinstance(argument, int) and not isinstance(argument, bool):
        return -987_654_321 - index
    if isinstance(argument, str):
        return f"\x00coopnet-argument-{index}"
    raise TypeError(f"argument {index} must be an int or a str (got {type(argument).__name__})")


@dataclass(frozen=True)
class _Form:
    """A query's SQL for one database, with where each argument goes in its parameters."""

    sql: str
    params: tuple[Any, ...]
    #: (the parameter's position, the argument's index)
    places: tuple[tuple[int, int], ...]
    #: (the column's position, its converters, its expression), as the compiler applies them
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class Compiled:
    """A query `build(*arguments, **fixed)` (a `values_list` queryset), compiled once for
    each database and each value of `fixed`, and run as plain SQL."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._forms: dict[Hashable, _Form] = {}

    def rows(self, *arguments: Any, using: str = DEFAULT_DB_ALIAS, **fixed: Hashable) -> list[Any]:
        """The query's rows for `arguments` (ints and strs), as tuples."""
        stand_ins = [_stand_in(i, argument) for i, argument in enumerate(arguments)]
        key = (using, tuple(type(s) for s in stand_ins), tuple(sorted(fixed.items())))
        form = self._forms.get(key)
        if form is None:
            form = self._compile(using, stand_ins, fixed)
            if len(self._forms) >= KEPT_FORMS:
                self._forms.clear()
            self._forms[key] = form
        params = list(form.params)
        for position, index in form.places:
            params[position] = arguments[index]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(form.sql, params)
            found: list[Any] = cursor.fetchall()
        if not form.converters:
            return found
        return [_converted(row, form.converters, connection) for row in found]

    def _compile(self, using: str, stand_ins: list[Any], fixed: dict[str, Hashable]) -> _Form:
        compiler = self._build(*stand_ins, **fixed).query.get_compiler(using)
        sql, params = compiler.as_sql()
        places = tuple(
            (position, index)
            for position, param in enumerate(params)
            for index, stand_in in enumerate(stand_ins)
            if type(param) is type(stand_in) and param == stand_in
        )
        missing = set(range(len(stand_ins))) - {index for _, index in places}
        if missing:  # a lookup changed it on its way (icontains wraps a text in %): not here
            raise ValueError(f"arguments {sorted(missing)} are not passed to the database as such")
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        )
        return _Form(sql, tuple(params), places, converters)


def _converted(
    row: tuple[Any, ...],
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...],
    connection: Any,
) -> tuple[Any, ...]:
    values = list(row)
    for position, functions, expression in converters:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    return tuple(values)
