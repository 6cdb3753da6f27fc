"""Brand queries stored through one door: the syntax checked before anything is stored (the API's
queries, the query editor's as-you-type check and its form), creation and updates recorded in the
audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from listener.errors import Unprocessable
from listener.pipeline.query import QuerySyntaxError, compile_query
from listener.schemas.catalog import QueryCreate, QueryUpdate
from listener.storage.audit import add_recorded, update_recorded
from listener.storage.lookup import get_or_404
from listener.storage.models import Brand, Query


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


def create_query(session: Session, body: QueryCreate, *, actor: str) -> Query:
    """Check and store a new query of an existing brand (NotFound for an unknown brand)."""
    get_or_404(session, Brand, body.brand_id, "brand")
    check_query(body.expression)
    query = Query(**body.model_dump())
    add_recorded(session, query, actor=actor, entity="query", changes=body.model_dump())
    return query


def update_query(session: Session, query: Query, body: QueryUpdate, *, actor: str) -> Query:
    """Check and store a change of ``query`` (fields left out or null stay as they are)."""
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "expression" in changes:
        check_query(changes["expression"])
    update_recorded(session, query, changes, actor=actor, entity="query")
    return query
