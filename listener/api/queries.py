"""Boolean brand queries (docs/queries.md); the expression is compiled on save, so a syntax error
is a 422 that points at the character."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, Viewer
from listener.pipeline import query_check
from listener.schemas.catalog import QueryCreate, QueryRead, QueryUpdate
from listener.storage.audit import delete_recorded
from listener.storage.lookup import get_or_404
from listener.storage.models import Query

router = APIRouter(prefix="/queries", tags=["queries"])


def _get(session: Session, query_id: int) -> Query:
    return get_or_404(session, Query, query_id, "query")


@router.get("", summary="List queries, optionally of one brand")
def list_queries(session: SessionDep, _: Viewer, brand_id: int | None = None) -> list[QueryRead]:
    stmt = select(Query).order_by(Query.id)
    if brand_id is not None:
        stmt = stmt.where(Query.brand_id == brand_id)
    return [QueryRead.model_validate(q) for q in session.scalars(stmt)]


@router.post("", status_code=201, summary="Create a query")
def create_query(body: QueryCreate, session: SessionDep, who: Manager) -> QueryRead:
    return QueryRead.model_validate(query_check.create_query(session, body, actor=who.name))


@router.get("/{query_id}", summary="Read a query")
def read_query(query_id: int, session: SessionDep, _: Viewer) -> QueryRead:
    return QueryRead.model_validate(_get(session, query_id))


@router.patch("/{query_id}", summary="Update a query")
def update_query(query_id: int, body: QueryUpdate, session: SessionDep, who: Manager) -> QueryRead:
    query = query_check.update_query(session, _get(session, query_id), body, actor=who.name)
    return QueryRead.model_validate(query)


@router.delete("/{query_id}", status_code=204, summary="Delete a query")
def delete_query(query_id: int, session: SessionDep, who: Manager) -> Response:
    delete_recorded(session, _get(session, query_id), actor=who.name, entity="query")
    return Response(status_code=204)
