"""Two real ``listener`` processes share one PostgreSQL database and 20 RSS sources served on
127.0.0.1: every source is fetched once per run and every mention is stored exactly once."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Mention, Source
from tests.worker.feed_server import Answer, FeedServer, rss_feed

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

FEEDS = 20
ITEMS = 5
DEADLINE = 50.0


def _listener() -> str:
    beside = Path(sys.executable).parent / "listener"
    found = str(beside) if beside.exists() else shutil.which("listener")
    if not found:
        pytest.fail("the `listener` console script is not installed (pip install -e .)")
    return found


@pytest.fixture
def backend() -> str:
    return "postgres"


@pytest.fixture
def feeds(engine: Engine) -> Iterator[tuple[FeedServer, dict[str, int]]]:
    """20 RSS sources (hourly), each feed with 5 items; returns the server and path -> source id."""
    from listener.cli import common

    if hasattr(common, "install_defaults"):
        # first-run content, as `listener migrate` installs it: two processes starting together on
        # an empty database would otherwise race to insert the same default reply templates
        common.install_defaults(engine)
    server = FeedServer()
    sessions = make_session_factory(engine)
    ids = {}
    with session_scope(sessions) as session:
        for i in range(FEEDS):
            path = f"/feed/{i}.xml"
            server.answers[path] = Answer(body=rss_feed(f"site{i}", ITEMS))
            source = Source(
                name=f"site {i}", platform="rss", params={"urls": [server.url(path)]}, interval_seconds=3600
            )
            session.add(source)
            session.flush()
            ids[path] = source.id
    yield server, ids
    server.close()


def _finish(proc: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    """The process's output once it exits; killed (and the test failed) if it outlives ``timeout``."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"`listener` did not finish within {timeout:.0f}s: {out[-2000:]} {(err or '')[-2000:]}")
    return out, err or ""


def _env(db_url: str, tmp_path: Path, agent: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENER_")}
    env.update(
        LISTENER_DATABASE_URL=db_url,
        LISTENER_USER_AGENT=agent,
        LISTENER_LOG_LEVEL="INFO",
        LISTENER_HTTP_TIMEOUT="10",
        LISTENER_OUTBOUND_ALLOW="127.0.0.0/8",  # the feeds and sinks these workers reach
    )
    return env


def _counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(make_session_factory(engine)) as session:
        rows = session.scalar(select(func.count()).select_from(Mention))
        unique = session.scalar(select(func.count(func.distinct(Mention.external_id))))
        done = session.scalar(
            select(func.count()).select_from(Source).where(Source.last_success_at.is_not(None))
        )
    return rows or 0, unique or 0, done or 0


def test_two_workers_share_the_sources_without_fetching_or_storing_twice(
    feeds: tuple[FeedServer, dict[str, int]], engine: Engine, db_url: str, tmp_path: Path
) -> None:
    server, ids = feeds
    procs = [
        subprocess.Popen(
            [_listener(), "worker"],
            env=_env(db_url, tmp_path, f"worker-{n}"),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    try:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline and _counts(engine)[2] < FEEDS:
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.3)
        time.sleep(1.5)  # a second chance to fetch anything twice (there must be none)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        outputs = [_finish(p, 20)[0] for p in procs]
    rows, unique, done = _counts(engine)
    assert done == FEEDS, outputs
    assert all(p.returncode == 0 for p in procs), outputs
    assert all("stopped" in out for out in outputs), outputs
    assert server.hits == Counter({path: 1 for path in ids}), outputs  # each source fetched once
    assert rows == unique == FEEDS * ITEMS
    with session_scope(make_session_factory(engine)) as session:
        collected = session.scalar(select(func.sum(Source.mentions_collected)))
        leased = session.scalar(
            select(func.count()).select_from(Source).where(Source.lease_owner.is_not(None))
        )
    assert collected == FEEDS * ITEMS and leased == 0


def test_two_concurrent_collect_once_runs_store_each_mention_once(
    feeds: tuple[FeedServer, dict[str, int]], engine: Engine, db_url: str, tmp_path: Path
) -> None:
    server, ids = feeds
    agents = ("once-1", "once-2")
    procs = [
        subprocess.Popen(
            [_listener(), "collect", "--once"],
            env=_env(db_url, tmp_path, agent),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for agent in agents
    ]
    outputs = [_finish(p, DEADLINE) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    lines = [line for out, _ in outputs for line in out.splitlines()]
    new = [int(m.group(1)) for line in lines if (m := re.search(r": (\d+) new, ", line))]
    assert sum(new) == FEEDS * ITEMS, lines  # nothing counted as new twice
    hits = server.by_agent
    for path in ids:
        assert server.hits[path] >= 1
        assert all(hits[(agent, path)] <= 1 for agent in agents)  # once per run, per process
    rows, unique, done = _counts(engine)
    assert rows == unique == FEEDS * ITEMS and done == FEEDS


def test_a_worker_sends_a_per_mention_alert_within_seconds_not_at_the_next_minute(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """A crisis mention stored by anyone (here: this process, as the API would) is matched by a
    per-mention rule as it is stored; the worker's outbox job posts it to Slack right away."""
    from listener.engine.new_mentions import alert_on_new
    from listener.pipeline.ingest import store_batch
    from listener.schemas.mentions import MentionIn
    from listener.storage.models import AlertRule, Brand, Channel
    from tests.engine.sinks import HttpSink
    from tests.factories import mention

    sessions = make_session_factory(engine)
    with HttpSink() as slack:
        with session_scope(sessions) as session:
            acme = Brand(name="Acme", aliases=[], products=[], lexicon={}, topics={})
            hook = Channel(name="slack", type="slack", config={"webhook_url": slack.url + "/services/T/B/x"})
            session.add_all([acme, hook])
            session.flush()
            session.add(
                AlertRule(
                    name="breach",
                    type="mention",
                    params={"crisis_terms": ["breach"]},
                    scope={"brand_ids": [acme.id]},
                    channels=[hook.id],
                )
            )
        proc = subprocess.Popen(
            [_listener(), "worker"],
            env=_env(db_url, tmp_path, "worker-alerts"),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            time.sleep(3.0)  # the worker is up and has run its first (minute) evaluation
            item = mention(
                1,
                text="Acme confirms a data breach of customer cards",
                published_at=datetime.now(UTC).isoformat(),  # old mentions (a backfill) never alert
            )
            with session_scope(sessions) as session:
                outcome = store_batch(session, [MentionIn.model_validate(item).model_dump()])
                assert outcome.created_ids
                alert_on_new(
                    session, outcome.created_ids, settings=Settings(database_url=db_url, _env_file=None)
                )
            stored = time.monotonic()
            while time.monotonic() - stored < 30 and not slack.requests and proc.poll() is None:
                time.sleep(0.05)
            waited = time.monotonic() - stored
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            output = _finish(proc, 20)[0]
    # the next minute evaluation is ~57 s away: only the outbox job can have sent it this soon
    assert len(slack.requests) == 1, output
    assert waited < 30, output
    assert "breach" in slack.requests[0].json()["text"], slack.requests[0].json()
