"""Five failures in a row pause a source (README, Collection): counted through the worker's own tick,
over real HTTP on 127.0.0.1, with the failures a JSON platform meets (5xx, 429, a cut body)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

import listener.worker.scheduler
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Source
from listener.worker.collection import MAX_FAILURES
from listener.worker.scheduler import Collecting, run_once
from tests.collectors.collectors_testkit import LocalServer, Scripted

HN_EMPTY = b'{"hits": [], "nbHits": 0, "page": 0, "nbPages": 0, "hitsPerPage": 100}'


@pytest.fixture
def hn_server():  # type: ignore[no-untyped-def]
    server = LocalServer()
    server.start()
    yield server
    server.stop()


def test_the_fifth_failure_pauses_and_no_sixth_request_is_made(
    hn_server: LocalServer, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MAX_FAILURES == 5  # the README promises five
    hn_server.serve(
        [
            Scripted(503, b"down"),
            Scripted(429, b"slow down", headers={"Retry-After": "30"}),
            Scripted(200, HN_EMPTY[:20], cut=True),  # the connection drops mid-body
            Scripted(200, HN_EMPTY[:20]),  # a complete response whose JSON is cut short
            Scripted(502, b"bad gateway"),
            Scripted(200, HN_EMPTY),  # never asked for: the source is paused by then
        ]
    )
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        source = Source(name="hn", platform="hackernews", params={"query": "acme", "base_url": hn_server.url})
        session.add(source)
        session.flush()
        sid = source.id
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(listener.worker.scheduler, "utcnow", lambda: clock[0])
    collecting = Collecting(settings.model_copy(update={"http_timeout": 5.0}), sessions, concurrency=1)
    statuses = []
    try:
        for _ in range(MAX_FAILURES + 2):
            collecting.tick()
            with session_scope(sessions) as session:
                source = session.get(Source, sid)
                assert source is not None
                statuses.append((source.status, source.consecutive_failures))
                clock[0] = max(clock[0], source.next_run_at or clock[0]) + timedelta(seconds=1)
    finally:
        collecting.close()
    assert statuses == [
        ("backoff", 1), ("backoff", 2), ("backoff", 3), ("backoff", 4),
        ("paused", 5), ("paused", 5), ("paused", 5),
    ]  # fmt: skip
    assert len(hn_server.requests) == MAX_FAILURES
    with session_scope(sessions) as session:
        assert session.get(Source, sid).last_error.startswith("paused after 5 consecutive failures")  # type: ignore[union-attr]
    # an operator's `collect --once --source ID` runs it whatever its status, and success resumes it
    [result] = run_once(settings, sessions, sid)
    assert result.error is None and result.status == "ok"
