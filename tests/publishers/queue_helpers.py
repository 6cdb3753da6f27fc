"""Helpers for the publish queue tests: X mentions ingested through the API, approved replies,
the worker's publish job run once, the posts the local X server received."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from collectors.twitter import TWITTER_EPOCH_MS
from listener.settings import Settings
from listener.storage.db import make_session_factory
from listener.worker.publish_jobs import Publishing
from tests.collectors.collectors_testkit import LocalServer, Scripted
from tests.publishers.publishers_cases import fixture

PUBLISHED = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def tweet_id(when: datetime) -> str:
    """A snowflake id created at ``when``."""
    return str((int(when.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22)


def created(post_id: str) -> Scripted:
    body = json.loads(fixture("twitter__tweets_create__201__team.json"))
    body["data"]["id"] = body["data"]["edit_history_tweet_ids"][0] = post_id
    return Scripted(201, json.dumps(body).encode(), {"Content-Type": "application/json"})


def ingest(api: Any, external_id: str, **more: Any) -> int:
    item = {
        "platform": "twitter",
        "external_id": external_id,
        "text": "@acme charged me twice, again",
        "author": {"handle": "jordan_k"},
        **more,
    }
    item = {"brand": "Acme", "published_at": PUBLISHED.isoformat(), **item}
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": [item]})
    assert resp.status_code == 200 and resp.json()["created"] == 1, resp.text
    return resp.json()["ids"][0]


def approved(api: Any, mention_id: int, text: str = "Sorry! We refunded the second charge.") -> int:
    resp = api.as_("agent").post(
        f"/api/v1/mentions/{mention_id}/replies", json={"channel": "public", "text": text}
    )
    assert resp.status_code == 201, resp.text
    reply_id = resp.json()["id"]
    assert api.as_("manager").post(f"/api/v1/replies/{reply_id}/approve", json={}).status_code == 200
    return reply_id


def publish(api: Any, reply_id: int, status: int = 202) -> dict[str, Any]:
    resp = api.as_("agent").post(f"/api/v1/replies/{reply_id}/publish")
    assert resp.status_code == status, resp.text
    return resp.json() if status < 400 else resp.json()["error"]


def tick(engine: Engine, settings: Settings, now: datetime | None = None):  # type: ignore[no-untyped-def]
    job = Publishing(make_session_factory(engine), settings)
    try:
        return job.tick(now)
    finally:
        job.close()


def reply_of(api: Any, mention_id: int) -> dict[str, Any]:
    [reply] = api.as_("viewer").get(f"/api/v1/mentions/{mention_id}/replies").json()
    return reply


def posts(server: LocalServer) -> list[dict[str, Any]]:
    return [r for r in server.requests if r["method"] == "POST" and r["path"] == "/2/tweets"]
