"""Store a batch of mentions: link brands, skip known (platform, external_id), analyse, insert.

One function serves the API (``POST /api/v1/ingest``), ``listener import``, the demo and the
collectors, so every path stores the same thing. The caller's transaction holds the whole batch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import Unprocessable
from listener.pipeline.analysis import analyze, brand_contexts, pipeline_for
from listener.pipeline.clustering import cluster
from listener.storage.base import utcnow
from listener.storage.mentions import existing_keys, insert_links, insert_new
from listener.storage.models import Brand, Mention
from listener.storage.replies import add_platform_replies

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestOutcome:
    received: int
    created_ids: list[int] = field(default_factory=list)
    clustered: int = 0  # of the created, how many repeat an earlier mention (duplicate_of set)

    @property
    def created(self) -> int:
        return len(self.created_ids)

    @property
    def duplicates(self) -> int:
        return self.received - self.created


def brands_by_name(session: Session) -> dict[str, Brand]:
    """Every brand keyed by its name and, case-folded, by name and aliases."""
    out: dict[str, Brand] = {}
    for b in session.scalars(select(Brand)):
        for n in (b.name, *(b.aliases or ())):
            out.setdefault(n.casefold(), b)
    return out


def _names(item: dict[str, Any]) -> list[tuple[str, str]]:
    """``(field, brand name)`` of every brand an item names: ``brand`` first, then ``brands``."""
    named = [("brand", item["brand"])] if item.get("brand") else []
    return named + [(f"brands.{j}", n) for j, n in enumerate(item.get("brands") or ())]


def store_batch(
    session: Session, items: Sequence[dict[str, Any]], *, source_id: int | None = None
) -> IngestOutcome:
    """Store mention dicts (the ``MentionIn`` shape, already validated). Unknown brand names are a
    422 naming each item; nothing is written then. Returns what was created.

    A mention is linked to ``brand`` (its primary brand; the first of ``brands`` when absent) and to
    every other brand in ``brands``: the primary one in ``Mention.brand_id``, the others as
    ``mention_brand`` rows written with the mentions."""
    brands = brands_by_name(session)
    errors = [
        {"index": i, "field": name, "message": f"unknown brand {value!r}; create it first"}
        for i, item in enumerate(items)
        for name, value in _names(item)
        if value.casefold() not in brands
    ]
    if errors:
        raise Unprocessable(f"{len(errors)} mention(s) name an unknown brand", details=errors)
    outcome = IngestOutcome(received=len(items))
    seen: set[tuple[str, str]] = set()
    fresh: list[dict[str, Any]] = []
    known = existing_keys(session, {(i["platform"], i["external_id"]) for i in items})
    for item in items:
        key = (item["platform"], item["external_id"])
        if key in known or key in seen:
            continue
        seen.add(key)
        linked = list({b.id: b for b in (brands[n.casefold()] for _, n in _names(item))}.values())
        brand = linked[0] if linked else None
        fresh.append(
            {
                **item,
                "brand": brand.name if brand else None,
                "brands": [b.name for b in linked],
                "_brand_id": brand.id if brand else None,
                "_extra_brand_ids": [b.id for b in linked[1:]],
            }
        )
    if not fresh:
        return outcome
    contexts = brand_contexts({b.id: b for b in brands.values()}.values())
    now = utcnow()
    rows = [
        _row(item, columns, now, source_id)
        for item, columns in zip(fresh, analyze(fresh, contexts, pipeline_for(session)), strict=True)
    ]
    outcome.created_ids = insert_new(session, rows)
    if outcome.created_ids:
        by_key = {(r["platform"], r["external_id"]): r for r in rows}
        extras = {(i["platform"], i["external_id"]): i["_extra_brand_ids"] for i in fresh}
        replies = {(i["platform"], i["external_id"]): i["reply"] for i in fresh if i.get("reply")}
        stored = session.execute(
            select(Mention.id, Mention.platform, Mention.external_id).where(
                Mention.id.in_(outcome.created_ids)
            )
        ).all()
        insert_links(
            session,
            ((i, b, by_key[(p, e)]["published_at"]) for i, p, e in stored for b in extras[(p, e)]),
        )
        replied = [(i, p, extras_reply) for i, p, e in stored if (extras_reply := replies.get((p, e)))]
        if replied:
            add_platform_replies(session, replied)
        outcome.clustered = cluster(session, [(i, by_key[(p, e)]) for i, p, e in stored])
    return outcome


def _row(item: dict[str, Any], analysis: dict[str, Any], now: Any, source_id: int | None) -> dict[str, Any]:
    author = item.get("author") or {}
    return {
        "platform": item["platform"],
        "external_id": item["external_id"],
        "brand_id": item["_brand_id"],
        "source_id": source_id,
        "url": item.get("url"),
        "kind": item.get("kind") or "post",
        "title": item.get("title"),
        "text": item.get("text") or "",
        "author_handle": author.get("handle"),
        "author_name": author.get("name"),
        "author_reach": author.get("reach"),
        "engagement": item.get("engagement") or {},
        "rating": item.get("rating"),
        "details": item.get("details") or {},
        "in_reply_to": item.get("in_reply_to"),
        "published_at": item["published_at"],
        "collected_at": now,
        "language_hint": item.get("language"),
        "status": "replied" if item.get("reply") else "new",
        "tags": [],
        "notes": [],
        "updated_at": now,
        **analysis,
    }
