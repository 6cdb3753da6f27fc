"""Collection jobs end to end: team-written RSS 2.0 feeds served over real HTTP on 127.0.0.1, the real
``rss`` collector, leases and ``run_source`` on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

import listener.pipeline.ingest
from listener.storage.db import session_scope
from listener.storage.models import Source
from listener.worker.collection import MAX_FAILURES
from listener.worker.scheduler import run_once
from tests.worker.feed_server import (
    Answer,
    FeedServer,
    add_source,
    claim,
    claim_and_run,
    load,
    stored,
)

# --- success, cursor, duplicates ---------------------------------------------------------------------


def test_run_stores_mentions_with_source_and_cursor_and_reruns_add_no_duplicates(
    server: FeedServer, sessions, settings, client
) -> None:
    server.feed("/a.xml", "alpha", 3)
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)

    first = claim_and_run(sessions, settings, client, sid, now)

    assert (first.created, first.duplicates, first.error) == (3, 0, None)
    assert stored(sessions) == [("alpha-0", sid), ("alpha-1", sid), ("alpha-2", sid)]
    src = load(sessions, sid)
    assert src.cursor and "alpha" not in src.cursor and server.url("/a.xml") in src.cursor
    assert src.status == "ok" and src.consecutive_failures == 0 and src.mentions_collected == 3
    assert src.last_success_at == now and src.lease_owner is None and src.lease_expires_at is None
    assert now + timedelta(seconds=810) <= src.next_run_at <= now + timedelta(seconds=990)
    assert first.next_run_at == src.next_run_at

    later = now + timedelta(seconds=1000)
    second = claim_and_run(sessions, settings, client, sid, later)
    assert second.created == 0 and second.error is None
    assert len(stored(sessions)) == 3

    server.feed("/a.xml", "alpha", 5)  # two newer items appear
    third = claim_and_run(sessions, settings, client, sid, later + timedelta(seconds=1000))
    assert third.created == 2
    assert [e for e, _ in stored(sessions)] == [f"alpha-{i}" for i in range(5)]
    assert load(sessions, sid).mentions_collected == 5


def test_source_not_due_is_not_claimed(server: FeedServer, sessions) -> None:
    sid = add_source(sessions, server.url("/a.xml"), next_run_at=datetime.now(UTC) + timedelta(hours=1))
    paused = add_source(sessions, server.url("/b.xml"), status="paused")
    disabled = add_source(sessions, server.url("/c.xml"), enabled=False)
    now = datetime.now(UTC)
    assert claim(sessions, now) == []
    assert claim(sessions, now + timedelta(hours=2)) == [sid]
    assert paused and disabled


# --- failures ----------------------------------------------------------------------------------------


def test_429_with_retry_after_reschedules_and_keeps_the_cursor(
    server: FeedServer, sessions, settings, client
) -> None:
    server.feed("/a.xml", "alpha", 2)
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)
    claim_and_run(sessions, settings, client, sid, now)
    cursor = load(sessions, sid).cursor

    server.answers["/a.xml"] = Answer(429, b"slow down", {"Retry-After": "120"})
    later = now + timedelta(hours=1)
    result = claim_and_run(sessions, settings, client, sid, later)

    src = load(sessions, sid)
    assert result.error and "429" in result.error
    assert src.next_run_at == later + timedelta(seconds=120) == result.next_run_at
    assert src.status == "backoff" and src.consecutive_failures == 1 and src.cursor == cursor
    assert src.last_error_at == later and src.lease_owner is None
    assert len(stored(sessions)) == 2
    assert claim(sessions, later + timedelta(seconds=119)) == []


def test_server_errors_back_off_exponentially_and_count_failures(
    server: FeedServer, sessions, settings, client
) -> None:
    server.answers["/a.xml"] = Answer(500, b"boom")
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)

    claim_and_run(sessions, settings, client, sid, now)
    src = load(sessions, sid)
    assert src.status == "backoff" and src.consecutive_failures == 1 and "500" in src.last_error
    assert now + timedelta(seconds=54) <= src.next_run_at <= now + timedelta(seconds=66)

    second = src.next_run_at
    claim_and_run(sessions, settings, client, sid, second)
    src = load(sessions, sid)
    assert src.consecutive_failures == 2 and src.cursor is None
    assert second + timedelta(seconds=108) <= src.next_run_at <= second + timedelta(seconds=132)
    assert stored(sessions) == []


def test_a_body_that_is_not_a_feed_records_why_without_the_body(
    server: FeedServer, sessions, settings, client
) -> None:
    server.feed("/a.xml", "alpha", 2)
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)
    claim_and_run(sessions, settings, client, sid, now)
    cursor = load(sessions, sid).cursor

    server.answers["/a.xml"] = Answer(body=b'<?xml version="1.0" encoding="UTF-8"?>\n<rs')
    later = now + timedelta(hours=1)
    result = claim_and_run(sessions, settings, client, sid, later)

    src = load(sessions, sid)
    assert result.error and "not a feed" in src.last_error and "<?xml" not in src.last_error
    assert src.status == "backoff" and src.consecutive_failures == 1 and src.cursor == cursor
    assert len(stored(sessions)) == 2


def test_five_failures_pause_the_source_and_a_fixed_server_recovers_it(
    server: FeedServer, sessions, settings, client
) -> None:
    server.answers["/a.xml"] = Answer(503, b"down")
    sid = add_source(sessions, server.url("/a.xml"))
    when = datetime.now(UTC)
    for n in range(1, MAX_FAILURES + 1):
        claim_and_run(sessions, settings, client, sid, when)
        src = load(sessions, sid)
        assert src.consecutive_failures == n
        assert src.status == ("paused" if n == MAX_FAILURES else "backoff")
        when = src.next_run_at
    assert src.last_error.startswith(f"paused after {MAX_FAILURES} consecutive failures")
    assert claim(sessions, when + timedelta(days=1)) == []  # a paused source is never due

    server.feed("/a.xml", "alpha", 3)
    results = run_once(settings, sessions, sid)  # an operator runs it by hand
    assert [(r.source_id, r.created, r.error) for r in results] == [(sid, 3, None)]
    src = load(sessions, sid)
    assert src.status == "ok" and src.consecutive_failures == 0 and src.cursor
    assert server.hits["/a.xml"] == MAX_FAILURES + 1


def test_backoff_then_recovery_on_schedule(server: FeedServer, sessions, settings, client) -> None:
    server.answers["/a.xml"] = Answer(502, b"bad gateway")
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)
    claim_and_run(sessions, settings, client, sid, now)
    server.feed("/a.xml", "alpha", 2)
    result = claim_and_run(sessions, settings, client, sid, load(sessions, sid).next_run_at)
    src = load(sessions, sid)
    assert result.created == 2 and src.status == "ok" and src.consecutive_failures == 0
    assert "502" in src.last_error  # kept as history; last_success_at is newer
    assert src.last_success_at > src.last_error_at


def test_auth_error_waits_for_credentials(server: FeedServer, sessions, settings, client) -> None:
    server.answers["/a.xml"] = Answer(401, b"who are you")
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)
    result = claim_and_run(sessions, settings, client, sid, now)
    src = load(sessions, sid)
    assert src.status == "needs_credentials" and "credentials" in result.error and src.next_run_at is None
    assert claim(sessions, now + timedelta(days=30)) == []
    assert run_once(settings, sessions) == []  # `collect --once` over all sources skips it too


def test_invalid_params_are_recorded(sessions, settings, client) -> None:
    with session_scope(sessions) as session:
        source = Source(name="bad", platform="rss", params={"urls": []})
        session.add(source)
        session.flush()
        sid = source.id
    result = claim_and_run(sessions, settings, client, sid, datetime.now(UTC))
    assert result.error and "invalid params" in result.error and "urls" in result.error
    assert load(sessions, sid).status == "backoff"


# --- crash safety ------------------------------------------------------------------------------------


def test_a_failure_while_storing_stores_nothing_and_the_next_run_stores_everything_once(
    server: FeedServer, sessions, settings, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.feed("/a.xml", "alpha", 4)
    sid = add_source(sessions, server.url("/a.xml"))
    real_insert = listener.pipeline.ingest.insert_new
    inserted: list[int] = []

    def insert_then_crash(session: Session, rows: Any) -> list[int]:
        inserted.extend(real_insert(session, rows))  # the rows are in the transaction…
        raise RuntimeError("disk on fire")  # …which then fails

    monkeypatch.setattr(listener.pipeline.ingest, "insert_new", insert_then_crash)
    now = datetime.now(UTC)
    result = claim_and_run(sessions, settings, client, sid, now)

    assert len(inserted) == 4
    assert result.error and "disk on fire" in result.error and result.created == 0
    assert stored(sessions) == []
    src = load(sessions, sid)
    assert src.cursor is None and src.mentions_collected == 0 and src.consecutive_failures == 1

    monkeypatch.setattr(listener.pipeline.ingest, "insert_new", real_insert)
    again = claim_and_run(sessions, settings, client, sid, src.next_run_at)
    assert (again.created, again.error) == (4, None)
    assert [e for e, _ in stored(sessions)] == [f"alpha-{i}" for i in range(4)]
    assert load(sessions, sid).cursor


def test_a_deadlocked_store_is_tried_again_and_stores_the_batch_once(
    server: FeedServer, sessions, settings, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL breaks a deadlock by rolling one transaction back (two runs of one worker marking
    copies of the same stories): the run stores its batch again instead of failing the source."""
    import psycopg.errors
    from sqlalchemy.exc import OperationalError

    server.feed("/a.xml", "alpha", 3)
    sid = add_source(sessions, server.url("/a.xml"))
    real_insert = listener.pipeline.ingest.insert_new
    calls: list[int] = []

    def deadlock_once(session: Session, rows: Any) -> list[int]:
        ids = real_insert(session, rows)
        calls.append(len(ids))
        if len(calls) == 1:
            raise OperationalError(
                "UPDATE mention …", {}, psycopg.errors.DeadlockDetected("deadlock detected")
            )
        return ids

    monkeypatch.setattr(listener.pipeline.ingest, "insert_new", deadlock_once)
    result = claim_and_run(sessions, settings, client, sid, datetime.now(UTC))

    assert calls == [3, 3]
    assert (result.created, result.error) == (3, None)
    assert [e for e, _ in stored(sessions)] == ["alpha-0", "alpha-1", "alpha-2"]
    src = load(sessions, sid)
    assert src.consecutive_failures == 0 and src.last_error is None and src.mentions_collected == 3


def test_a_store_that_keeps_deadlocking_fails_the_run_and_stores_nothing(
    server: FeedServer, sessions, settings, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg.errors
    from sqlalchemy.exc import OperationalError

    from listener.worker.collection import STORE_ATTEMPTS

    server.feed("/a.xml", "alpha", 2)
    sid = add_source(sessions, server.url("/a.xml"))
    calls: list[int] = []

    def always_deadlock(session: Session, rows: Any) -> list[int]:
        calls.append(1)
        raise OperationalError("UPDATE mention …", {}, psycopg.errors.DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(listener.pipeline.ingest, "insert_new", always_deadlock)
    result = claim_and_run(sessions, settings, client, sid, datetime.now(UTC))

    assert len(calls) == STORE_ATTEMPTS
    assert result.error and "DeadlockDetected" in result.error
    assert stored(sessions) == [] and load(sessions, sid).consecutive_failures == 1
