"""A local RSS server for the collection tests (team-written RSS 2.0 feeds over real HTTP on
127.0.0.1), its fixtures (``server``, ``sessions``, ``client``: ``tests/worker/conftest.py``
offers them to this folder, other folders import them) and the helpers that add, claim, run and
read sources."""

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
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from collectors.http import make_client
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Mention, Source
from listener.worker.collection import run_source
from listener.worker.leases import claim_due

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
