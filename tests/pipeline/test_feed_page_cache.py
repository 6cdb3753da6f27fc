"""``FeedCache``: pages by key for one clock version, bounded by bytes."""

from __future__ import annotations

from listener.pipeline.feed_cache import FeedCache


def test_a_page_is_served_only_for_the_version_it_was_built_at() -> None:
    cache = FeedCache(1000)
    cache.put("brand=Acme", (1, 0), b"page")
    assert cache.get("brand=Acme", (1, 0)) == b"page"
    assert cache.get("brand=Acme", (2, 0)) is None  # a write since: gone
    assert cache.get("brand=Acme", (1, 0)) is None
    assert len(cache) == 0


def test_nothing_is_kept_or_served_when_the_clock_cannot_tell() -> None:
    cache = FeedCache(1000)
    cache.put("q", None, b"page")
    assert len(cache) == 0
    cache.put("q", (1, 0), b"page")
    assert cache.get("q", None) is None


def test_the_least_recently_used_pages_leave_first_when_the_budget_is_spent() -> None:
    cache = FeedCache(800)  # pages up to 100 bytes
    for i in range(8):
        cache.put(f"p{i}", (1, 0), bytes(100))
    assert cache.get("p0", (1, 0)) is not None  # p0 is now the most recent
    cache.put("p8", (1, 0), bytes(100))
    assert cache.get("p1", (1, 0)) is None
    assert cache.get("p0", (1, 0)) is not None and cache.get("p8", (1, 0)) is not None
    assert len(cache) == 8
    cache.put("huge", (1, 0), bytes(101))  # more than an eighth of the budget: not kept
    assert cache.get("huge", (1, 0)) is None and len(cache) == 8


def test_a_page_put_again_replaces_the_old_one() -> None:
    cache = FeedCache(800)
    cache.put("q", (1, 0), bytes(100))
    cache.put("q", (2, 0), b"new")
    assert cache.get("q", (2, 0)) == b"new"
    for i in range(7):
        cache.put(f"p{i}", (2, 0), bytes(100))
    assert cache.get("q", (2, 0)) == b"new"  # 703 bytes: nothing had to leave
