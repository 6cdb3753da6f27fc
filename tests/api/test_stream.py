"""GET /api/v1/stream over a real uvicorn server on 127.0.0.1, read with a real SSE client
(httpx-sse): new mentions arrive as events; a client that disconnects and comes back with
Last-Event-ID gets exactly what it missed, in order; on PostgreSQL, a mention whose transaction
commits after a later-numbered one is not skipped; revoking the key ends the stream."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse
from sqlalchemy import Engine, update

from listener.app import create_app
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import ApiKey, Brand, Mention
from tests.factories import mention
from tests.served import serve

PATIENCE = 30.0  # seconds before a test gives up waiting for an event (a hang, not a speed check)


@pytest.fixture
def base_url(settings: Settings, engine: Engine, keys: dict[str, str]) -> Iterator[str]:
    fast = settings.model_copy(update={"stream_poll_seconds": 0.05, "stream_heartbeat_seconds": 1.0})
    with serve(create_app(fast, engine=engine)) as url:
        headers = {"Authorization": f"Bearer {keys['manager']}"}
        for name in ("Acme", "Globex"):
            assert httpx.post(f"{url}/api/v1/brands", json={"name": name}, headers=headers).status_code == 201
        yield url


def ingest(url: str, key: str, items: list[dict]) -> None:
    resp = httpx.post(
        f"{url}/api/v1/ingest", json={"mentions": items}, headers={"Authorization": f"Bearer {key}"}
    )
    assert resp.status_code == 200, resp.text


class Reader:
    """One SSE connection; ``take(n)`` returns the next n mention events (failing after PATIENCE)."""

    def __init__(self, client: httpx.Client, events: Iterator[ServerSentEvent]) -> None:
        self.client = client
        self.events = events
        self.errors: list[dict] = []

    def take(self, n: int) -> list[ServerSentEvent]:
        got: list[ServerSentEvent] = []
        deadline = time.monotonic() + PATIENCE
        while len(got) < n:
            assert time.monotonic() < deadline, f"only {len(got)} of {n} events arrived"
            event = next(self.events)
            if event.event == "mention":
                got.append(event)
            elif event.event == "error":
                self.errors.append(json.loads(event.data))
                break
        return got


def open_stream(url: str, key: str, params: dict | None = None, last_id: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {key}"}
    if last_id is not None:
        headers["Last-Event-ID"] = last_id
    client = httpx.Client(base_url=url, timeout=httpx.Timeout(PATIENCE))
    source = connect_sse(client, "GET", "/api/v1/stream", params=params or {}, headers=headers)
    return client, source


def external_ids(events: list[ServerSentEvent]) -> list[str]:
    return [json.loads(e.data)["external_id"] for e in events]


def test_disconnect_and_resume_without_gaps_or_repeats(base_url: str, keys: dict[str, str]) -> None:
    viewer, manager = keys["viewer"], keys["manager"]
    client, source = open_stream(base_url, viewer, {"brand": "Acme"})
    with client, source as es:
        assert es.response.headers["content-type"].startswith("text/event-stream")
        reader = Reader(client, es.iter_sse())
        ingest(base_url, manager, [mention(i) for i in range(3)])
        first = reader.take(3)
    assert external_ids(first) == ["tw-0", "tw-1", "tw-2"]
    ids = [int(e.id) for e in first]
    assert ids == sorted(ids) and len(set(ids)) == 3

    # while away: four for Acme, one for Globex (filtered out)
    ingest(
        base_url, manager, [mention(i) for i in range(3, 7)] + [mention(99, brand="Globex", text="Globex ok")]
    )

    client, source = open_stream(base_url, viewer, {"brand": "Acme"}, last_id=first[-1].id)
    with client, source as es:
        reader = Reader(client, es.iter_sse())
        missed = reader.take(4)
        assert external_ids(missed) == ["tw-3", "tw-4", "tw-5", "tw-6"]
        ingest(base_url, manager, [mention(7)])
        assert external_ids(reader.take(1)) == ["tw-7"]  # the next one, not a repeat of the missed
    assert int(missed[0].id) > ids[-1]

    # the same position as a query parameter (for clients that cannot set headers)
    client, source = open_stream(base_url, viewer, {"brand": "Acme", "last_event_id": missed[-1].id})
    with client, source as es:
        assert external_ids(Reader(client, es.iter_sse()).take(1)) == ["tw-7"]


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_late_commit_with_a_smaller_id_is_not_skipped(
    base_url: str, keys: dict[str, str], engine: Engine
) -> None:
    sessions = make_session_factory(engine)

    def row(external_id: str) -> Mention:
        with session_scope(sessions) as s:
            acme = s.query(Brand).filter_by(name="Acme").one().id
        return Mention(platform="twitter", external_id=external_id, text="Acme late", brand_id=acme,
                       published_at=datetime(2026, 11, 10, tzinfo=UTC))  # fmt: skip

    client, source = open_stream(base_url, keys["viewer"])
    with client, source as es:
        reader = Reader(client, es.iter_sse())
        slow = sessions()
        slow_row = row("slow")
        slow.add(slow_row)
        slow.flush()  # takes the smaller id, not committed yet
        with session_scope(sessions) as fast:
            fast_row = row("fast")
            fast.add(fast_row)
        assert slow_row.id < fast_row.id
        assert external_ids(reader.take(1)) == ["fast"]
        slow.commit()
        slow.close()
        assert external_ids(reader.take(1)) == ["slow"]


def test_revoking_the_key_ends_the_stream(base_url: str, keys: dict[str, str], engine: Engine) -> None:
    client, source = open_stream(base_url, keys["viewer"])
    with client, source as es:
        reader = Reader(client, es.iter_sse())
        ingest(base_url, keys["manager"], [mention(1)])
        assert len(reader.take(1)) == 1
        with engine.begin() as conn:
            conn.execute(
                update(ApiKey).where(ApiKey.name == "viewer-key").values(revoked_at=datetime.now(UTC))
            )
        assert reader.take(1) == []
        assert reader.errors and reader.errors[0]["code"] == "unauthorized"


def test_bad_requests(base_url: str, keys: dict[str, str]) -> None:
    assert httpx.get(f"{base_url}/api/v1/stream").status_code == 401
    auth = {"Authorization": f"Bearer {keys['viewer']}"}
    resp = httpx.get(f"{base_url}/api/v1/stream", headers={**auth, "Last-Event-ID": "abc"})
    assert resp.status_code == 422 and "Last-Event-ID" in resp.json()["error"]["message"]
    resp = httpx.get(f"{base_url}/api/v1/stream", params={"sentiment": "angry"}, headers=auth)
    assert resp.status_code == 422
