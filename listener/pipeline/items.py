"""``Incoming``: the one typed shape of a mention on its way in, from collector or API to the row.

A collector's ``RawMention`` (``from_raw``, with the brands the query router found), an ingest
item (``from_api``: a validated ``MentionIn``) and an import line all become an ``Incoming``;
``store_batch`` resolves its brand names to ids (``Resolved``) and writes ``row``. No dicts with
private keys, no reshaping between the stages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collectors.records import Author, PlatformReply, RawMention
from listener.schemas.mentions import MentionIn


@dataclass(slots=True)
class Incoming:
    """One mention to store: ``RawMention``'s fields and the brands it is linked to (``brand``, the
    primary one; ``brands``, further ones)."""

    mention: RawMention
    brand: str | None = None
    brands: list[str] = field(default_factory=list)

    @classmethod
    def from_raw(cls, m: RawMention, brands: list[str] | None = None) -> Incoming:
        """A collected mention, linked to ``brands`` (priority order; the first is primary)."""
        brands = brands or []
        return cls(m, brands[0] if brands else None, brands)

    @classmethod
    def from_api(cls, m: MentionIn) -> Incoming:
        """A validated ingest item."""
        reply = None if m.reply is None else PlatformReply(m.reply.text, m.reply.replied_at)
        raw = RawMention(
            platform=m.platform, external_id=m.external_id, url=m.url, text=m.text, title=m.title,
            kind=m.kind, author=Author(m.author.handle, m.author.name, m.author.reach),
            engagement=m.engagement, rating=m.rating, published_at=m.published_at,
            language=m.language, details=m.details, reply=reply, in_reply_to=m.in_reply_to,
        )  # fmt: skip
        return cls(raw, m.brand, list(m.brands))

    @classmethod
    def from_mapping(cls, item: Mapping[str, Any]) -> Incoming:
        """An item in the ``MentionIn`` shape, already validated (``MentionIn.model_dump()``)."""
        author = item.get("author") or {}
        reply = item.get("reply")
        raw = RawMention(
            platform=item["platform"], external_id=item["external_id"], url=item.get("url"),
            text=item.get("text") or "", title=item.get("title"), kind=item.get("kind") or "post",
            author=Author(author.get("handle"), author.get("name"), author.get("reach")),
            engagement=dict(item.get("engagement") or {}), rating=item.get("rating"),
            published_at=item["published_at"], language=item.get("language"),
            details=dict(item.get("details") or {}),
            reply=None if not reply else PlatformReply(reply["text"], reply.get("replied_at")),
            in_reply_to=item.get("in_reply_to"),
        )  # fmt: skip
        return cls(raw, item.get("brand"), list(item.get("brands") or ()))

    @property
    def key(self) -> tuple[str, str]:
        """The dedup key, (platform, external_id)."""
        return self.mention.platform, self.mention.external_id

    def named(self) -> list[tuple[str, str]]:
        """``(field, brand name)`` of every brand named: ``brand`` first, then ``brands``."""
        named = [("brand", self.brand)] if self.brand else []
        return named + [(f"brands.{j}", n) for j, n in enumerate(self.brands)]


@dataclass(slots=True)
class Resolved:
    """An ``Incoming`` whose brand names are resolved: the primary brand's id and name, and the
    ids of the further brands (stored as ``mention_brand`` links)."""

    item: Incoming
    brand_id: int | None
    brand_name: str | None
    extra_brand_ids: list[int]

    def row(self, analysis: dict[str, Any], now: datetime, source_id: int | None) -> dict[str, Any]:
        """The ``mention`` table's columns for this mention, with its analysis columns."""
        m = self.item.mention
        return {
            "platform": m.platform, "external_id": m.external_id, "brand_id": self.brand_id,
            "source_id": source_id, "url": m.url, "kind": m.kind or "post", "title": m.title,
            "text": m.text or "", "author_handle": m.author.handle, "author_name": m.author.name,
            "author_reach": m.author.reach, "engagement": m.engagement or {}, "rating": m.rating,
            "details": m.details or {}, "published_at": m.published_at, "collected_at": now,
            "language_hint": m.language, "status": "replied" if m.reply else "new", "tags": [],
            "notes": [], "updated_at": now, "in_reply_to": m.in_reply_to, **analysis,
        }  # fmt: skip
