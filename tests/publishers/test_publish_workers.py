"""Two workers sending the publish queue at once, on SQLite and PostgreSQL: each reply is posted
exactly once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from listener.storage.db import make_session_factory
from listener.worker.publish_jobs import Publishing
from tests.collectors.collectors_testkit import Scripted
from tests.publishers.queue_helpers import approved, created, ingest, posts, publish


def test_two_workers_never_send_the_same_reply(api, acme, engine, settings, local_server) -> None:  # type: ignore[no-untyped-def]
    texts = [f"Sorry about that, we are on it ({n})." for n in range(4)]
    replies = [approved(api, ingest(api, f"18649300000000001{n:02d}"), t) for n, t in enumerate(texts)]
    for reply_id in replies:
        publish(api, reply_id)
    local_server.serve(
        [Scripted(201, created(f"18649372103848591{n:02d}").body, delay=0.2) for n in range(4)]
    )
    workers = [Publishing(make_session_factory(engine), settings) for _ in range(2)]
    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda w: w.tick(), workers))
        workers[0].tick()  # whatever a worker could not take (SQLite's single writer) goes now
    finally:
        for w in workers:
            w.close()
    sent = sorted(json.loads(p["body"])["text"] for p in posts(local_server))
    assert sent == sorted(texts)  # each reply exactly once
    rows = api.as_("viewer").get("/api/v1/replies", params={"status": "sent"}).json()
    assert sorted(r["id"] for r in rows) == sorted(replies)
