"""The demo's live feed: the sample replayed in-process as new mentions published now."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from listener.cli.demo import LiveCollection
from listener.demo import demo_settings
from listener.demo.seed import LIVE_SOURCE_NAME, seed, seed_live_source
from listener.settings import Settings
from listener.storage import migrate
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.models import Brand, Mention, Source


def _demo(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    settings = demo_settings(Settings(database_url=url))
    assert seed(sessions, settings).created == 503
    return settings, sessions


def _live(sessions) -> list[Mention]:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        return list(session.scalars(select(Mention).where(Mention.external_id.like("live-%"))))


def _due_now(sessions) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        session.execute(update(Source).where(Source.name == LIVE_SOURCE_NAME).values(next_run_at=None))


def test_live_replay_adds_new_mentions_published_now(tmp_path: Path) -> None:
    settings, sessions = _demo(tmp_path)
    with session_scope(sessions) as session:
        seed_live_source(session, speed=100_000, run="t1")
        seed_live_source(session, speed=100_000, run="t1")  # idempotent: one source
        assert session.scalar(select(func.count()).where(Source.name == LIVE_SOURCE_NAME)) == 1
        acme = session.scalar(select(Brand.id).where(Brand.name == "Acme"))
    live = LiveCollection(settings, sessions, tick_seconds=0.2).start()
    try:
        deadline = time.monotonic() + 10
        while not _live(sessions) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # ~40 h of sample time at 100000x
        _due_now(sessions)  # the source's 30 s interval would otherwise wait
        time.sleep(0.6)
    finally:
        live.stop()
    assert not live.thread.is_alive()
    rows = _live(sessions)
    assert len(rows) > 1
    now = datetime.now(UTC)
    for m in rows:
        assert m.external_id.startswith("live-t1-")
        published = m.published_at if m.published_at.tzinfo else m.published_at.replace(tzinfo=UTC)
        assert now - timedelta(minutes=1) < published <= now + timedelta(seconds=1)
    assert any(m.brand_id == acme for m in rows)
    with session_scope(sessions) as session:
        total = session.scalar(select(func.count()).select_from(Mention))
        assert total == 503 + len(rows)  # the imported sample is untouched, the replay is new rows

    again = LiveCollection(settings, sessions)
    try:
        _due_now(sessions)
        results = again.collecting.tick()
    finally:
        again.collecting.close()
    assert results and all(r.error is None for r in results)
    assert sum(r.duplicates for r in results) == 0
    ids = [m.external_id for m in _live(sessions)]
    assert len(ids) == len(set(ids))
