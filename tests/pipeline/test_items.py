"""``Incoming``: an ingest item, an import line and a collected mention become the same row."""

from __future__ import annotations

from datetime import UTC, datetime

from collectors.records import Author, PlatformReply, RawMention
from listener.pipeline.items import Incoming, Resolved
from listener.schemas.mentions import MentionIn

ITEM = {
    "platform": "twitter",
    "external_id": "t1",
    "url": "https://x.com/a/status/1",
    "text": "Acme broke my order",
    "title": None,
    "kind": "comment",
    "author": {"handle": "a", "name": "A", "reach": 12},
    "engagement": {"likes": 2},
    "rating": None,
    "details": {"device": "Pixel"},
    "reply": {"text": "Sorry!", "replied_at": "2026-11-02T10:00:00Z"},
    "published_at": "2026-11-01T10:00:00Z",
    "language": "en",
    "brand": "Acme",
    "brands": ["Globex"],
}
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_api_item_mapping_and_collected_mention_give_the_same_row():
    validated = MentionIn.model_validate(ITEM)
    from_api = Incoming.from_api(validated)
    from_mapping = Incoming.from_mapping(validated.model_dump())
    raw = RawMention(
        platform="twitter", external_id="t1", url="https://x.com/a/status/1", text="Acme broke my order",
        title=None, kind="comment", author=Author("a", "A", 12), engagement={"likes": 2}, rating=None,
        published_at=datetime(2026, 11, 1, 10, tzinfo=UTC), language="en", details={"device": "Pixel"},
        reply=PlatformReply("Sorry!", datetime(2026, 11, 2, 10, tzinfo=UTC)),
    )  # fmt: skip
    collected = Incoming.from_raw(raw, ["Acme", "Globex"])
    rows = [
        Resolved(i, 1, "Acme", [2]).row({"language": "en"}, NOW, 7)
        for i in (from_api, from_mapping, collected)
    ]
    assert rows[0] == rows[1] == rows[2]
    assert rows[0]["status"] == "replied" and rows[0]["source_id"] == 7 and rows[0]["brand_id"] == 1
    assert from_api.named() == [("brand", "Acme"), ("brands.0", "Globex")]
    assert collected.named() == [("brand", "Acme"), ("brands.0", "Acme"), ("brands.1", "Globex")]
    assert from_api.key == ("twitter", "t1")
