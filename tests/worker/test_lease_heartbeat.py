"""Issue 16.7: a worker renews its leases while it works, and a worker killed with SIGKILL in the
middle of a collection gives its source back within ``lease_seconds`` (not after ten minutes).
A real ``listener worker`` process on PostgreSQL, fetching from a feed server that stalls."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Source
from listener.worker.leases import claim_due
from tests.worker.feed_server import Answer, FeedServer, rss_feed
from tests.worker.test_worker_processes import _env, _listener

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

LEASE = 6.0


@pytest.fixture
def backend() -> str:
    return "postgres"


def _lease(engine: Engine, source_id: int) -> tuple[str | None, datetime | None]:
    with session_scope(make_session_factory(engine)) as session:
        source = session.get(Source, source_id)
        assert source is not None
        return source.lease_owner, source.lease_expires_at


def _wait(what: str, check, timeout: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {timeout:.0f}s")


def test_a_killed_workers_source_returns_within_the_lease_and_a_live_one_keeps_it(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    server = FeedServer()
    release = threading.Event()
    server.answers["/slow.xml"] = Answer(body=rss_feed("slow", 2))
    server.on_request = lambda _path: release.wait(90)  # the collection hangs until the test ends
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        source = Source(name="slow", platform="rss", params={"urls": [server.url("/slow.xml")]})
        session.add(source)
        session.flush()
        source_id = source.id
    env = _env(db_url, tmp_path, "heartbeat-test") | {
        "LISTENER_LEASE_SECONDS": str(LEASE),
        "LISTENER_HTTP_TIMEOUT": "120",
    }
    proc = subprocess.Popen(
        [_listener(), "worker"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        owner = _wait("the worker's claim", lambda: _lease(engine, source_id)[0], 40)
        _wait("the fetch", lambda: server.hits["/slow.xml"] > 0, 20)
        time.sleep(LEASE * 1.5)  # longer than one lease: only a renewal keeps it
        still, expires = _lease(engine, source_id)
        assert still == owner and expires is not None and expires > datetime.now(UTC)
        with session_scope(sessions) as session:  # a second worker cannot take it from a live one
            assert claim_due(session, worker="rescuer", now=datetime.now(UTC), lease_seconds=LEASE) == []
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        killed = time.monotonic()

        def rescued() -> bool:
            with session_scope(sessions) as session:
                return claim_due(session, worker="rescuer", now=datetime.now(UTC), lease_seconds=LEASE) == [
                    source_id
                ]

        _wait("the source's return", rescued, LEASE + 10)
        assert time.monotonic() - killed <= LEASE + 2  # expires a lease after the last beat, at most
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)
        server.close()
