"""``json_list_contains(column, value)``: "this JSON list holds value", on PostgreSQL and SQLite.

PostgreSQL: ``column @> '["value"]'`` (JSONB containment). SQLite: ``EXISTS (SELECT 1 FROM
json_each(column) WHERE value = :v)``. Both are chosen at compile time, so one query object serves
both backends.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class json_list_contains(FunctionElement[bool]):  # noqa: N801 - reads like the SQL function it is
    """True where the JSON array in ``column`` contains the string ``value``."""

    type = Boolean()
    inherit_cache = True
    name = "json_list_contains"

    def __init__(self, column: ColumnElement[Any], value: str) -> None:
        # The JSON needle is a clause of its own: one made while compiling would be frozen into the
        # cached SQL, and every later query would search for the first value ever compiled.
        super().__init__(column, literal(value), literal(json.dumps([value])))


@compiles(json_list_contains, "postgresql")
def _pg(element: json_list_contains, compiler: Any, **kw: Any) -> str:
    column, _, needle = list(element.clauses)
    return f"({compiler.process(column, **kw)} @> CAST({compiler.process(needle, **kw)} AS JSONB))"


@compiles(json_list_contains)
def _default(element: json_list_contains, compiler: Any, **kw: Any) -> str:
    column, value, _ = list(element.clauses)
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) "
        f"WHERE json_each.value = {compiler.process(value, **kw)})"
    )
