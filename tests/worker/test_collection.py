"""Collection jobs end to end: team-written RSS 2.0 feeds served over real HTTP on 127.0.0.1, the real
``rss`` collector, leases and ``run_source`` on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

import listener.pipeline.ingest
from collectors.http import make_client
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Mention, Source
from listener.worker.collection import MAX_FAILURES, run_source
from listener.worker.leases import claim_due
from listener.worker.scheduler import run_once

FEED_TIME = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


# --- a local feed server --------------------------------------------------------------------------


def rss_feed(name: str, count: int, start: int = 0) -> bytes:
    """An RSS 2.0 feed with ``count`` items, newest first, guids ``<name>-<i>``."""
    items = []
    for i in reversed(range(start, start + count)):
        when = format_datetime(FEED_TIME + timedelta(minutes=i))
        items.append(
            f"<item><title>{escape(name)} story {i}</title>"
            f"<link>https://news.example.test/{escape(name)}/{i}</link>"
            f'<guid isPermaLink="false">{escape(name)}-{i}</guid>'
            f"<pubDate>{when}</pubDate>"
            f"<description>Acme shipped order {i} late again, customers on {escape(name)} are annoyed."
            f"</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(name)}</title><link>https://news.example.test/{escape(name)}</link>"
        f"<description>Team-written test feed</description><language>en</language>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/rss+xml"})


class FeedServer:
    """http.server on 127.0.0.1: ``answers[path]`` says what each path returns; ``hits`` counts
    requests per path (``by_agent`` per User-Agent and path); ``on_request`` runs before answering."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.hits: Counter[str] = Counter()
        self.by_agent: Counter[tuple[str, str]] = Counter()
        self.on_request: Callable[[str], None] | None = None
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server.lock:
                    server.hits[self.path] += 1
                    server.by_agent[(self.headers.get("User-Agent", ""), self.path)] += 1
                    answer = server.answers.get(self.path, Answer(404, b"not found"))
                if server.on_request is not None:
                    server.on_request(self.path)
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def feed(self, path: str, name: str, count: int, start: int = 0) -> None:
        self.answers[path] = Answer(body=rss_feed(name, count, start))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    yield srv
    srv.close()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with make_client(settings.model_copy(update={"http_timeout": 5.0})) as c:
        yield c


def add_source(sessions: sessionmaker[Session], url: str, name: str = "news", **kw: Any) -> int:
    with session_scope(sessions) as session:
        source = Source(name=name, platform="rss", params={"urls": [url]}, interval_seconds=900, **kw)
        session.add(source)
        session.flush()
        return source.id


def load(sessions: sessionmaker[Session], source_id: int) -> Source:
    with session_scope(sessions) as session:
        source = session.get(Source, source_id)
        assert source is not None
        session.expunge(source)
        return source


def stored(sessions: sessionmaker[Session]) -> list[tuple[str, int | None]]:
    with session_scope(sessions) as session:
        return list(
            session.execute(select(Mention.external_id, Mention.source_id).order_by(Mention.external_id))
        )


def claim(sessions: sessionmaker[Session], now: datetime, worker: str = "w1", **kw: Any) -> list[int]:
    with session_scope(sessions) as session:
        return claim_due(
            session, worker=worker, now=now, lease_seconds=kw.pop("lease_seconds", 300), limit=10
        )


def claim_and_run(sessions, settings, client, source_id: int, now: datetime, worker: str = "w1"):  # type: ignore[no-untyped-def]
    assert source_id in claim(sessions, now, worker), "source was not due"
    return run_source(sessions, settings, client, source_id, worker=worker, now=now)


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


# --- the commands ------------------------------------------------------------------------------------


@pytest.fixture
def cli(db_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    from typer.testing import CliRunner

    from listener.cli.main import app

    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("LISTENER_DATABASE_URL", db_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_collect_once_prints_a_line_per_source_and_sources_shows_health(
    server: FeedServer, sessions, cli
) -> None:
    server.feed("/a.xml", "alpha", 3)
    server.answers["/b.xml"] = Answer(500, b"boom")
    a = add_source(sessions, server.url("/a.xml"), name="Alpha news")
    b = add_source(sessions, server.url("/b.xml"), name="Broken blog")

    refused = cli("collect")
    assert refused.exit_code == 2 and "--once" in refused.output

    ran = cli("collect", "--once")
    assert ran.exit_code == 1, ran.output  # one source failed
    lines = [line for line in ran.stdout.splitlines() if "(#" in line]
    assert len(lines) == 2
    assert lines[0].startswith(
        f"Alpha news (#{a}): 3 new, 0 duplicate(s), 0 matching no query, error: -, next run: "
    )
    assert (
        lines[1].startswith(f"Broken blog (#{b}): 0 new, 0 duplicate(s), 0 matching no query, error: ")
        and "500" in lines[1]
    )

    only = cli("collect", "--once", "--source", str(a))
    assert only.exit_code == 0 and "Alpha news" in only.stdout and "Broken" not in only.stdout
    assert "0 new, 3 duplicate(s)" in only.stdout or "0 new, 1 duplicate(s)" in only.stdout
    missing = cli("collect", "--once", "--source", "999")
    assert missing.exit_code == 1 and "999" in missing.output

    table = cli("sources")
    assert table.exit_code == 0, table.output
    rows = table.stdout.splitlines()
    assert rows[0].split()[:4] == ["id", "name", "platform", "status"]
    alpha = next(r for r in rows if "Alpha news" in r)
    broken = next(r for r in rows if "Broken blog" in r)
    assert " ok " in alpha and " 3 " in alpha
    assert " backoff " in broken and "500" in broken and " 1 " in broken


# --- the scheduler -----------------------------------------------------------------------------------


def test_build_scheduler_has_coalescing_collect_and_alert_ticks(sessions, settings) -> None:
    from listener.worker.scheduler import Collecting, build_scheduler

    collecting = Collecting(settings, sessions, worker="w")
    try:
        scheduler = build_scheduler(settings, sessions, collecting=collecting)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"collect:tick", "alerts:tick", "alerts:deliver", "reports:tick"}
        assert all(job.max_instances == 1 and job.coalesce is True for job in jobs.values())
        assert jobs["collect:tick"].trigger.interval == timedelta(seconds=10)
        assert jobs["alerts:tick"].trigger.interval == timedelta(seconds=60)
        assert jobs["alerts:deliver"].trigger.interval == timedelta(seconds=1)
        assert jobs["reports:tick"].trigger.interval == timedelta(seconds=60)
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
