"""Collection leases and scheduling: two workers never share a source, an expired lease is
reclaimed, a lost lease discards its batch, and a scheduler tick runs every due source once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from listener.storage.db import session_scope
from listener.storage.models import Mention, Source
from listener.worker.collection import run_source
from listener.worker.leases import claim_due
from listener.worker.scheduler import run_once
from tests.worker.feed_server import (
    FeedServer,
    add_source,
    claim,
    load,
    stored,
)

# --- leases ------------------------------------------------------------------------------------------


def test_two_workers_claiming_at_the_same_time_never_share_a_source(sessions) -> None:
    ids = [add_source(sessions, f"http://127.0.0.1:9/{i}.xml", name=f"s{i}") for i in range(12)]
    now = datetime.now(UTC)
    assert claim(sessions, now, "a") == ids[:10]  # limit 10
    assert claim(sessions, now, "b") == ids[10:]
    assert claim(sessions, now, "c") == []

    with session_scope(sessions) as session:
        session.execute(update(Source).values(lease_owner=None, lease_expires_at=None))
    claims: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def grab(worker: str) -> None:
        barrier.wait()
        mine: list[int] = []
        while True:
            with session_scope(sessions) as session:
                got = claim_due(session, worker=worker, now=now, lease_seconds=300, limit=2)
            if not got:
                break
            mine.extend(got)
        claims[worker] = mine

    threads = [threading.Thread(target=grab, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    every = [i for got in claims.values() for i in got]
    assert sorted(every) == ids  # each source claimed exactly once
    with session_scope(sessions) as session:
        owners = {i: o for i, o in session.execute(select(Source.id, Source.lease_owner))}
    assert all(owners[i] == w for w, got in claims.items() for i in got)


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_postgres_claims_skip_rows_locked_by_an_open_claim(sessions) -> None:
    ids = [add_source(sessions, f"http://127.0.0.1:9/{i}.xml", name=f"s{i}") for i in range(3)]
    now = datetime.now(UTC)
    first = sessions()
    try:
        assert claim_due(first, worker="a", now=now, lease_seconds=300, limit=2) == ids[:2]
        # "a" has not committed: "b" does not wait for its locks, it skips them
        with session_scope(sessions) as other:
            assert claim_due(other, worker="b", now=now, lease_seconds=300, limit=10) == ids[2:]
        first.commit()
    finally:
        first.close()
    assert claim(sessions, now, "c") == []


def test_an_expired_lease_is_reclaimed_and_the_old_holder_stores_nothing(
    server: FeedServer, sessions, settings, client
) -> None:
    server.feed("/a.xml", "alpha", 2)
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)
    assert claim(sessions, now, "old", lease_seconds=60) == [sid]
    assert claim(sessions, now + timedelta(seconds=59), "new") == []
    assert claim(sessions, now + timedelta(seconds=61), "new") == [sid]

    stale = run_source(sessions, settings, client, sid, worker="old", now=now + timedelta(seconds=62))
    assert stale.skipped and stale.created == 0 and server.hits["/a.xml"] == 0
    assert load(sessions, sid).lease_owner == "new"

    fresh = run_source(sessions, settings, client, sid, worker="new", now=now + timedelta(seconds=63))
    assert fresh.created == 2


def test_a_lease_lost_during_collect_discards_the_batch(
    server: FeedServer, sessions, settings, client
) -> None:
    server.feed("/a.xml", "alpha", 2)
    sid = add_source(sessions, server.url("/a.xml"))
    now = datetime.now(UTC)
    assert claim(sessions, now, "slow", lease_seconds=1) == [sid]

    def taken_over(_path: str) -> None:  # while "slow" is fetching, its lease expires and "fast" takes it
        assert claim(sessions, now + timedelta(seconds=2), "fast") == [sid]

    server.on_request = taken_over
    result = run_source(sessions, settings, client, sid, worker="slow", now=now)
    assert result.skipped and "lease lost" in result.error
    assert stored(sessions) == []
    src = load(sessions, sid)
    assert src.lease_owner == "fast" and src.cursor is None and src.last_success_at is None


def test_run_once_runs_every_enabled_source_ignoring_schedule_but_not_leases(
    server: FeedServer, sessions, settings
) -> None:
    later = datetime.now(UTC) + timedelta(hours=3)
    for i in range(3):
        server.feed(f"/{i}.xml", f"feed{i}", 2)
    a = add_source(sessions, server.url("/0.xml"), name="zero", next_run_at=later)
    b = add_source(sessions, server.url("/1.xml"), name="one")
    c = add_source(sessions, server.url("/2.xml"), name="two")
    with session_scope(sessions) as session:  # another worker is busy with "two"
        session.execute(
            update(Source).where(Source.id == c).values(lease_owner="other", lease_expires_at=later)
        )
    results = run_once(settings, sessions)
    assert sorted((r.source_id, r.created) for r in results) == [(a, 2), (b, 2)]
    assert server.hits["/2.xml"] == 0
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Mention)) == 4


# --- the scheduler -----------------------------------------------------------------------------------


def test_build_scheduler_has_coalescing_collect_and_alert_ticks(sessions, settings) -> None:
    from listener.worker.scheduler import Collecting, build_scheduler

    collecting = Collecting(settings, sessions, worker="w")
    try:
        scheduler = build_scheduler(settings, sessions, collecting=collecting)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {
            "collect:tick",
            "alerts:tick",
            "alerts:deliver",
            "reports:tick",
            "replies:publish",
            "push:tick",
        }
        assert all(job.max_instances == 1 and job.coalesce is True for job in jobs.values())
        assert jobs["collect:tick"].trigger.interval == timedelta(seconds=10)
        assert jobs["alerts:tick"].trigger.interval == timedelta(seconds=60)
        assert jobs["alerts:deliver"].trigger.interval == timedelta(seconds=1)
        assert jobs["reports:tick"].trigger.interval == timedelta(seconds=60)
        assert jobs["replies:publish"].trigger.interval == timedelta(seconds=5)
        assert jobs["push:tick"].trigger.interval == timedelta(seconds=settings.push_poll_seconds)
    finally:
        collecting.close()


def test_a_tick_runs_every_due_source_once_and_leaves_the_rest(
    server: FeedServer, sessions, settings
) -> None:
    from listener.worker.scheduler import Collecting

    for i in range(6):
        server.feed(f"/{i}.xml", f"feed{i}", 2)
    due = [add_source(sessions, server.url(f"/{i}.xml"), name=f"due {i}") for i in range(5)]
    later = add_source(sessions, server.url("/5.xml"), next_run_at=datetime.now(UTC) + timedelta(hours=1))
    seen: list[int] = []
    collecting = Collecting(
        settings, sessions, worker="w", concurrency=2, on_result=lambda r: seen.append(r.source_id)
    )
    try:
        results = collecting.tick()
        assert collecting.tick() == []  # nothing is due any more
    finally:
        collecting.close()
    assert sorted(r.source_id for r in results) == sorted(seen) == due
    assert all(r.created == 2 and r.error is None for r in results)
    assert server.hits == Counter({f"/{i}.xml": 1 for i in range(5)}) and later
