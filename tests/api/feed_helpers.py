"""What the feed tests share: the endpoint, ingesting through the API, reading pages and whole
feeds, and times relative to ``BASE_TIME``."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from tests.factories import BASE_TIME

FEED = "/api/v1/mentions"


def ingest(api, items: list[dict]) -> list[int]:
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": items})
    assert resp.status_code == 200, resp.text
    return resp.json()["ids"]


def page(client, **params) -> dict:
    resp = client.get(FEED, params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def feed(client, cursor: str | None = None, **params) -> list[dict]:
    """Every item of the feed for ``params`` (from ``cursor`` on), following cursors."""
    body = page(client, **params, **({"cursor": cursor} if cursor else {}))
    out = list(body["items"])
    while body["next_cursor"]:
        body = page(client, **params, cursor=body["next_cursor"])
        out += body["items"]
    return out


def key(m: dict) -> tuple[datetime, int]:
    return datetime.fromisoformat(m["published_at"]), m["id"]


def at(minutes: float) -> str:
    return (BASE_TIME + timedelta(minutes=minutes)).isoformat()


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
