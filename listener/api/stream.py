"""``GET /api/v1/stream``: new mentions as server-sent events, with the feed's filters.

Each event is ``id: <stream position>``, ``event: mention``, ``data: <the mention as in the feed>``.
A client that reconnects with ``Last-Event-ID`` (browsers' EventSource do it by themselves; or
``?last_event_id=``) gets every mention after that position that matches its filters, once and in
order, however long it was away (``storage.stream`` says why positions have no gaps). Without one,
the stream starts at the newest mention. A ``: keep-alive`` comment goes out when nothing happened
for ``stream_heartbeat_seconds``. The caller's key is checked again on every poll: a key revoked
(or a user disabled) mid-stream ends the stream with an ``event: error``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from listener.deps import FilterDep, Viewer, bearer_key, principal_for
from listener.errors import Forbidden, ListenerError, Unprocessable
from listener.pipeline.feed import mention_reads
from listener.storage.db import session_scope
from listener.storage.mentions import MentionFilter
from listener.storage.stream import between, head, number_new

router = APIRouter(tags=["mentions"])
PAGE = 200  # events per poll at most; a backlog drains over several polls without waiting


@dataclass
class Cursor:
    position: int


def _position(header: str | None, query: int | None) -> int | None:
    raw = query if query is not None else header
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Unprocessable(
            "Last-Event-ID must be the id of an event this stream sent (a whole number)",
            details=[{"field": "last_event_id"}],
        )
    return int(text)


def _poll(request: Request, f: MentionFilter, cursor: Cursor) -> list[str]:
    """Number new mentions, re-check the caller, and return the events after ``cursor`` (moved)."""
    sessions = request.app.state.sessions
    with session_scope(sessions) as session:
        number_new(session)
    with session_scope(sessions) as session:
        # the key again, uncached, every poll: a revoked key (or a disabled user) ends the stream
        if not principal_for(session, bearer_key(request)).can("viewer"):
            raise Forbidden("this needs the 'viewer' role or above")
        top = head(session)
        rows = between(session, cursor.position, top, f, PAGE)
        reads = mention_reads(session, rows)
    events = []
    for row, read in zip(rows, reads, strict=True):
        data = read.model_dump_json()
        events.append(f"id: {row.stream_seq}\nevent: mention\ndata: {data}\n\n")
    cursor.position = rows[-1].stream_seq if len(rows) == PAGE else max(top, cursor.position)
    return events


def _start(request: Request) -> int:
    with session_scope(request.app.state.sessions) as session:
        number_new(session)
        return head(session)


async def _events(request: Request, f: MentionFilter, start: int | None) -> AsyncIterator[str]:
    settings = request.app.state.settings
    cursor = Cursor(start if start is not None else await run_in_threadpool(_start, request))
    yield f"retry: {int(settings.stream_retry_ms)}\nid: {cursor.position}\n\n"
    quiet = 0.0
    while not await request.is_disconnected():
        try:
            events = await run_in_threadpool(_poll, request, f, cursor)
        except ListenerError as exc:  # the key was revoked or lost its role
            body = json.dumps({"code": exc.code, "message": exc.message})
            yield f"event: error\ndata: {body}\n\n"
            return
        for event in events:
            yield event
        if events:
            quiet = 0.0
            continue
        quiet += settings.stream_poll_seconds
        if quiet >= settings.stream_heartbeat_seconds:
            quiet = 0.0
            yield ": keep-alive\n\n"
        await asyncio.sleep(settings.stream_poll_seconds)


@router.get(
    "/stream",
    summary="New mentions as server-sent events (resume with Last-Event-ID)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "An event stream"}},
)
def stream(
    request: Request,
    _: Viewer,
    filters: FilterDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    last_event_id_query: Annotated[
        int | None, Query(alias="last_event_id", ge=0, description="Resume after this event id")
    ] = None,
) -> StreamingResponse:
    start = _position(last_event_id, last_event_id_query)
    return StreamingResponse(
        _events(request, filters, start),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
