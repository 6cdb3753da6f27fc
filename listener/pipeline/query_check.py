"""Checking a brand query's syntax before it is stored: the API's queries, the query editor's
as-you-type check and its form all call :func:`query_problem` / :func:`check_query`."""

from __future__ import annotations

from typing import Any

from listener.errors import Unprocessable
from listener.pipeline.query import QuerySyntaxError, compile_query


def query_problem(expression: str) -> dict[str, Any] | None:
    """None when ``expression`` compiles; otherwise ``{"position", "message", "pointer"}`` (the
    expression with a caret under the character the error points at)."""
    try:
        compile_query(expression)
    except QuerySyntaxError as exc:
        pointer = expression + "\n" + " " * exc.position + "^"
        return {"position": exc.position, "message": exc.message, "pointer": pointer}
    return None


def check_query(expression: str) -> None:
    """Unprocessable (naming the position) when ``expression`` does not compile."""
    problem = query_problem(expression)
    if problem is not None:
        raise Unprocessable(
            f"query syntax error at position {problem['position']}: {problem['message']}",
            details=[{"field": "expression", **problem}],
        )
