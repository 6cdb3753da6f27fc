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
