"""Builders for test data: keyword defaults, no magic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

BASE_TIME = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def mention(i: int = 0, **kw: Any) -> dict[str, Any]:
    """One ingest item; ``i`` makes the external id and the time unique."""
    item: dict[str, Any] = {
        "platform": "twitter",
        "external_id": f"tw-{i}",
        "url": f"https://x.com/someone/status/{i}",
        "text": f"Acme delivery number {i} arrived on time, thanks!",
        "kind": "post",
        "author": {"handle": f"user{i % 7}", "name": f"User {i % 7}", "reach": 100 + i},
        "engagement": {"likes": i % 5},
        "published_at": (BASE_TIME + timedelta(minutes=i)).isoformat(),
        "language": "en",
        "brand": "Acme",
    }
    item.update(kw)
    return item


def mentions(n: int, start: int = 0, **kw: Any) -> list[dict[str, Any]]:
    return [mention(i, **kw) for i in range(start, start + n)]


def rss_of(items: list[tuple[str, str, datetime]]) -> bytes:
    """An RSS 2.0 feed of ``(guid, text, published)`` items: title = guid, link under
    news.example.test (texts are the team's own, no markup)."""
    from email.utils import format_datetime

    body = "".join(
        f"<item><title>{guid}</title><link>https://news.example.test/{guid}</link><guid>{guid}</guid>"
        f"<pubDate>{format_datetime(at)}</pubDate><description>{text}</description></item>"
        for guid, text, at in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://news.example.test/</link><description>team feed</description>{body}</channel></rss>"
    ).encode()
