"""Feed pages kept between writes (``listener.pipeline.feed_cache``, ``listener.storage.changes``):
a repeated page is served from memory, and a committed write, from this process or another one,
is seen by the very next read. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from listener.app import create_app
from listener.settings import Settings
from tests.api.conftest import Api
from tests.api.feed_helpers import FEED, at, ingest, page


def outcomes(client) -> dict[str, float]:
    """``listener_feed_cache_total`` by outcome, from /metrics."""
    body = client.get("/metrics").text
    return {
        m[0]: float(m[1])
        for m in re.findall(r'^listener_feed_cache_total\{outcome="(\w+)"\} (\S+)$', body, re.M)
    }


def wait_until(predicate, what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.02)


def clock_up(app) -> None:
    wait_until(lambda: app.state.change_clock.version() is not None, "the change clock runs")


def items(n: int, text_: str = "Acme order {i} arrived") -> list[dict]:
    return [
        {
            "platform": "rss",
            "external_id": f"c{i}",
            "text": text_.format(i=i),
            "brand": "Acme",
            "published_at": at(i),
        }
        for i in range(n)
    ]


def test_a_repeated_page_is_sent_again_from_memory(api: Api, acme, app) -> None:
    ingest(api, items(3))
    clock_up(app)
    viewer = api.as_("viewer")
    first = viewer.get(FEED, params={"brand": "Acme", "limit": 2})
    before = outcomes(viewer)
    second = viewer.get(FEED, params={"brand": "Acme", "limit": 2})
    after = outcomes(viewer)
    assert second.status_code == 200
    assert second.content == first.content
    assert after.get("hit", 0) == before.get("hit", 0) + 1
    # another query string is another page
    third = viewer.get(FEED, params={"brand": "Acme", "limit": 1})
    assert len(third.json()["items"]) == 1
    assert outcomes(viewer).get("miss", 0) == after.get("miss", 0) + 1


def test_a_change_through_the_api_shows_on_the_next_read(api: Api, acme, app) -> None:
    ids = ingest(api, items(2))
    clock_up(app)
    viewer = api.as_("viewer")
    assert {m["id"] for m in page(viewer, status="new")["items"]} == set(ids)
    assert {m["id"] for m in page(viewer, status="new")["items"]} == set(ids)  # kept
    resp = api.as_("agent").patch(f"{FEED}/{ids[0]}", json={"status": "resolved"})
    assert resp.status_code == 200, resp.text
    viewer = api.as_("viewer")
    assert [m["id"] for m in page(viewer, status="new")["items"]] == [ids[1]]
    ingest(api, items(3)[2:])
    assert len(page(viewer, status="new")["items"]) == 2


def test_a_write_by_another_process_retires_the_kept_pages(api: Api, acme, app, db_url: str) -> None:
    (ident,) = ingest(api, items(1))
    clock_up(app)
    viewer = api.as_("viewer")
    assert page(viewer)["items"][0]["text"] == "Acme order 0 arrived"
    hits = outcomes(viewer).get("hit", 0)
    assert page(viewer)["items"][0]["text"] == "Acme order 0 arrived"
    assert outcomes(viewer).get("hit", 0) == hits + 1  # the page is kept now
    script = (
        "import sys; from sqlalchemy import create_engine, text\n"
        "e = create_engine(sys.argv[1])\n"
        "with e.begin() as c: c.execute(text('UPDATE mention SET text = :t WHERE id = :i'),"
        " {'t': 'Acme order 0 lost', 'i': int(sys.argv[2])})\n"
    )
    subprocess.run([sys.executable, "-c", script, db_url, str(ident)], check=True, timeout=60)
    # SQLite sees it at once (data_version); PostgreSQL within its notification's delivery
    wait_until(lambda: page(viewer)["items"][0]["text"] == "Acme order 0 lost", "the other process's write")


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_pages_are_not_kept_while_the_listen_connection_is_down(api: Api, acme, app, engine) -> None:
    (ident,) = ingest(api, items(1))
    clock_up(app)
    viewer = api.as_("viewer")
    page(viewer)
    with engine.begin() as conn:
        killed = conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN listener_changes%'"
            )
        ).all()
    assert killed
    wait_until(lambda: app.state.change_clock.version() is None, "the clock notices the lost connection")
    before = outcomes(viewer)
    page(viewer)
    page(viewer)
    after = outcomes(viewer)
    assert after.get("off", 0) == before.get("off", 0) + 2
    assert after.get("hit", 0) == before.get("hit", 0)
    clock_up(app)  # it reconnects on its own
    page(viewer)
    assert page(viewer)["items"][0]["id"] == ident
    assert outcomes(viewer).get("hit", 0) == after.get("hit", 0) + 1


def test_feed_cache_mb_0_keeps_nothing(settings: Settings, engine, keys) -> None:
    app = create_app(settings.model_copy(update={"feed_cache_mb": 0}), engine=engine)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {keys['manager']}"
        assert client.post("/api/v1/brands", json={"name": "Acme"}).status_code == 201
        ingest(Api(client, keys), items(1))
        clock_up(app)
        for _ in range(3):
            assert len(page(client)["items"]) == 1
        counts = outcomes(client)
        assert counts.get("hit", 0) == 0 and counts.get("off", 0) == 3
