"""Builders for the engine tests: brands, stored mentions, channels and rules (keyword defaults)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from listener.engine.delivery import outbound_client as delivery_client
from listener.settings import Settings
from listener.storage.models import AlertRule, Brand, Channel, Mention
from outbound.http import GuardedClient

NOW = datetime(2026, 11, 19, 14, 50, tzinfo=UTC)
SETTINGS = Settings(_env_file=None)  # what the engine is handed by its caller (links, replies)
_ids = count(1)


def outbound_client() -> GuardedClient:
    """The outbox's client as the worker builds it, under the test configuration's allow list
    (127.0.0.0/8, for the sinks)."""
    return delivery_client(SETTINGS)


def brand(session: Session, name: str = "Acme") -> Brand:
    b = Brand(name=name, aliases=[], products=[], lexicon={}, topics={})
    session.add(b)
    session.flush()
    return b


def mention(session: Session, brand_id: int | None, at: datetime, **kw: Any) -> Mention:
    i = next(_ids)
    kw.setdefault("platform", "twitter")
    kw.setdefault("external_id", f"t-{i}")
    kw.setdefault("text", f"Acme mention {i}")
    kw.setdefault("url", f"https://x.example/status/{i}")
    kw.setdefault("author_handle", f"user{i % 11}")
    kw.setdefault("author_reach", 100 + i % 50)
    kw.setdefault("sentiment_label", "neutral")
    kw.setdefault("sentiment_score", 0.0)
    kw.setdefault("language", "en")
    m = Mention(brand_id=brand_id, published_at=at, **kw)
    session.add(m)
    return m


def history(session: Session, brand_id: int, end: datetime, days: int = 10, per_hour: int = 2) -> None:
    """``per_hour`` mentions in every hour of the ``days`` before ``end``'s hour."""
    start = end.replace(minute=0, second=0, microsecond=0) - timedelta(days=days)
    at = start
    while at < end.replace(minute=0, second=0, microsecond=0):
        for k in range(per_hour):
            mention(session, brand_id, at + timedelta(minutes=10 + 20 * k))
        at += timedelta(hours=1)
    session.flush()


def burst(session: Session, brand_id: int, start: datetime, n: int, **kw: Any) -> list[Mention]:
    """``n`` negative mentions spread over the 40 minutes from ``start``."""
    kw.setdefault("sentiment_label", "negative")
    kw.setdefault("sentiment_score", -0.7)
    out = [
        mention(session, brand_id, start + timedelta(seconds=i * 2400 // max(n, 1)), **kw) for i in range(n)
    ]
    session.flush()
    return out


def channel(session: Session, type: str = "webhook", **config: Any) -> Channel:
    config.setdefault("url", "http://127.0.0.1:9/hook")
    c = Channel(name=f"{type}-{next(_ids)}", type=type, config=config, enabled=True)
    session.add(c)
    session.flush()
    return c


def rule(session: Session, type: str = "spike", *, brand_id: int | None, channels=(), **kw: Any) -> AlertRule:
    params = kw.pop("params", {})
    scope = kw.pop("scope", {"brand_ids": [brand_id]} if brand_id else {})
    r = AlertRule(
        name=kw.pop("name", f"{type}-{next(_ids)}"),
        type=type,
        params=params,
        scope=scope,
        channels=[c.id for c in channels],
        **kw,
    )
    session.add(r)
    session.flush()
    return r
