"""History backfill end to end over 127.0.0.1: a search_by_date server that honours
``numericFilters`` like Algolia's, the job's one-step-per-run walk, faults (429, 5xx, a cut body), a
crash while storing, and ``listener collect --backfill`` (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, func, select

import listener.worker.collection
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Mention, Source
from listener.worker.scheduler import run_once
from tests.cli.cli_helpers import LISTENER

NOW = datetime.now(UTC).replace(microsecond=0)
TEXTS = ["Acme refund still missing", "Acme support was quick today", "Acme app logs me out again"]


def hit(i: int) -> dict[str, Any]:
    """A comment hit in Algolia's search_by_date format (fields of the recorded HN payloads)."""
    created = NOW - timedelta(hours=6 * i + 1)
    return {
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "created_at_i": int(created.timestamp()),
        "author": f"user{i}", "comment_text": f"{TEXTS[i % 3]} (#{i})", "story_id": 4000 + i,
        "story_title": "Ask HN: Acme?", "objectID": str(9000 + i), "_tags": ["comment", f"author_user{i}"],
        "points": None, "num_comments": None,
    }  # fmt: skip


class Algolia:
    """``/api/v1/search_by_date`` over ``hits`` (newest first) with ``created_at_i`` filters;
    ``faults[n]`` is the (status, body, headers, cut) answer to the n-th request from now on
    (``fault_next(n, …)``)."""

    def __init__(self, hits: list[dict[str, Any]]) -> None:
        self.hits = sorted(hits, key=lambda h: -h["created_at_i"])
        self.faults: dict[int, tuple[int, bytes, dict[str, str], bool]] = {}
        self.requests: list[dict[str, list[str]]] = []
        algolia = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                query = parse_qs(urlsplit(self.path).query)
                algolia.requests.append(query)
                fault = algolia.faults.pop(len(algolia.requests), None)
                status, body, headers, cut = fault or algolia.answer(query)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body) + (50 if cut else 0)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, query: dict[str, list[str]]) -> tuple[int, bytes, dict[str, str], bool]:
        keep = self.hits
        for cond in (query.get("numericFilters") or [""])[0].split(","):
            for op in (">=", "<", ">"):
                if cond.startswith("created_at_i" + op):
                    bound = int(cond[len("created_at_i" + op) :])
                    test = {">=": lambda v, b=bound: v >= b, "<": lambda v, b=bound: v < b,
                            ">": lambda v, b=bound: v > b}[op]  # fmt: skip
                    keep = [h for h in keep if test(h["created_at_i"])]
                    break
        per_page, page = int(query["hitsPerPage"][0]), int(query.get("page", ["0"])[0])
        chunk = keep[page * per_page : (page + 1) * per_page]
        body = {"hits": chunk, "nbHits": len(keep), "page": page, "nbPages": -(-len(keep) // per_page),
                "hitsPerPage": per_page}  # fmt: skip
        return 200, json.dumps(body).encode(), {"Content-Type": "application/json"}, False

    def fault_next(self, n: int, status: int, body: bytes, headers: dict[str, str] | None = None,
                   cut: bool = False) -> None:  # fmt: skip
        """Answer the n-th request from now (1 = the next one) with this fault."""
        self.faults[len(self.requests) + n] = (status, body, headers or {}, cut)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def algolia() -> Iterator[Algolia]:
    server = Algolia([hit(i) for i in range(30)])  # 30 comments over 7.5 days
    yield server
    server.close()


def _source(sessions, algolia: Algolia, **params: Any) -> int:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        p = {"query": "acme", "tags": ["comment"], "hits_per_page": 4, "base_url": algolia.url} | params
        source = Source(name="hn", platform="hackernews", params=p)
        session.add(source)
        session.flush()
        return source.id


def _stored(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        return list(session.scalars(select(Mention.external_id).order_by(Mention.external_id)))


def _state(sessions, sid: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with session_scope(sessions) as session:
        return dict(session.get(Source, sid).backfill or {})  # type: ignore[union-attr]


def test_backfill_days_param_walks_history_through_faults_and_a_crash(
    algolia: Algolia, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = make_session_factory(engine)
    settings = settings.model_copy(update={"http_timeout": 5.0})
    sid = _source(sessions, algolia, backfill_days=5)  # 5 days: hits 0..19 (6 h apart, from 1 h ago)
    [first] = run_once(settings, sessions, sid)  # newest page, then one backfill step (5 requests)
    assert first.error is None and first.backfill_warning is None
    state = _state(sessions, sid)
    assert state["days"] == 5 and state["done"] is False and state["steps"] == 1 and state["position"]
    after_first = len(_stored(sessions))
    assert after_first > 4  # the newest page plus older pages

    # each run: one request for the newest page, then the backfill step's requests
    algolia.fault_next(2, 429, b'{"message": "slow down"}', {"Retry-After": "30"})
    [limited] = run_once(settings, sessions, sid)
    assert limited.error is None and "backfill waits" in (limited.backfill_warning or "")
    assert _state(sessions, sid) == state  # the position did not move

    algolia.fault_next(2, 503, b"down")
    [down] = run_once(settings, sessions, sid)
    assert "503" in (down.backfill_warning or "") and _state(sessions, sid) == state

    algolia.fault_next(
        2, 200, b'{"hits": [{"objectID": "1", "crea', {"Content-Type": "application/json"}, cut=True
    )
    [cut] = run_once(settings, sessions, sid)
    assert "backfill waits" in (cut.backfill_warning or "") and _state(sessions, sid) == state

    real = listener.worker.collection.store_batch
    monkeypatch.setattr(
        listener.worker.collection, "store_batch", lambda *a, **k: (_ for _ in ()).throw(OSError("disk gone"))
    )
    [crashed] = run_once(settings, sessions, sid)
    assert "storing the batch failed" in (crashed.error or "") and _state(sessions, sid) == state
    assert len(_stored(sessions)) == after_first
    monkeypatch.setattr(listener.worker.collection, "store_batch", real)

    for _ in range(10):
        if _state(sessions, sid)["done"]:
            break
        [result] = run_once(settings, sessions, sid)
        assert result.error is None
    assert _state(sessions, sid)["done"] is True
    stored = _stored(sessions)
    assert stored == sorted(str(9000 + i) for i in range(20))  # 5 days back, each exactly once
    with session_scope(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Mention)) == 20
    before = len(algolia.requests)
    run_once(settings, sessions, sid)  # done: later runs read only the newest page
    assert len(algolia.requests) == before + 1


def test_collect_backfill_command(algolia: Algolia, engine: Engine, settings: Settings, db_url: str) -> None:
    sessions = make_session_factory(engine)
    sid = _source(sessions, algolia)
    algolia.fault_next(
        1, 200, b'{"hits": [{"objectID": "1", "crea', {"Content-Type": "application/json"}, cut=True
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENER_")} | {
        "LISTENER_DATABASE_URL": db_url,
        "LISTENER_OUTBOUND_ALLOW": "127.0.0.1",  # the recorded platform is served on loopback
    }
    cmd = [LISTENER, "collect", "--backfill", "3", "--source", str(sid)]
    cut = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert cut.returncode == 1 and "unfinished" in cut.stdout  # the cut body failed the run: resumable
    assert _stored(sessions) == []
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 source(s) done" in done.stdout
    assert _stored(sessions) == sorted(str(9000 + i) for i in range(12))  # 3 days: hits 0..11
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and _stored(sessions) == sorted(str(9000 + i) for i in range(12))


def test_backfill_days_is_a_param_only_where_history_can_be_walked() -> None:
    from pydantic import ValidationError

    from collectors import validate_params

    assert validate_params("hackernews", {"query": "acme", "backfill_days": 30}).backfill_days == 30  # type: ignore[attr-defined]
    for platform, raw in (
        ("rss", {"urls": ["https://example.com/feed.xml"]}),
        ("appstore", {"app_ids": ["1"]}),
    ):
        with pytest.raises(ValidationError) as refused:
            validate_params(platform, raw | {"backfill_days": 30})
        assert refused.value.errors()[0]["loc"] == ("backfill_days",)
    with pytest.raises(ValidationError):
        validate_params("reddit", {"query": "acme", "backfill_days": 0})
