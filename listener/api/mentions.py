"""The mention feed, one mention, updates (single and bulk), history and the streamed export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from listener.deps import Agent, FilterDep, FilterQuery, FilterQueryDep, SessionDep, Viewer
from listener.pipeline.exporting import export_lines
from listener.pipeline.feed import decode_cursor, feed_json, mention_reads
from listener.schemas.common import Page
from listener.schemas.mentions import (
    AuditRead,
    BulkPatch,
    BulkResult,
    MentionPatch,
    MentionRead,
)
from listener.storage.audit import apply_patch, history, patch_many
from listener.storage.db import read_once
from listener.storage.lookup import get_or_404
from listener.storage.models import Mention

router = APIRouter(tags=["mentions"])


def _get(session: Session, mention_id: int, *, lock: bool = False) -> Mention:
    return get_or_404(session, Mention, mention_id, "mention", lock=lock)


@router.get(
    "/mentions",
    summary="The mention feed, newest first, filtered, keyset-paginated",
    response_model=Page[MentionRead],
)
async def list_mentions(
    request: Request,
    _: Viewer,
    query: FilterQueryDep,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    # one hop to a worker thread for all database work; the page is JSON bytes from one row query,
    # kept (listener.pipeline.feed_cache) and sent again until a write is committed anywhere
    after = decode_cursor(cursor)
    state = request.app.state
    version = state.change_clock.version() if query.incident is None and state.feed_cache.max_bytes else None
    key = request.url.query
    body = state.feed_cache.get(key, version)
    if body is not None:
        state.metrics.feed_cache.labels("hit").inc()
        return Response(body, media_type="application/json")
    body = await run_in_threadpool(_feed_body, request, query, after, limit)
    state.feed_cache.put(key, version, body)
    state.metrics.feed_cache.labels("miss" if version is not None else "off").inc()
    return Response(body, media_type="application/json")


def _feed_body(request: Request, query: FilterQuery, after: tuple[datetime, int] | None, limit: int) -> bytes:
    return read_once(
        request.app.state.read_sessions,
        lambda session: feed_json(session, query.resolve(session), after=after, limit=limit),
    )


@router.get("/mentions/{mention_id}", summary="One mention")
def read_mention(mention_id: int, session: SessionDep, _: Viewer) -> MentionRead:
    return mention_reads(session, [_get(session, mention_id)])[0]


@router.patch("/mentions/{mention_id}", summary="Update status, assignee, tags, notes or sentiment")
def update_mention(mention_id: int, body: MentionPatch, session: SessionDep, who: Agent) -> MentionRead:
    mention = _get(session, mention_id, lock=True)
    apply_patch(session, mention, body.model_dump(exclude_unset=True), actor=who.name)
    session.flush()
    return mention_reads(session, [mention])[0]


@router.patch("/mentions", summary="Apply one change to many mentions (up to 1,000 ids)")
def bulk_update(body: BulkPatch, session: SessionDep, who: Agent) -> BulkResult:
    changes = body.changes.model_dump(exclude_unset=True)
    updated = patch_many(session, body.ids, changes, actor=who.name)
    return BulkResult(updated=len(updated), ids=updated)


@router.get("/mentions/{mention_id}/history", summary="Every change of a mention: who, when, what")
def mention_history(mention_id: int, session: SessionDep, _: Viewer) -> list[AuditRead]:
    _get(session, mention_id)
    return [AuditRead.model_validate(e) for e in history(session, mention_id)]


@router.get(
    "/export",
    summary="Export the filtered feed as CSV or JSON lines (streamed)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
)
def export(
    request: Request, _: Viewer, filters: FilterDep, format: Literal["csv", "jsonl"] = "jsonl"
) -> StreamingResponse:
    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    filename = f"mentions.{format}"
    return StreamingResponse(
        export_lines(request.app.state.sessions, filters, format),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
